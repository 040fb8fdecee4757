// PacketSet::disjoint_ranges(): a set as a short list of disjoint header-space ranges.
//
// The set is decided field by field in Field order, as a tree: a node's edges carry the
// intervals of its field that lead to the same remaining set (families never share an edge, so
// that addresses are always read in one family). The paths of that tree are the ranges. Once a
// path has fixed the family and the kind of protocol, a field that kind does not carry (pinned
// to 0 in the set: ports of icmp, the ICMP type of tcp, ...) is read as every value, and an IPv4
// address interval that reaches 2^32 - 1 as reaching the top of the field; intersecting with the
// well-formed packets undoes both, so a range may leave such fields out.
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
        nodes_.emplace_back();  // 0: the leaf, every field decided
        paths_.push_back(1);
    }

    // The tree of `set` from field d on. Below the family and protocol fields the path's kind of
    // packet is known (`family`, `kind`): a field it does not carry (pinned to 0 in the set) is
    // read as every value, and an IPv4 address range that reaches 2^32 - 1 as reaching the top of
    // the field. Nodes are shared by content, so two paths whose remaining sets read the same
    // get one node.
    std::uint32_t build(int d, dd::Ref set, int family = 0,
                        detail::ProtocolKind kind = detail::ProtocolKind::plain) {
        if (d == field_count) return 0;
        const Key key{d, set, family, kind};
        if (auto it = memo_.find(key); it != memo_.end()) return it->second;
        const auto f = static_cast<Field>(d);
        std::vector<Edge> edges;
        std::unordered_map<std::uint32_t, std::size_t> edge_of_child;
        auto add = [&](Interval values, std::uint32_t child) {
            auto e = f == Field::family ? edge_of_child.end() : edge_of_child.find(child);
            if (e == edge_of_child.end()) {
                edge_of_child[child] = edges.size();
                edges.push_back({{values}, child});
                return;
            }
            std::vector<Interval>& list = edges[e->second].values;
            if (list.back().hi + 1 == values.lo)
                list.back().hi = values.hi;
            else
                list.push_back(values);
        };
        if (f > Field::protocol && !detail::applies(kind, f)) {
            add({0, field_max(f)}, build(d + 1, m_.cofactor(set, s_.level(f), 0), family, kind));
        } else {
            const bool ipv4_address = family == 4 && (f == Field::src_addr || f == Field::dst_addr);
            uint128 lo = 0;
            for (const auto& [piece_hi, rest] : slices(set, s_.level(f))) {
                const uint128 piece_lo = lo;
                lo = piece_hi + 1;
                if (rest == dd::zero) continue;
                uint128 hi = piece_hi;
                if (ipv4_address && hi == 0xffffffffu) hi = field_max(f);
                if (f == Field::family) {  // one value each: the family decides the addresses' width
                    for (uint128 v = piece_lo; v <= hi; ++v)
                        add({v, v}, build(d + 1, rest, static_cast<int>(v), kind));
                } else if (f == Field::protocol) {  // one kind of packet each
                    uint128 run_lo = piece_lo;
                    while (run_lo <= hi) {
                        const detail::ProtocolKind k = detail::protocol_kind(family, run_lo);
                        uint128 run_hi = run_lo;
                        while (run_hi < hi && detail::protocol_kind(family, run_hi + 1) == k) ++run_hi;
                        add({run_lo, run_hi}, build(d + 1, rest, family, k));
                        run_lo = run_hi + 1;
                    }
                } else {
                    add({piece_lo, hi}, build(d + 1, rest, family, kind));
                }
            }
        }
        std::string content(reinterpret_cast<const char*>(&d), sizeof d);
        for (const Edge& e : edges) {
            content.append(reinterpret_cast<const char*>(&e.child), sizeof e.child);
            for (const Interval& i : e.values) content.append(reinterpret_cast<const char*>(&i), sizeof i);
            content.push_back('|');
        }
        auto [same, fresh] =
            by_content_.try_emplace(std::move(content), static_cast<std::uint32_t>(nodes_.size()));
        if (fresh) {
            std::uint64_t count = 0;
            for (const Edge& e : edges)
                count = paths_[e.child] > saturated - count ? saturated : count + paths_[e.child];
            nodes_.push_back(std::move(edges));
            paths_.push_back(count);
        }
        memo_.emplace(key, same->second);
        return same->second;
    }

    std::uint64_t paths(std::uint32_t node) const { return paths_[node]; }

    // The first `limit` paths from `node`, depth first in edge order.
    void enumerate(std::uint32_t node, std::size_t limit, std::vector<const Edge*>& path,
                   std::vector<HeaderRange>& out) const {
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
    using Pieces = std::vector<std::pair<uint128, dd::Ref>>;
    const Pieces& slices(dd::Ref set, std::uint32_t level) {
        const std::uint32_t rank = m_.rank(level);
        const uint128 max = m_.level_max(level);
        auto rec = [&](auto&& self, dd::Ref n) -> const Pieces& {
            const std::uint64_t key = static_cast<std::uint64_t>(level) << 32 | n;
            if (auto it = slices_.find(key); it != slices_.end()) return it->second;
            Pieces out;
            if (dd::is_terminal(n) || m_.rank_of(n) > rank) {
                out.push_back({max, n});
            } else if (m_.level(n) == level) {
                for (std::uint32_t i = 0; i < m_.edge_count(n); ++i)
                    out.push_back({m_.edge_hi(n, i), m_.edge_child(n, i)});
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
                    if (!out.empty() && out.back().second == r)
                        out.back().first = hi;
                    else
                        out.push_back({hi, r});
                    if (hi == max) break;
                    for (std::uint32_t i = 0; i < count; ++i)
                        if ((*kids_pieces[i])[at[i]].first == hi) ++at[i];
                }
            }
            return slices_.emplace(key, std::move(out)).first->second;
        };
        return rec(rec, set);
    }

    struct Key {
        int depth;
        dd::Ref set;
        int family;
        detail::ProtocolKind kind;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            return std::hash<std::uint64_t>()(
                (static_cast<std::uint64_t>(k.set) << 32) ^
                static_cast<std::uint64_t>(k.depth << 16 | k.family << 8 | static_cast<int>(k.kind)));
        }
    };
    dd::Space& s_;
    dd::Manager& m_;
    std::vector<std::vector<Edge>> nodes_;
    std::vector<std::uint64_t> paths_;
    std::unordered_map<Key, std::uint32_t, KeyHash> memo_;
    std::unordered_map<std::string, std::uint32_t> by_content_;
    std::unordered_map<std::uint64_t, Pieces>
        slices_;  // per (level, node); references stay valid as it grows
};

}  // namespace

HeaderRanges PacketSet::disjoint_ranges(std::size_t limit) const {
    HeaderRanges out;
    if (empty()) return out;
    detail::Alone a(*this);
    dd::Space& s = a.space();
    RangeTree tree(s);
    std::uint32_t root = tree.build(0, a.root());
    out.total = tree.paths(root);
    std::vector<const Edge*> path;
    tree.enumerate(root, limit, path, out.ranges);
    return out;
}

}  // namespace rulegap
