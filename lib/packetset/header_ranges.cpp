// PacketSet::disjoint_ranges(): a set as a short list of disjoint header-space ranges.
//
// The set is first made independent of the fields a packet does not carry: a member of a kind
// without ports (icmp, gre, ...) stands for every port value, without an ICMP type for every
// type, and an IPv4 address interval that reaches 2^32 - 1 reaches the top of the field. Each of
// those is a function of the members (not of the boxes), and intersecting with the well-formed
// packets undoes it, so a range may leave such fields out. The widened set is then decided field
// by field in Field order, as a tree whose nodes are kept unique: a node's edges carry the
// intervals of its field that lead to the same remaining set (families never share an edge, so
// that addresses are always read in one family). The paths of that tree are the ranges.
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include "lib/packetset/universe.hpp"

namespace rulegap {

const std::vector<Interval>* HeaderRange::find(Field f) const {
    for (const Values& v : fields)
        if (v.field == f) return &v.intervals;
    return nullptr;
}

namespace {

using detail::Box;
using detail::idx;

constexpr std::uint32_t leaf = 0;
constexpr std::uint64_t saturated = std::numeric_limits<std::uint64_t>::max();

struct Edge {
    std::vector<Interval> values;
    std::uint32_t child = leaf;
};

void append_bytes(std::string& key, uint128 v) {
    key.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void append_bytes(std::string& key, std::uint32_t v) {
    key.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// The unique table: nodes by their edges, and sub-results by the boxes they were built from.
class Builder {
public:
    explicit Builder(std::vector<Box> boxes) : boxes_(std::move(boxes)) {
        nodes_.emplace_back();   // the leaf: every field decided
        paths_.push_back(1);
    }

    std::uint32_t build(int level, const std::vector<std::uint32_t>& members) {
        if (level == field_count) return leaf;
        std::string memo_key(1, static_cast<char>(level));
        for (std::uint32_t m : members) append_bytes(memo_key, m);
        if (auto it = memo_.find(memo_key); it != memo_.end()) return it->second;

        const std::size_t d = static_cast<std::size_t>(level);
        // Cut the field where a member's interval starts or ends; every piece between two cuts is
        // covered by the same members.
        std::vector<uint128> cuts;
        for (std::uint32_t m : members) {
            const Interval& v = boxes_[m].dim[d];
            cuts.push_back(v.lo);
            if (v.hi != ~uint128{0}) cuts.push_back(v.hi + 1);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        auto piece = [&](std::size_t k) {
            return Interval{cuts[k], k + 1 < cuts.size() ? cuts[k + 1] - 1 : ~uint128{0}};
        };
        std::vector<std::vector<std::uint32_t>> covering(cuts.size());
        for (std::uint32_t m : members) {
            const Interval& v = boxes_[m].dim[d];
            auto k = static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), v.lo) - cuts.begin());
            for (; k < cuts.size() && cuts[k] <= v.hi; ++k) covering[k].push_back(m);
        }
        std::vector<Edge> edges;
        std::unordered_map<std::uint32_t, std::size_t> edge_of_child;
        for (std::size_t k = 0; k < cuts.size(); ++k) {
            if (covering[k].empty()) continue;
            std::uint32_t child = build(level + 1, covering[k]);
            Interval values = piece(k);
            auto it = static_cast<Field>(level) == Field::family ? edge_of_child.end() : edge_of_child.find(child);
            if (it == edge_of_child.end()) {
                edge_of_child[child] = edges.size();
                edges.push_back({{values}, child});
                continue;
            }
            std::vector<Interval>& list = edges[it->second].values;
            if (list.back().hi + 1 == values.lo) list.back().hi = values.hi;
            else list.push_back(values);
        }
        std::uint32_t node = intern(level, std::move(edges));
        memo_.emplace(std::move(memo_key), node);
        return node;
    }

    std::uint64_t paths(std::uint32_t node) const { return paths_[node]; }

    // The first `limit` paths from `node`, depth first in edge order.
    void enumerate(std::uint32_t node, std::size_t limit, std::vector<const Edge*>& path, std::vector<HeaderRange>& out) const {
        if (out.size() >= limit) return;
        if (node == leaf) {
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
    std::uint32_t intern(int level, std::vector<Edge> edges) {
        std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.values.front().lo < b.values.front().lo; });
        std::string key(1, static_cast<char>(level));
        for (const Edge& e : edges) {
            append_bytes(key, static_cast<std::uint32_t>(e.values.size()));
            for (const Interval& v : e.values) {
                append_bytes(key, v.lo);
                append_bytes(key, v.hi);
            }
            append_bytes(key, e.child);
        }
        if (auto it = unique_.find(key); it != unique_.end()) return it->second;
        std::uint64_t count = 0;
        for (const Edge& e : edges) count = paths_[e.child] > saturated - count ? saturated : count + paths_[e.child];
        auto id = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back(std::move(edges));
        paths_.push_back(count);
        unique_.emplace(std::move(key), id);
        return id;
    }

    std::vector<Box> boxes_;
    std::vector<std::vector<Edge>> nodes_;
    std::vector<std::uint64_t> paths_;
    std::unordered_map<std::string, std::uint32_t> unique_;
    std::unordered_map<std::string, std::uint32_t> memo_;
};

// The box's members, with the fields their kind of packet does not carry (and the top of the
// IPv4 address space) stretched over the whole field; one piece per kind of protocol.
void widen_into(const Box& b, std::vector<Box>& out) {
    for (const Box& u : detail::universe()) {
        if (!detail::intersects(b, u)) continue;
        Box piece = detail::meet(b, u);
        const auto family = static_cast<int>(piece.dim[idx(Field::family)].lo);
        detail::ProtocolKind kind = detail::protocol_kind(family, piece.dim[idx(Field::protocol)].lo);
        for (Field f : {Field::src_port, Field::dst_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags})
            if (!detail::applies(kind, f)) piece.dim[idx(f)] = {0, field_max(f)};
        for (Field f : {Field::src_addr, Field::dst_addr})
            if (family == 4 && piece.dim[idx(f)].hi == 0xffffffffu) piece.dim[idx(f)].hi = field_max(f);
        out.push_back(piece);
    }
}

}  // namespace

HeaderRanges PacketSet::disjoint_ranges(std::size_t limit) const {
    HeaderRanges out;
    if (boxes_.empty()) return out;
    std::vector<Box> widened;
    widened.reserve(boxes_.size());
    for (const Box& b : boxes_) widen_into(b, widened);
    std::vector<std::uint32_t> all(widened.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
    Builder builder(std::move(widened));
    std::uint32_t root = builder.build(0, all);
    out.total = builder.paths(root);
    std::vector<const Edge*> path;
    builder.enumerate(root, limit, path, out.ranges);
    return out;
}

}  // namespace rulegap
