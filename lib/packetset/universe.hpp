// Private to lib/: the universe of well-formed packets, as the boxes (products of intervals)
// lib/dd/space.cpp builds its diagram from.
#pragma once

#include <vector>

#include "rulegap/packet_set.hpp"

namespace rulegap::detail {

// A product of intervals, one per field (indexed by Field).
struct Box {
    Interval dim[field_count];
};

constexpr uint128 interface_max = (uint128{1} << (8 * max_interface_length)) - 1;

constexpr std::size_t idx(Field f) { return static_cast<std::size_t>(f); }

// What a (family, protocol) pair carries beyond addresses, state and interfaces.
enum class ProtocolKind : std::uint8_t { tcp, ports, icmp, plain };
ProtocolKind protocol_kind(int family, uint128 protocol);
bool applies(ProtocolKind k, Field f);  // ports, icmp type/code, tcp flags: only for some kinds

// The well-formed packets as disjoint boxes: per family, one box per protocol run of one kind,
// with the fields that do not apply pinned to 0.
const std::vector<Box>& universe();

}  // namespace rulegap::detail
