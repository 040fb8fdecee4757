// PacketSet::disjoint_ranges(): a set as a short list of disjoint header-space ranges.
//
// The set is first made independent of the fields a packet does not carry: a member of a kind
// without ports (icmp, gre, ...) stands for every port value, without an ICMP type for every
// type, and an IPv4 address interval that reaches 2^32 - 1 reaches the top of the field. Each of
// those is a function of the members, and intersecting with the well-formed packets undoes it,
// so a range may leave such fields out. The widened set is then decided field by field in Field
// order, as a tree: a node's edges carry the intervals of its field that lead to the same
// remaining set (families never share an edge, so that addresses are always read in one
// family). The paths of that tree are the ranges.
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include "lib/packetset/set_space.hpp"
#include "lib/packetset/universe.hpp"

namespace rulegap {

const std::vector<Interval>* HeaderRange::find(Field f) const {
    for (const Values& v : fields)
        if (v.field == f) return &v.intervals;
    return nullptr;
}

namespace {

using detail::idx;

constexpr std::uint64_t saturated = std::numeric_limits<std::uint64_t>::max();

struct Edge {
    std::vector<Interval> values;
    std::uint32_t child = 0;
};

// The set decided field by field in Field order (whatever the space's order): a node per
// (field, remaining set), its edges the intervals of the field that lead to the same remaining
// set. Remaining sets are canonical diagrams, so a node is known by its root.
class RangeTree {
public:
    explicit RangeTree(dd::Space& s) : s_(s), m_(s.manager()) {
        nodes_.emplace_back();   // 0: the leaf, every field decided
        paths_.push_back(1);
    }

    std::uint32_t build(int d, dd::Ref set) {
        if (d == field_count) return 0;
        auto [it, fresh] = memo_.try_emplace({d, set}, 0);
        if (!fresh) return it->second;
        const auto f = static_cast<Field>(d);
        const std::vector<std::pair<uint128, dd::Ref>> pieces = slices(set, s_.level(f));
        std::vector<Edge> edges;
        std::unordered_map<std::uint32_t, std::size_t> edge_of_child;
        uint128 lo = 0;
        for (const auto& [hi, rest] : pieces) {
            const Interval values{lo, hi};
            lo = hi + 1;
            if (rest == dd::zero) continue;
            std::uint32_t child = build(d + 1, rest);
            auto e = f == Field::family ? edge_of_child.end() : edge_of_child.find(child);
            if (e == edge_of_child.end()) {
                edge_of_child[child] = edges.size();
                edges.push_back({{values}, child});
                continue;
            }
            std::vector<Interval>& list = edges[e->second].values;
            if (list.back().hi + 1 == values.lo) list.back().hi = values.hi;
            else list.push_back(values);
        }
        std::uint64_t count = 0;
        for (const Edge& e : edges) count = paths_[e.child] > saturated - count ? saturated : count + paths_[e.child];
        auto id = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back(std::move(edges));
        paths_.push_back(count);
        memo_[{d, set}] = id;
        return id;
    }

    std::uint64_t paths(std::uint32_t node) const { return paths_[node]; }

