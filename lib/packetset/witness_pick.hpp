// Private to lib/: the values a witness prefers, given the values a field takes in a set. The
// choice depends only on those values, so every representation of a set picks the same packet.
#pragma once

#include <initializer_list>
#include <vector>

#include "rulegap/packet_set.hpp"

namespace rulegap::detail {

// An interface value from sorted disjoint ranges: a familiar name (eth0), else the lowest value
// that reads as a name, else the lowest; 0 ("no interface") only when it is the only choice.
uint128 pick_interface(const std::vector<Interval>& ranges);

// The first of the liked values that the ranges hold, else the lowest value.
uint128 prefer(const std::vector<Interval>& ranges, std::initializer_list<uint128> liked);

}  // namespace rulegap::detail
