// The decision-diagram arena: unique table, node construction, boolean operations, cofactors,
// counting and projections. See manager.hpp.
#include "lib/dd/manager.hpp"

#include <algorithm>
#include <cassert>
#include <span>

namespace rulegap::dd {

namespace {

constexpr std::size_t initial_table = std::size_t{1} << 12;
constexpr std::size_t initial_cache = std::size_t{1} << 12;
// The cache grows with the arena up to this many entries (20 bytes each).
constexpr std::size_t max_cache = std::size_t{1} << 19;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

}  // namespace

Manager::Manager(std::vector<uint128> level_max, std::uint32_t first_rank, std::uint32_t rank_step)
    : max_(std::move(level_max)) {
    for (std::size_t i = 0; i < max_.size(); ++i)
        rank_.push_back(first_rank + rank_step * static_cast<std::uint32_t>(i));
    last_rank_ = rank_.empty() ? 0 : rank_.back();
    table_.assign(initial_table, Slot{});
    cache_.assign(initial_cache, Entry{});
    op_and_ = new_op();
    op_or_ = new_op();
    op_minus_ = new_op();
    op_ite_ = new_op();
    op_meets_ = new_op();
}

std::uint32_t Manager::add_level(uint128 max) { return add_level(max, rank_.empty() ? 0 : last_rank_ + 1); }

std::uint32_t Manager::add_level(uint128 max, std::uint32_t rank) {
    assert(std::find(rank_.begin(), rank_.end(), rank) == rank_.end() && rank != terminal_level);
    max_.push_back(max);
    rank_.push_back(rank);
    last_rank_ = std::max(last_rank_, rank);
    return static_cast<std::uint32_t>(max_.size() - 1);
}

Ref Manager::child_for(Ref r, uint128 v) const {
    const Node& n = nodes_[r];
    const std::uint32_t stored = n.count - 1;  // bounds stored; the last edge takes the rest
    std::uint32_t i;
    if (n.wide) {
        const uint128* b = wide_.at(n.bounds);
        i = static_cast<std::uint32_t>(std::lower_bound(b, b + stored, v) - b);
    } else if (v > ~std::uint64_t{0}) {
        i = stored;
    } else {
        const std::uint64_t* b = narrow_.at(n.bounds);
        i = static_cast<std::uint32_t>(std::lower_bound(b, b + stored, static_cast<std::uint64_t>(v)) - b);
    }
    return kids_[n.first + i];
}

std::uint32_t Manager::hash_of(std::uint32_t level, const uint128* his, const Ref* kids, std::uint32_t n) {
    std::uint64_t h = mix(0x1234567ull, level);
    for (std::uint32_t i = 0; i < n; ++i) {
        h = mix(h, static_cast<std::uint64_t>(his[i]));
        h = mix(h, static_cast<std::uint64_t>(his[i] >> 64));
        h = mix(h, kids[i]);
    }
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

void Manager::rehash(std::size_t slots) {
    std::vector<Slot> old(slots);
    old.swap(table_);
    const std::size_t mask = slots - 1;
    for (const Slot& e : old) {
        if (e.id == 0) continue;
        std::size_t s = e.hash & mask;
        while (table_[s].id != 0) s = (s + 1) & mask;
        table_[s] = e;
    }
}

void Manager::grow_cache() {
    std::size_t want = initial_cache;
    while (want < max_cache && want < nodes_.size() * 2) want *= 2;
    if (want > cache_.size()) cache_.assign(want, Entry{});  // a lossy cache: dropping is fine
}

bool Manager::same_bounds(const Node& x, const uint128* his) const {
    const std::uint32_t stored = x.count - 1;
    if (x.wide) return std::equal(his, his + stored, wide_.at(x.bounds));
    const std::uint64_t* b = narrow_.at(x.bounds);
    for (std::uint32_t i = 0; i < stored; ++i)
        if (his[i] != b[i]) return false;
    return true;
}

Ref Manager::intern(std::uint32_t level, const uint128* his, const Ref* kids, std::uint32_t n) {
    if (n == 1) return kids[0];
    const std::uint32_t h = hash_of(level, his, kids, n);
    std::size_t mask = table_.size() - 1;
    std::size_t s = h & mask;
    while (const std::uint32_t e = table_[s].id) {
        if (table_[s].hash == h) {
            const Node& x = nodes_[e - 1];
            if (x.level == level && x.count == n && std::equal(kids, kids + n, kids_.at(x.first)) &&
                same_bounds(x, his))
                return e - 1;
        }
        s = (s + 1) & mask;
    }
    assert(nodes_.size() < terminal_bit - 1);
    if (nodes_.size() + edges_ >= max_nodes_) throw DiagramTooLarge(max_nodes_);
    const auto id = static_cast<std::uint32_t>(nodes_.size());
    const std::uint32_t first = kids_.append(kids, n);
    bool wide = false;
    for (std::uint32_t i = 0; i + 1 < n; ++i) wide = wide || his[i] > ~std::uint64_t{0};
    const std::uint32_t bounds = wide ? wide_.append(his, n - 1) : narrow_.append(his, n - 1);
    edges_ += n;
    Node node{level, first, bounds, n, wide ? 1u : 0u, h};
    nodes_.append(&node, 1);
    table_[s] = Slot{id + 1, h};
    if (nodes_.size() * 4 > table_.size() * 3) rehash(table_.size() * 2);  // load at most 3/4
    if (nodes_.size() * 2 > cache_.size() && cache_.size() < max_cache) grow_cache();
    return id;
}

Ref Manager::make_from_stack(std::uint32_t level, std::size_t mark) {
    const auto n = static_cast<std::uint32_t>(stack_his_.size() - mark);
    // Copies: interning may grow the arena, never the stack, but keep it simple and safe.
    Ref r = intern(level, stack_his_.data() + mark, stack_kids_.data() + mark, n);
    stack_his_.resize(mark);
    stack_kids_.resize(mark);
    return r;
}

Ref Manager::make(std::uint32_t level, std::span<const uint128> his, std::span<const Ref> kids) {
    assert(his.size() == kids.size() && !his.empty() && his.back() == max_[level]);
    const std::size_t mark = stack_his_.size();
    for (std::size_t i = 0; i < his.size(); ++i) {
        assert(rank_of(kids[i]) > rank(level));
        push_edge(mark, his[i], kids[i]);
    }
    return make_from_stack(level, mark);
}

Ref Manager::select(std::uint32_t level, std::span<const Interval> values, Ref in, Ref out) {
    const uint128 top = max_[level];
    std::vector<Interval> v;
    for (const Interval& i : values)
        if (i.lo <= i.hi && i.lo <= top) v.push_back({i.lo, std::min(i.hi, top)});
    std::sort(v.begin(), v.end(), [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
    const std::size_t mark = stack_his_.size();
    uint128 next = 0;  // first value not yet covered
    bool done = false;
    for (const Interval& i : v) {
        if (i.hi < next) continue;
        if (i.lo > next) push_edge(mark, i.lo - 1, out);
        push_edge(mark, i.hi, in);
        if (i.hi == top) {
            done = true;
            break;
        }
        next = i.hi + 1;
    }
    if (!done) push_edge(mark, top, out);
    return make_from_stack(level, mark);
}

std::size_t Manager::size(std::span<const Ref> roots) const {
    begin_visit();
    std::vector<Ref> todo;
    std::size_t n = 0;
    for (Ref r : roots)
        if (!is_terminal(r) && mark(r)) todo.push_back(r);
    while (!todo.empty()) {
        Ref r = todo.back();
        todo.pop_back();
        ++n;
        for (std::uint32_t i = 0; i < nodes_[r].count; ++i) {
            Ref c = edge_child(r, i);
            if (!is_terminal(c) && mark(c)) todo.push_back(c);
        }
    }
    return n;
}

std::size_t Manager::memory() const {
    return nodes_.bytes() + narrow_.bytes() + wide_.bytes() + kids_.bytes() +
           table_.capacity() * sizeof(Slot) + cache_.capacity() * sizeof(Entry);
}

std::optional<Ref> Manager::and_case(Ref a, Ref b) {
    if (a == zero || b == zero) return zero;
    if (a == one) return b;
    if (b == one || a == b) return a;
    return std::nullopt;
}

std::optional<Ref> Manager::or_case(Ref a, Ref b) {
    if (a == one || b == one) return one;
    if (a == zero) return b;
    if (b == zero || a == b) return a;
    return std::nullopt;
}

Ref Manager::unite(Ref a, Ref b) {
    if (a > b) std::swap(a, b);
    return apply(op_or_, a, b, or_case);
}

Ref Manager::intersect(Ref a, Ref b) {
    if (a > b) std::swap(a, b);
    return apply(op_and_, a, b, and_case);
}

Ref Manager::minus_all(Ref a, std::vector<Ref> sets) {
    std::map<std::vector<Ref>, Ref> memo;
    sets.insert(sets.begin(), a);
    return minus_all_rec(sets, memo);
}

namespace {

// The top level of `refs` (terminals are below every level): its rank, and the level.
std::pair<std::uint32_t, std::uint32_t> top_of(const Manager& m, std::span<const Ref> refs) {
    std::uint32_t r0 = terminal_level, l = 0;
    for (Ref x : refs)
        if (m.rank_of(x) < r0) {
            r0 = m.rank_of(x);
            l = m.level(x);
        }
    return {r0, l};
}

// The values of level l (rank r0) in intervals on which every set of `fixed` and of `many` is
// constant: visit(hi, dead, fixed_kids, many_kids) for each, in order, until it returns true.
// fixed_kids: each fixed set's child there (dead: one of them is 0); many_kids: the children of
// `many` other than 0. A sweep over the edges, so that many sets that each split the level in
// a few places (a thousand /32 addresses) cost their edges, not sets × intervals.
template <class Visit>
void sweep(const Manager& m, std::uint32_t r0, std::uint32_t l, const std::vector<Ref>& fixed,
           const std::vector<Ref>& many, Visit&& visit) {
    struct Seg {
        uint128 lo, hi;
        Ref child;
    };
    const uint128 top = m.level_max(l);
    std::vector<Seg> segs;
    std::vector<Ref> base;
    std::vector<uint128> cuts{top};
    for (Ref x : many) {
        if (m.rank_of(x) != r0) {
            base.push_back(x);
            continue;
        }
        uint128 lo = 0;
        for (std::uint32_t e = 0, n = m.edge_count(x); e < n; ++e) {
            const uint128 hi = m.edge_hi(x, e);
            if (const Ref child = m.edge_child(x, e); child != zero) {
                segs.push_back({lo, hi, child});
                cuts.push_back(hi);
                if (lo > 0) cuts.push_back(lo - 1);
            }
            if (hi != top) lo = hi + 1;
        }
    }
    for (Ref x : fixed)
        if (m.rank_of(x) == r0)
            for (std::uint32_t e = 0, n = m.edge_count(x); e < n; ++e) cuts.push_back(m.edge_hi(x, e));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::sort(segs.begin(), segs.end(), [](const Seg& a, const Seg& b) { return a.lo < b.lo; });
    std::vector<std::uint32_t> at(fixed.size(), 0);
    std::vector<const Seg*> active;
    std::vector<Ref> fixed_kids, many_kids;
    std::size_t next = 0;
    uint128 lo = 0;
    for (const uint128 h : cuts) {
        while (next < segs.size() && segs[next].lo <= lo) active.push_back(&segs[next++]);
        std::erase_if(active, [&](const Seg* sg) { return sg->hi < lo; });
        fixed_kids.clear();
        bool dead = false;
        for (std::size_t i = 0; i < fixed.size(); ++i) {
            Ref x = fixed[i];
            if (m.rank_of(x) == r0) {
                while (m.edge_hi(x, at[i]) < lo) ++at[i];
                x = m.edge_child(x, at[i]);
            }
            dead = dead || x == zero;
            fixed_kids.push_back(x);
        }
        many_kids = base;
        for (const Seg* sg : active) many_kids.push_back(sg->child);
        if (visit(h, dead, fixed_kids, many_kids)) return;
        if (h == top) return;
        lo = h + 1;
    }
}

}  // namespace

// key: a, then the sets to take out of it (consumed: sorted, deduplicated, zeros dropped).
Ref Manager::minus_all_rec(std::vector<Ref>& key, std::map<std::vector<Ref>, Ref>& memo) {
    if (key.front() == zero) return zero;
    std::erase(key, zero);  // (a is not 0)
    if (std::find(key.begin() + 1, key.end(), one) != key.end()) return zero;
    std::sort(key.begin() + 1, key.end());
    key.erase(std::unique(key.begin() + 1, key.end()), key.end());
    if (std::find(key.begin() + 1, key.end(), key.front()) != key.end()) return zero;
    if (key.size() == 1) return key.front();
    if (key.size() == 2) return minus(key[0], key[1]);
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    const auto [r0, l] = top_of(*this, key);
    const std::vector<Ref> fixed{key.front()};
    const std::vector<Ref> many(key.begin() + 1, key.end());
    const std::size_t mark = stack_his_.size();
    std::vector<Ref> kids;
    sweep(*this, r0, l, fixed, many,
          [&](uint128 h, bool dead, const std::vector<Ref>& fk, const std::vector<Ref>& mk) {
              Ref c = zero;
              if (!dead) {
                  kids = fk;
                  kids.insert(kids.end(), mk.begin(), mk.end());
                  c = minus_all_rec(kids, memo);
              }
              push_edge(mark, h, c);
              return false;
          });
    const Ref out = make_from_stack(l, mark);
    memo.emplace(key, out);
    return out;
}

bool Manager::meets(std::vector<Ref> in, std::vector<Ref> out) {
    std::map<std::vector<Ref>, bool> memo;
    return meets_rec(in, out, memo);
}

// in and out are consumed (terminals settled, sorted, deduplicated).
bool Manager::meets_rec(std::vector<Ref>& in, std::vector<Ref>& out, std::map<std::vector<Ref>, bool>& memo) {
    if (std::find(in.begin(), in.end(), zero) != in.end()) return false;
    if (std::find(out.begin(), out.end(), one) != out.end()) return false;
    std::erase_if(in, [](Ref x) { return is_terminal(x); });  // 1 (or an outcome): no constraint
    std::erase(out, zero);
    std::sort(in.begin(), in.end());
    in.erase(std::unique(in.begin(), in.end()), in.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.empty()) {
        if (in.size() <= 1) return true;
        if (in.size() == 2) return intersects(in[0], in[1]);
    }
    for (Ref x : in)
        if (std::binary_search(out.begin(), out.end(), x)) return false;
    std::vector<Ref> key = in;
    key.push_back(terminal_level);  // (no Ref is this: the separator)
    key.insert(key.end(), out.begin(), out.end());
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    std::vector<Ref> all = in;
    all.insert(all.end(), out.begin(), out.end());
    const auto [r0, l] = top_of(*this, all);
    bool found = false;
    std::vector<Ref> kin, kout;
    sweep(*this, r0, l, in, out,
          [&](uint128, bool dead, const std::vector<Ref>& fk, const std::vector<Ref>& mk) {
              if (dead) return false;
              kin = fk;
              kout = mk;
              found = meets_rec(kin, kout, memo);
              return found;
          });
    memo.emplace(std::move(key), found);
    return found;
}

bool Manager::intersects(Ref a, Ref b) {
    if (a == zero || b == zero) return false;
    // A diagram other than 0 has an assignment (canonical: no node has only 0 below it).
    if (a == one || b == one || a == b) return true;
    if (is_terminal(a) && is_terminal(b)) return true;  // outcome terminals: both non-empty
    if (a > b) std::swap(a, b);
    if (std::optional<Ref> r = cache_find(op_meets_, a, b, 0)) return *r == one;
    const std::uint32_t ra = rank_of(a), rb = rank_of(b);
    const std::uint32_t l = ra <= rb ? level(a) : level(b);
    const bool in_a = ra <= rb, in_b = rb <= ra;
    const uint128 top = max_[l];
    std::uint32_t ia = 0, ib = 0;
    bool out = false;
    for (;;) {
        const uint128 ha = in_a ? edge_hi(a, ia) : top, hb = in_b ? edge_hi(b, ib) : top;
        if (intersects(in_a ? edge_child(a, ia) : a, in_b ? edge_child(b, ib) : b)) {
            out = true;
            break;
        }
        const uint128 h = ha < hb ? ha : hb;
        if (h == top) break;
        if (ha == h) ++ia;
        if (hb == h) ++ib;
    }
    cache_store(op_meets_, a, b, 0, out ? one : zero);
    return out;
}

Ref Manager::minus(Ref a, Ref b) {
    return apply(op_minus_, a, b, [](Ref x, Ref y) -> std::optional<Ref> {
        if (x == zero || y == one || x == y) return zero;
        if (y == zero) return x;
        if (is_terminal(x) && is_terminal(y)) return x == one && y == zero ? one : zero;
        return std::nullopt;
    });
}

Ref Manager::ite(Ref cond, Ref then_, Ref else_) {
    return apply3(op_ite_, cond, then_, else_, [](Ref c, Ref t, Ref e) -> std::optional<Ref> {
        if (c == one || t == e) return t;
        if (c == zero) return e;
        return std::nullopt;
    });
}

Ref Manager::cofactor_rec(Ref a, std::uint32_t lvl, uint128 value, std::unordered_map<Ref, Ref>& memo) {
    const std::uint32_t l = level(a);
    if (rank_of(a) > rank(lvl)) return a;
    if (l == lvl) return child_for(a, value);
    auto it = memo.find(a);
    if (it != memo.end()) return it->second;
    const std::size_t mark = stack_his_.size();
    for (std::uint32_t i = 0, n = edge_count(a); i < n; ++i) {
        const uint128 h = edge_hi(a, i);
        const Ref c = cofactor_rec(edge_child(a, i), lvl, value, memo);
        push_edge(mark, h, c);
    }
    const Ref r = make_from_stack(l, mark);
    memo.emplace(a, r);
    return r;
}

Ref Manager::cofactor(Ref a, std::uint32_t lvl, uint128 value) {
    std::unordered_map<Ref, Ref> memo;
    return cofactor_rec(a, lvl, value, memo);
}

std::vector<std::uint32_t> Manager::terminals(Ref a) const {
    std::vector<std::uint32_t> out;
    begin_visit();
    std::vector<Ref> todo{a};
    while (!todo.empty()) {
        Ref r = todo.back();
        todo.pop_back();
        if (is_terminal(r)) {
            out.push_back(terminal_value(r));
            continue;
        }
        if (!mark(r)) continue;
        for (std::uint32_t i = 0; i < nodes_[r].count; ++i) todo.push_back(edge_child(r, i));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

Ref Manager::eval(Ref a, std::span<const uint128> values) const {
    while (!is_terminal(a)) a = child_for(a, values[nodes_[a].level]);
    return a;
}

std::vector<Interval> Manager::values(Ref a, std::uint32_t lvl) const {
    std::vector<Interval> found;
    bool everything = false;
    begin_visit();
    std::vector<Ref> todo;
    auto reach = [&](Ref c) {  // c is reached from a node above the level
        if (c == zero) return;
        if (rank_of(c) > rank(lvl))
            everything = true;
        else if (mark(c))
            todo.push_back(c);
    };
    reach(a);
    while (!todo.empty() && !everything) {
        Ref r = todo.back();
        todo.pop_back();
        const std::uint32_t l = nodes_[r].level;
        if (l != lvl) {  // above the level
            for (std::uint32_t i = 0; i < nodes_[r].count; ++i) reach(edge_child(r, i));
            continue;
        }
        uint128 lo = 0;  // l == lvl
        for (std::uint32_t i = 0; i < nodes_[r].count; ++i) {
            const uint128 h = edge_hi(r, i);
            if (edge_child(r, i) != zero) found.push_back({lo, h});
            lo = h + 1;
        }
    }
    if (everything) return {Interval{0, max_[lvl]}};
    std::sort(found.begin(), found.end(), [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
    std::vector<Interval> out;
    for (const Interval& i : found) {
        if (!out.empty() && (out.back().hi == ~uint128{0} || i.lo <= out.back().hi + 1))
            out.back().hi = std::max(out.back().hi, i.hi);
        else
            out.push_back(i);
    }
    return out;
}

BigCount Manager::count(Ref a, std::uint32_t end) const {
    // Sizes of the level domains, and the product of the domains of levels [from, to).
    std::vector<BigCount> dom(end);
    for (std::uint32_t l = 0; l < end; ++l) dom[l] = BigCount::from_uint128(max_[l]) + BigCount(1);
    auto skipped = [&](std::uint32_t from, std::uint32_t to) {
        BigCount p(1);
        for (std::uint32_t l = from; l < to; ++l) p = p * dom[l];
        return p;
    };
    auto lvl = [&](Ref r) { return is_terminal(r) ? end : nodes_[r].level; };
    std::unordered_map<Ref, BigCount> memo;
    // Assignments of levels [level(r), end) that reach 1.
    auto rec = [&](auto&& self, Ref r) -> BigCount {
        if (is_terminal(r)) return r == one ? BigCount(1) : BigCount(0);
        auto it = memo.find(r);
        if (it != memo.end()) return it->second;
        BigCount total;
        uint128 lo = 0;
        const std::uint32_t l = nodes_[r].level;
        for (std::uint32_t i = 0; i < nodes_[r].count; ++i) {
            const uint128 h = edge_hi(r, i);
            const Ref c = edge_child(r, i);
            if (c != zero)
                total = total + (BigCount::from_uint128(h - lo) + BigCount(1)) * skipped(l + 1, lvl(c)) *
                                    self(self, c);
            lo = h + 1;
        }
        memo.emplace(r, total);
        return total;
    };
    if (a == zero) return BigCount(0);
    return skipped(0, lvl(a)) * rec(rec, a);
}

void Manager::clear_caches() { std::fill(cache_.begin(), cache_.end(), Entry{}); }

}  // namespace rulegap::dd