    // The first `limit` paths from `node`, depth first in edge order.
    void enumerate(std::uint32_t node, std::size_t limit, std::vector<const Edge*>& path, std::vector<HeaderRange>& out) const {
        if (out.size() >= limit) return;
        if (node == 0) {
            HeaderRange r;
            for (std::size_t d = 0; d < path.size(); ++d) {
                Field f = static_cast<Field>(d);
                const std::vector<Interval>& v = path[d]->values;
                bool every = v.size() == 1 && v[0].lo == 0 && v[0].hi == field_max(f);
                if (f == Field::family || !every) r.fields.push_back({f, v});
            }
            out.push_back(std::move(r));
            return;
        }
        for (const Edge& e : nodes_[node]) {
            path.push_back(&e);
            enumerate(e.child, limit, path, out);
            path.pop_back();
            if (out.size() >= limit) return;
        }
    }

private:
    // The set as a function of one level's value: consecutive pieces of the level's domain (by
    // upper bound), each with the set where the level takes a value of the piece. One walk of the
    // nodes above the level, instead of a cofactor per piece.
    std::vector<std::pair<uint128, dd::Ref>> slices(dd::Ref set, std::uint32_t level) {
        using Pieces = std::vector<std::pair<uint128, dd::Ref>>;
        const std::uint32_t rank = m_.rank(level);
        const uint128 max = m_.level_max(level);
        std::unordered_map<dd::Ref, Pieces> memo;   // (references stay valid as it grows)
        auto rec = [&](auto&& self, dd::Ref n) -> const Pieces& {
            if (auto it = memo.find(n); it != memo.end()) return it->second;
            Pieces out;
            if (dd::is_terminal(n) || m_.rank_of(n) > rank) {
                out.push_back({max, n});
            } else if (m_.level(n) == level) {
                for (std::uint32_t i = 0; i < m_.edge_count(n); ++i) out.push_back({m_.edge_hi(n, i), m_.edge_child(n, i)});
            } else {
                const std::uint32_t count = m_.edge_count(n);
                std::vector<const Pieces*> kids_pieces;
                std::vector<uint128> his;
                for (std::uint32_t i = 0; i < count; ++i) {
                    kids_pieces.push_back(&self(self, m_.edge_child(n, i)));
                    his.push_back(m_.edge_hi(n, i));
                }
                std::vector<std::size_t> at(count, 0);
                std::vector<dd::Ref> kids(count);
                for (;;) {
                    uint128 hi = max;
                    for (std::uint32_t i = 0; i < count; ++i) {
                        const auto& [h, r] = (*kids_pieces[i])[at[i]];
                        kids[i] = r;
                        hi = std::min(hi, h);
                    }
                    const dd::Ref r = m_.make(m_.level(n), his, kids);
                    if (!out.empty() && out.back().second == r) out.back().first = hi;
                    else out.push_back({hi, r});
                    if (hi == max) break;
                    for (std::uint32_t i = 0; i < count; ++i)
                        if ((*kids_pieces[i])[at[i]].first == hi) ++at[i];
                }
            }
            return memo.emplace(n, std::move(out)).first->second;
        };
        return rec(rec, set);
    }

    struct KeyHash {
        std::size_t operator()(const std::pair<int, dd::Ref>& k) const {
            return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.first) << 32) | k.second);
        }
    };
    dd::Space& s_;
    dd::Manager& m_;
    std::vector<std::vector<Edge>> nodes_;
    std::vector<std::uint64_t> paths_;
    std::unordered_map<std::pair<int, dd::Ref>, std::uint32_t, KeyHash> memo_;
};

// The members, with the fields their kind of packet does not carry (and the top of the IPv4
// address space) stretched over the whole field.
dd::Ref widen(dd::Space& s, dd::Ref set) {
    dd::Manager& m = s.manager();
    dd::Ref out = dd::zero;
    const std::vector<Interval> families = s.values(set, Field::family);
    const std::vector<Interval> protocols = s.values(set, Field::protocol);
    auto meets = [](const std::vector<Interval>& v, const Interval& i) {
        return std::any_of(v.begin(), v.end(), [&](const Interval& x) { return x.lo <= i.hi && i.lo <= x.hi; });
    };
    for (const detail::Box& u : detail::universe()) {
        if (!meets(families, u.dim[idx(Field::family)]) || !meets(protocols, u.dim[idx(Field::protocol)])) continue;
        dd::Ref piece = m.intersect(set, m.intersect(s.test(Field::family, u.dim[idx(Field::family)]),
                                                     s.test(Field::protocol, u.dim[idx(Field::protocol)])));
        if (piece == dd::zero) continue;
        const auto family = static_cast<int>(u.dim[idx(Field::family)].lo);
        detail::ProtocolKind kind = detail::protocol_kind(family, u.dim[idx(Field::protocol)].lo);
        for (Field f : {Field::src_port, Field::dst_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags})
            if (!detail::applies(kind, f)) piece = m.exists(piece, s.level(f));
        if (family == 4)
            for (Field f : {Field::src_addr, Field::dst_addr}) {
                const std::vector<Interval> v = s.values(piece, f);
                if (v.empty() || v.back().hi < 0xffffffffu) continue;   // nothing reaches the top
                dd::Ref top = m.cofactor(piece, s.level(f), 0xffffffffu);
                piece = m.ite(s.test(f, Interval{uint128{0xffffffffu} + 1, field_max(f)}), top, piece);
            }
        out = m.unite(out, piece);
    }
    return out;
}

}  // namespace

HeaderRanges PacketSet::disjoint_ranges(std::size_t limit) const {
    HeaderRanges out;
    if (empty()) return out;
    detail::Alone a(*this);
    dd::Space& s = a.space();
    RangeTree tree(s);
    std::uint32_t root = tree.build(0, widen(s, a.root()));
    out.total = tree.paths(root);
    std::vector<const Edge*> path;
    tree.enumerate(root, limit, path, out.ranges);
    return out;
}

}  // namespace rulegap
