// The preferred values of a witness, field by field (shared by the box sets and lib/dd).
#include <algorithm>
#include <array>

#include "lib/packetset/witness_pick.hpp"

namespace rulegap::detail {

namespace {

// Bytes a readable interface name is made of, in increasing order.
bool name_byte(unsigned c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }
unsigned next_name_byte(unsigned c) {  // smallest name byte above c, or 0
    for (unsigned x = c + 1; x <= 'z'; ++x)
        if (name_byte(x)) return x;
    return 0;
}

std::array<unsigned, max_interface_length> bytes_of(uint128 v) {
    std::array<unsigned, max_interface_length> b{};
    for (std::size_t i = 0; i < max_interface_length; ++i)
        b[i] = static_cast<unsigned>((v >> (8 * (max_interface_length - 1 - i))) & 0xff);
    return b;
}

uint128 value_of(const std::array<unsigned, max_interface_length>& b) {
    uint128 v = 0;
    for (unsigned c : b) v = (v << 8) | c;
    return v;
}

// The smallest readable name (letters and digits, then zero padding) in [lo, hi], if any.
std::optional<uint128> readable_name_in(uint128 lo, uint128 hi) {
    std::array<unsigned, max_interface_length> b = bytes_of(lo);
    std::size_t run = 0;
    while (run < max_interface_length && name_byte(b[run])) ++run;
    bool rest_zero = true;
    for (std::size_t i = run; i < max_interface_length; ++i) rest_zero = rest_zero && b[i] == 0;
    if (run > 0 && rest_zero) return lo;
    // Otherwise: keep a readable prefix of lo, raise the next byte to a name byte, cut the rest.
    // Longer kept prefixes give smaller values, so the first candidate found is the smallest.
    for (std::size_t k = std::min(run, max_interface_length - 1) + 1; k-- > 0;) {
        unsigned c = next_name_byte(b[k]);
        if (c == 0) continue;
        std::array<unsigned, max_interface_length> n{};
        for (std::size_t i = 0; i < k; ++i) n[i] = b[i];
        n[k] = c;
        uint128 v = value_of(n);
        if (v >= lo && v <= hi) return v;
        if (v > hi) return std::nullopt;  // every later candidate is larger still
    }
    return std::nullopt;
}

}  // namespace

// An interface value from sorted disjoint ranges: a familiar name (eth0), else the lowest value
// that reads as a name, else the lowest; 0 ("no interface") only when it is the only choice.
uint128 pick_interface(const std::vector<Interval>& ranges) {
    const uint128 eth0 = interface_value("eth0");
    for (const Interval& r : ranges)
        if (r.contains(eth0)) return eth0;
    for (const Interval& r : ranges) {
        uint128 lo = r.lo == 0 ? 1 : r.lo;
        if (lo > r.hi) continue;
        if (std::optional<uint128> v = readable_name_in(lo, r.hi)) return *v;
    }
    for (const Interval& r : ranges)
        if (r.hi > 0) return r.lo == 0 ? 1 : r.lo;
    return 0;
}

// The first of the liked values that the ranges hold, else the lowest value.
uint128 prefer(const std::vector<Interval>& ranges, std::initializer_list<uint128> liked) {
    for (uint128 v : liked)
        for (const Interval& r : ranges)
            if (r.contains(v)) return v;
    return ranges.front().lo;
}

}  // namespace rulegap::detail
