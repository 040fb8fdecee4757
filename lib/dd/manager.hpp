// Private to lib/: the decision-diagram core (docs/packet-set.md, "Decision diagrams").
//
// A Manager owns the nodes of canonical, hash-consed, multi-terminal interval decision diagrams
// over a fixed order of levels. Level l takes values 0..level_max(l) (a packet field, or a
// 1-bit free variable); its place in the order is its rank (levels added later may be ranked
// above older ones, e.g. free variables above the packet fields). A node tests one level: its
// edges are consecutive intervals covering the level's whole domain, each with a child of a
// higher rank (deeper) or a terminal.
// Canonical form: adjacent edges with the same child are merged, a node with one edge is
// replaced by its child, and the unique table makes equal diagrams the same Ref. So two
// diagrams are equal exactly when their Refs are.
//
// Terminals carry a 31-bit value: 0 and 1 for sets, an outcome id for evaluations.
//
// Operations are memoised in a lossy cache (fixed number of entries, keyed by an operation id
// and the operands), so memory for the cache stays bounded; results are exact either way.
// No global or static mutable state: one Manager per thread (or per evaluation); a Manager and
// everything made with it are used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "rulegap/packet_set.hpp"

namespace rulegap::dd {

using Ref = std::uint32_t;
constexpr Ref terminal_bit = 0x80000000u;
constexpr bool is_terminal(Ref r) { return (r & terminal_bit) != 0; }
constexpr Ref terminal(std::uint32_t value) { return terminal_bit | value; }
constexpr std::uint32_t terminal_value(Ref r) { return r & ~terminal_bit; }
constexpr Ref zero = terminal(0);  // the empty set
constexpr Ref one = terminal(1);   // every assignment
constexpr std::uint32_t terminal_level = 0xffffffffu;

class Manager {
public:
    // One level per entry: its largest value (the domain is 0..max); ranks first_rank,
    // first_rank + rank_step, ... (gaps leave room for levels added between them later).
    explicit Manager(std::vector<uint128> level_max = {}, std::uint32_t first_rank = 0,
                     std::uint32_t rank_step = 1);
    Manager(const Manager&) = delete;
    Manager& operator=(const Manager&) = delete;

    // Adds a level below all others (existing diagrams stay valid); returns its index.
    std::uint32_t add_level(uint128 max);
    // Adds a level with the given rank, which no other level may have (existing diagrams stay
    // valid: their nodes do not test it).
    std::uint32_t add_level(uint128 max, std::uint32_t rank);
    std::uint32_t level_count() const { return static_cast<std::uint32_t>(max_.size()); }
    uint128 level_max(std::uint32_t level) const { return max_[level]; }
    std::uint32_t rank(std::uint32_t level) const {
        return level == terminal_level ? terminal_level : rank_[level];
    }
    std::uint32_t rank_of(Ref r) const { return is_terminal(r) ? terminal_level : rank_[nodes_[r].level]; }

    // ---- nodes -------------------------------------------------------------------------------
    std::uint32_t level(Ref r) const { return is_terminal(r) ? terminal_level : nodes_[r].level; }
    std::uint32_t edge_count(Ref r) const { return nodes_[r].count; }
    uint128 edge_hi(Ref r, std::uint32_t i) const {
        const Node& n = nodes_[r];
        if (i + 1 == n.count) return max_[n.level];  // the last bound is the level's maximum, not stored
        return n.wide ? wide_[n.bounds + i] : uint128{narrow_[n.bounds + i]};
    }
    Ref edge_child(Ref r, std::uint32_t i) const { return kids_[nodes_[r].first + i]; }
    // The child of r for value v at r's level (r must be a node).
    Ref child_for(Ref r, uint128 v) const;

    // The canonical node for consecutive edges (his ascending, the last one level_max(level));
    // each child must lie deeper than `level`.
    Ref make(std::uint32_t level, std::span<const uint128> his, std::span<const Ref> kids);
    // `in` where the level's value lies in one of the (sorted, disjoint) intervals, else `out`.
    Ref select(std::uint32_t level, std::span<const Interval> values, Ref in, Ref out);

