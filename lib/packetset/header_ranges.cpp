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
#include <unordered_set>

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
        const std::uint32_t level = s_.level(f);
        std::vector<uint128> cuts = cuts_at(set, level);
        auto piece = [&](std::size_t k) {
            return Interval{cuts[k], k + 1 < cuts.size() ? cuts[k + 1] - 1 : field_max(f)};
        };
        std::vector<Edge> edges;
        std::unordered_map<std::uint32_t, std::size_t> edge_of_child;
        for (std::size_t k = 0; k < cuts.size(); ++k) {
            const Interval values = piece(k);
            dd::Ref rest = m_.cofactor(set, level, values.lo);
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
    // Where the set's nodes at `level` change child: 0 and every edge's upper bound + 1.
    std::vector<uint128> cuts_at(dd::Ref set, std::uint32_t level) const {
        std::vector<uint128> cuts{0};
        const std::uint32_t rank = m_.rank(level);
        std::unordered_set<dd::Ref> seen;
        std::vector<dd::Ref> stack{set};
        while (!stack.empty()) {
            dd::Ref n = stack.back();
            stack.pop_back();
            if (dd::is_terminal(n) || m_.rank_of(n) > rank || !seen.insert(n).second) continue;
            for (std::uint32_t i = 0; i < m_.edge_count(n); ++i) {
                if (m_.level(n) == level) {
                    uint128 hi = m_.edge_hi(n, i);
                    if (hi != m_.level_max(level)) cuts.push_back(hi + 1);
                } else {
                    stack.push_back(m_.edge_child(n, i));
                }
            }
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        return cuts;
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
