// Private to lib/packetset: box helpers and the universe of well-formed packets.
#pragma once

#include <algorithm>
#include <vector>

#include "rulegap/packet_set.hpp"

namespace rulegap::detail {

using Box = PacketSet::Box;

constexpr uint128 interface_max = (uint128{1} << (8 * max_interface_length)) - 1;

constexpr std::size_t idx(Field f) { return static_cast<std::size_t>(f); }

// What a (family, protocol) pair carries beyond addresses, state and interfaces.
enum class ProtocolKind : std::uint8_t { tcp, ports, icmp, plain };
ProtocolKind protocol_kind(int family, uint128 protocol);
bool applies(ProtocolKind k, Field f);  // ports, icmp type/code, tcp flags: only for some kinds

// The well-formed packets as disjoint boxes: per family, one box per protocol run of one kind,
// with the fields that do not apply pinned to 0.
const std::vector<Box>& universe();

// Order in which boxes are compared and split: the fields that tell boxes apart most often come
// first, so disjointness is usually found after one or two comparisons.
constexpr Field check_order[field_count] = {
    Field::dst_port, Field::protocol, Field::dst_addr, Field::src_addr, Field::family,
    Field::src_port, Field::state, Field::in_iface, Field::out_iface, Field::icmp_type,
    Field::icmp_code, Field::tcp_flags};

inline bool intersects(const Box& a, const Box& b) {
    for (Field f : check_order) {
        const Interval& x = a.dim[idx(f)];
        const Interval& y = b.dim[idx(f)];
        if (x.hi < y.lo || y.hi < x.lo) return false;
    }
    return true;
}

inline bool covers(const Box& outer, const Box& inner) {
    for (std::size_t d = 0; d < static_cast<std::size_t>(field_count); ++d)
        if (inner.dim[d].lo < outer.dim[d].lo || inner.dim[d].hi > outer.dim[d].hi) return false;
    return true;
}

// a & b, when they intersect.
inline Box meet(const Box& a, const Box& b) {
    Box r;
    for (std::size_t d = 0; d < static_cast<std::size_t>(field_count); ++d)
        r.dim[d] = {std::max(a.dim[d].lo, b.dim[d].lo), std::min(a.dim[d].hi, b.dim[d].hi)};
    return r;
}

// Appends the pieces of a - b (disjoint, at most two per field) to out; a and b intersect.
inline void split(Box a, const Box& b, std::vector<Box>& out) {
    for (Field f : check_order) {
        std::size_t d = idx(f);
        Interval& x = a.dim[d];
        const Interval& y = b.dim[d];
        if (x.lo < y.lo) {
            Box piece = a;
            piece.dim[d].hi = y.lo - 1;
            out.push_back(piece);
            x.lo = y.lo;
        }
        if (x.hi > y.hi) {
            Box piece = a;
            piece.dim[d].lo = y.hi + 1;
            out.push_back(piece);
            x.hi = y.hi;
        }
    }
}

// Merges boxes that differ in exactly one field and touch there, until none do.
void normalise(std::vector<Box>& boxes);

}  // namespace rulegap::detail