    // Nodes made so far (the arena; nothing is freed before the Manager goes).
    std::size_t node_count() const { return nodes_.size(); }
    // At most this many nodes and edges together: making more throws DiagramTooLarge
    // (packet_set.hpp); the Manager is not to be used after that.
    void set_max_nodes(std::size_t n) { max_nodes_ = n; }
    std::size_t max_nodes() const { return max_nodes_; }
    std::size_t edge_total() const { return edges_; }
    // Nodes reachable from the roots (terminals not counted).
    std::size_t size(std::span<const Ref> roots) const;
    std::size_t size(Ref root) const { return size(std::span<const Ref>(&root, 1)); }
    // Bytes held by the arena, the unique table and the cache.
    std::size_t memory() const;

    // ---- memoised operations -----------------------------------------------------------------
    // A fresh operation id for the cache: an operation's result must depend only on its id and
    // its operands. Ids of one Manager never repeat.
    std::uint32_t new_op() { return next_op_++; }

    // Pointwise binary operation. tc(a, b) returns the result when it is known without looking
    // further (it must when both are terminals), or nullopt to split at the top level.
    template <class F> Ref apply(std::uint32_t op, Ref a, Ref b, F&& tc);
    // Pointwise ternary operation, as apply.
    template <class F> Ref apply3(std::uint32_t op, Ref a, Ref b, Ref c, F&& tc);
    // Replaces every terminal t by leaf(t) (a terminal or a diagram; a diagram must lie below
    // every level of `a` that leads to t, e.g. when it tests only deeper levels).
    template <class F> Ref map(std::uint32_t op, Ref a, F&& leaf);

    // Boolean sets (terminals 0 and 1).
    Ref unite(Ref a, Ref b);
    Ref intersect(Ref a, Ref b);
    Ref minus(Ref a, Ref b);
    // a minus the union of many sets, in one pass: only the result's nodes are made (a chain
    // or a balanced tree of binary operations makes every intermediate set too).
    Ref minus_all(Ref a, std::vector<Ref> sets);
    // Whether a and b share an assignment, without building their intersection.
    bool intersects(Ref a, Ref b);
    // Whether some assignment is in every set of `in` and in no set of `out`, without building
    // anything.
    bool meets(std::vector<Ref> in, std::vector<Ref> out);
    // Multi-terminal if-then-else on a boolean condition.
    Ref ite(Ref cond, Ref then_, Ref else_);

    // The diagram with `level` fixed to `value` (that level no longer tested).
    Ref cofactor(Ref a, std::uint32_t level, uint128 value);
    // Folds over the values of `level` within [lo, hi]: combine(x, y) (memoised apply with id
    // `op`, associative and commutative) of the cofactors for those values.
    template <class F> Ref fold_level(Ref a, std::uint32_t level, Interval within, std::uint32_t op, F&& tc);
    Ref exists(Ref a, std::uint32_t level) { return fold_level(a, level, {0, max_[level]}, op_or_, or_case); }
    Ref forall(Ref a, std::uint32_t level) {
        return fold_level(a, level, {0, max_[level]}, op_and_, and_case);
    }

    // Terminals reachable from a, in increasing order.
    std::vector<std::uint32_t> terminals(Ref a) const;
    // The terminal reached by an assignment (values[l] for level l).
    Ref eval(Ref a, std::span<const uint128> values) const;
    // Sorted disjoint intervals: the values `level` takes on paths from a to a terminal other
    // than 0. Paths that do not test the level take every value.
    std::vector<Interval> values(Ref a, std::uint32_t level) const;
    // Number of assignments of levels [0, end) that reach terminal 1 (a must not test levels
    // at or past `end`; levels [0, end) must be ranked in the order of their indices).
    BigCount count(Ref a, std::uint32_t end) const;

    // Drops every memoised result (the arena stays).
    void clear_caches();

    static std::optional<Ref> and_case(Ref a, Ref b);
    static std::optional<Ref> or_case(Ref a, Ref b);

private:
    // Storage that grows by fixed-size chunks: nothing is moved when it grows, and a run
    // appended at once stays contiguous (it starts a new chunk when the current one is short).
    template <class T> class Chunked {
    public:
        static constexpr std::uint32_t bits = 16, chunk = 1u << bits;
        const T& operator[](std::uint32_t i) const { return ptrs_[i >> bits][i & (chunk - 1)]; }
        std::uint32_t size() const { return size_; }
        // Appends n items contiguously; returns the index of the first. A run longer than a
        // chunk gets one allocation spanning several chunk indices.
        template <class S> std::uint32_t append(const S* p, std::uint32_t n) {
            if (size_ + n > ptrs_.size() * chunk) {
                size_ =
                    static_cast<std::uint32_t>(ptrs_.size() * chunk);  // the rest of this chunk stays unused
                const std::size_t m = (n + chunk - 1) / chunk;
                if (m == 0) return size_;
                owned_.push_back(std::make_unique_for_overwrite<T[]>(m * chunk));
                for (std::size_t j = 0; j < m; ++j) ptrs_.push_back(owned_.back().get() + j * chunk);
            }
            const std::uint32_t at = size_;
            T* out = ptrs_[at >> bits] + (at & (chunk - 1));
            for (std::uint32_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[i]);
            size_ += n;
            return at;
        }
        const T* at(std::uint32_t i) const { return ptrs_[i >> bits] + (i & (chunk - 1)); }
        std::size_t bytes() const { return ptrs_.size() * chunk * sizeof(T); }

    private:
        std::vector<std::unique_ptr<T[]>> owned_;
        std::vector<T*> ptrs_;  // per chunk index: its start
        std::uint32_t size_ = 0;
    };

    struct Node {
        std::uint32_t level;
        std::uint32_t first;   // into kids_
        std::uint32_t bounds;  // into narrow_ or wide_: the upper bounds of all edges but the last
        std::uint32_t count : 31;
        std::uint32_t wide : 1;
        std::uint32_t hash;
    };
    struct Entry {
        std::uint32_t op = 0, a = 0, b = 0, c = 0, r = 0;
    };

    std::optional<Ref> cache_find(std::uint32_t op, Ref a, Ref b, Ref c) const {
        const Entry& e = cache_[slot(op, a, b, c)];
        if (e.op == op && e.a == a && e.b == b && e.c == c) return e.r;
        return std::nullopt;
    }
    void cache_store(std::uint32_t op, Ref a, Ref b, Ref c, Ref r) {
        cache_[slot(op, a, b, c)] = Entry{op, a, b, c, r};
    }
    std::size_t slot(std::uint32_t op, Ref a, Ref b, Ref c) const {
        std::uint64_t h = op * 0x9e3779b97f4a7c15ull;
        h ^= (h >> 29) + a * 0xbf58476d1ce4e5b9ull;
        h ^= (h >> 31) + b * 0x94d049bb133111ebull;
        h ^= (h >> 27) + c * 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        return static_cast<std::size_t>(h) & (cache_.size() - 1);
    }
    void grow_cache();

    // Edges of the node being built are pushed on a stack shared by the recursion: a call
    // pushes its edges after its children's calls have popped theirs.
    void push_edge(std::size_t mark, uint128 hi, Ref child) {
        if (stack_his_.size() > mark && stack_kids_.back() == child) {
            stack_his_.back() = hi;
            return;
        }
        stack_his_.push_back(hi);
        stack_kids_.push_back(child);
    }
    Ref make_from_stack(std::uint32_t level, std::size_t mark);
    // The edges on the stack since `mark` are node r's (an operand of the same level): the
    // result is r itself, found without hashing.
    bool stack_is(Ref r, std::size_t mark) const {
        const std::size_t n = stack_kids_.size() - mark;
        if (n != nodes_[r].count) return false;
        for (std::uint32_t i = 0; i < n; ++i)
            if (stack_kids_[mark + i] != edge_child(r, i) || stack_his_[mark + i] != edge_hi(r, i))
                return false;
        return true;
    }
    Ref pop_to(Ref r, std::size_t mark) {
        stack_his_.resize(mark);
        stack_kids_.resize(mark);
        return r;
    }
    Ref intern(std::uint32_t level, const uint128* his, const Ref* kids, std::uint32_t n);
    // The stored bounds of x (all but the last) equal his.
    bool same_bounds(const Node& x, const uint128* his) const;
    void rehash(std::size_t slots);
    static std::uint32_t hash_of(std::uint32_t level, const uint128* his, const Ref* kids, std::uint32_t n);

    // Marks for traversals, reused (an array the size of the arena per call would be fresh
    // memory each time): a node is marked when stamp_[node] == epoch_.
    std::uint32_t begin_visit() const {
        if (stamp_.size() < nodes_.size()) stamp_.resize(nodes_.size() + nodes_.size() / 2, 0);
        if (++epoch_ == 0) {
            std::fill(stamp_.begin(), stamp_.end(), 0);
            epoch_ = 1;
        }
        return epoch_;
    }
    bool mark(Ref r) const {  // true the first time in this traversal
        if (stamp_[r] == epoch_) return false;
        stamp_[r] = epoch_;
        return true;
    }
    mutable std::vector<std::uint32_t> stamp_;
    mutable std::uint32_t epoch_ = 0;

    Ref minus_all_rec(std::vector<Ref>& key, std::map<std::vector<Ref>, Ref>& memo);
    bool meets_rec(std::vector<Ref>& in, std::vector<Ref>& out, std::map<std::vector<Ref>, bool>& memo);
    Ref cofactor_rec(Ref a, std::uint32_t level, uint128 value, std::unordered_map<Ref, Ref>& memo);

    std::vector<uint128> max_;
    std::vector<std::uint32_t> rank_;
    std::uint32_t last_rank_ = 0;  // the highest rank so far
    Chunked<Node> nodes_;
    std::uint32_t edges_ = 0;  // edges stored (kids_ also holds padding)
    // Edge upper bounds: in 64 bits when they all fit (IPv4 addresses, ports, ...), else 128.
    Chunked<std::uint64_t> narrow_;
    Chunked<uint128> wide_;
    Chunked<Ref> kids_;
    // Unique table: node index + 1 (0: empty) and the node's hash, so a probe reads the node
    // only when the hashes agree.
    struct Slot {
        std::uint32_t id = 0, hash = 0;
    };
    std::vector<Slot> table_;
    std::vector<Entry> cache_;
    std::vector<uint128> stack_his_;
    std::vector<Ref> stack_kids_;
    std::uint32_t next_op_ = 1;
    std::size_t max_nodes_ = default_max_nodes;
    std::uint32_t op_and_, op_or_, op_minus_, op_ite_, op_meets_;
};

// ---- templates -------------------------------------------------------------------------------

template <class F> Ref Manager::apply(std::uint32_t op, Ref a, Ref b, F&& tc) {
    if (std::optional<Ref> r = tc(a, b)) return *r;
    if (std::optional<Ref> r = cache_find(op, a, b, 0)) return *r;
    const std::uint32_t ra = rank_of(a), rb = rank_of(b);
    const std::uint32_t r0 = ra < rb ? ra : rb;
    const std::uint32_t l = ra == r0 ? level(a) : level(b);
    const std::uint32_t la = ra == r0 ? l : terminal_level, lb = rb == r0 ? l : terminal_level;
    const uint128 top = max_[l];
    const std::size_t mark = stack_his_.size();
    std::uint32_t ia = 0, ib = 0;
    for (;;) {
        uint128 ha = top, hb = top;
        Ref ca = a, cb = b;
        if (la == l) {
            ha = edge_hi(a, ia);
            ca = edge_child(a, ia);
        }
        if (lb == l) {
            hb = edge_hi(b, ib);
            cb = edge_child(b, ib);
        }
        const uint128 h = ha < hb ? ha : hb;
        const Ref c = apply(op, ca, cb, tc);
        push_edge(mark, h, c);
        if (h == top) break;
        if (ha == h) ++ia;
        if (hb == h) ++ib;
    }
    const Ref out = la == l && stack_is(a, mark)   ? pop_to(a, mark)
                    : lb == l && stack_is(b, mark) ? pop_to(b, mark)
                                                   : make_from_stack(l, mark);
    cache_store(op, a, b, 0, out);
    return out;
}

template <class F> Ref Manager::apply3(std::uint32_t op, Ref a, Ref b, Ref c, F&& tc) {
    if (std::optional<Ref> r = tc(a, b, c)) return *r;
    if (std::optional<Ref> r = cache_find(op, a, b, c)) return *r;
    const std::uint32_t ra = rank_of(a), rb = rank_of(b), rc = rank_of(c);
    std::uint32_t r0 = ra < rb ? ra : rb;
    r0 = rc < r0 ? rc : r0;
    const std::uint32_t l = ra == r0 ? level(a) : rb == r0 ? level(b) : level(c);
    const std::uint32_t la = ra == r0 ? l : terminal_level, lb = rb == r0 ? l : terminal_level,
                        lc = rc == r0 ? l : terminal_level;
    const uint128 top = max_[l];
    const std::size_t mark = stack_his_.size();
    std::uint32_t ia = 0, ib = 0, ic = 0;
    for (;;) {
        uint128 ha = top, hb = top, hc = top;
        Ref ca = a, cb = b, cc = c;
        if (la == l) {
            ha = edge_hi(a, ia);
            ca = edge_child(a, ia);
        }
        if (lb == l) {
            hb = edge_hi(b, ib);
            cb = edge_child(b, ib);
        }
        if (lc == l) {
            hc = edge_hi(c, ic);
            cc = edge_child(c, ic);
        }
        uint128 h = ha < hb ? ha : hb;
        h = hc < h ? hc : h;
        const Ref x = apply3(op, ca, cb, cc, tc);
        push_edge(mark, h, x);
        if (h == top) break;
        if (ha == h) ++ia;
        if (hb == h) ++ib;
        if (hc == h) ++ic;
    }
    const Ref out = la == l && stack_is(a, mark)   ? pop_to(a, mark)
                    : lb == l && stack_is(b, mark) ? pop_to(b, mark)
                    : lc == l && stack_is(c, mark) ? pop_to(c, mark)
                                                   : make_from_stack(l, mark);
    cache_store(op, a, b, c, out);
    return out;
}

template <class F> Ref Manager::map(std::uint32_t op, Ref a, F&& leaf) {
    if (is_terminal(a)) return leaf(terminal_value(a));
    if (std::optional<Ref> r = cache_find(op, a, terminal_level, 0)) return *r;
    const std::uint32_t l = level(a);
    const std::size_t mark = stack_his_.size();
    for (std::uint32_t i = 0, n = edge_count(a); i < n; ++i) {
        const uint128 h = edge_hi(a, i);
        const Ref c = map(op, edge_child(a, i), leaf);
        push_edge(mark, h, c);
    }
    const Ref r = stack_is(a, mark) ? pop_to(a, mark) : make_from_stack(l, mark);
    cache_store(op, a, terminal_level, 0, r);
    return r;
}

template <class F>
Ref Manager::fold_level(Ref a, std::uint32_t lvl, Interval within, std::uint32_t op, F&& tc) {
    std::unordered_map<Ref, Ref> memo;
    auto rec = [&](auto&& self, Ref x) -> Ref {
        const std::uint32_t l = level(x);
        if (rank_of(x) > rank(lvl)) return x;  // does not test the level: every value gives x
        auto it = memo.find(x);
        if (it != memo.end()) return it->second;
        Ref r;
        if (l == lvl) {
            std::optional<Ref> acc;
            uint128 lo = 0;
            for (std::uint32_t i = 0, n = edge_count(x); i < n; ++i) {
                const uint128 h = edge_hi(x, i);
                if (h >= within.lo && lo <= within.hi) {
                    const Ref c = edge_child(x, i);
                    acc = acc ? apply(op, *acc, c, tc) : c;
                }
                if (h >= within.hi) break;
                lo = h + 1;
            }
            r = *acc;
        } else {
            const std::size_t mark = stack_his_.size();
            for (std::uint32_t i = 0, n = edge_count(x); i < n; ++i) {
                const uint128 h = edge_hi(x, i);
                const Ref c = self(self, edge_child(x, i));
                push_edge(mark, h, c);
            }
            r = make_from_stack(l, mark);
        }
        memo.emplace(x, r);
        return r;
    };
    return rec(rec, a);
}

}  // namespace rulegap::dd
