// PacketSet::witness() and to_string(PacketSet): turning boxes back into readable packets.
#include <algorithm>
#include <array>
#include <vector>

#include "universe.hpp"

namespace rulegap {

using detail::Box;
using detail::idx;

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

// The values a field takes in the boxes, sorted and merged.
std::vector<Interval> field_values(const std::vector<Box>& boxes, Field f) {
    std::vector<Interval> v;
    v.reserve(boxes.size());
    for (const Box& b : boxes) v.push_back(b.dim[idx(f)]);
    std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> merged;
    for (const Interval& i : v) {
        if (!merged.empty() && (merged.back().hi == ~uint128{0} || i.lo <= merged.back().hi + 1)) {
            if (i.hi > merged.back().hi) merged.back().hi = i.hi;
        } else {
            merged.push_back(i);
        }
    }
    return merged;
}

// Keeps the boxes that allow value v in field f, pinned to it.
void pin(std::vector<Box>& boxes, Field f, uint128 v) {
    std::erase_if(boxes, [&](const Box& b) { return !b.dim[idx(f)].contains(v); });
    for (Box& b : boxes) b.dim[idx(f)] = Interval{v, v};
}

}  // namespace

// The witness depends only on the set, not on how it is cut into boxes: field by field, the
// preferred value among those the remaining members take, then only members with that value.
std::optional<Packet> PacketSet::witness() const {
    if (boxes_.empty()) return std::nullopt;
    std::vector<Box> boxes = boxes_;
    auto choose = [&](Field f, auto&& pick) {
        uint128 v = pick(field_values(boxes, f));
        pin(boxes, f, v);
        return v;
    };
    auto lowest = [](const std::vector<Interval>& r) { return r.front().lo; };
    Packet p;
    p.family = static_cast<int>(choose(Field::family, [](const auto& r) { return prefer(r, {4, 6}); }));
    p.protocol = static_cast<std::uint8_t>(choose(Field::protocol, [](const auto& r) { return prefer(r, {6, 17, 1, 58}); }));
    p.state = static_cast<ConnState>(static_cast<int>(choose(Field::state, [](const auto& r) { return prefer(r, {0}); })));
    uint128 flags = choose(Field::tcp_flags, [&](const auto& r) {
        return p.state == ConnState::new_ ? prefer(r, {tcp_flag::syn}) : prefer(r, {tcp_flag::ack, tcp_flag::syn});
    });
    if (p.protocol == 6) p.tcp_flags = static_cast<std::uint8_t>(flags);  // others keep the default
    p.dst = choose(Field::dst_addr, lowest);
    p.dst_port = static_cast<std::uint16_t>(choose(Field::dst_port, lowest));
    p.src = choose(Field::src_addr, lowest);
    p.src_port = static_cast<std::uint16_t>(choose(Field::src_port, lowest));
    p.icmp_type = static_cast<std::uint8_t>(choose(Field::icmp_type, [](const auto& r) { return prefer(r, {8}); }));
    p.icmp_code = static_cast<std::uint8_t>(choose(Field::icmp_code, lowest));
    uint128 in = choose(Field::in_iface, [](const auto& r) { return pick_interface(r); });
    uint128 out = choose(Field::out_iface, [](const auto& r) { return pick_interface(r); });
    if (in != 0) p.in_interface = interface_name(in);
    if (out != 0) p.out_interface = interface_name(out);
    return p;
}

namespace {

std::string show(Field f, const Interval& i, int family) {
    auto one = [&](uint128 v) -> std::string {
        switch (f) {
            case Field::src_addr:
            case Field::dst_addr: return format_address(v, family);
            case Field::state: return std::string(to_string(static_cast<ConnState>(static_cast<int>(v))));
            case Field::in_iface:
            case Field::out_iface: return v == 0 ? std::string("-") : '"' + interface_name(v) + '"';
            default: return std::to_string(static_cast<unsigned long long>(v));
        }
    };
    return i.lo == i.hi ? one(i.lo) : one(i.lo) + ".." + one(i.hi);
}

}  // namespace

// "{}" or "{family 4, protocol 6, dst_port 80; ...}": per box the fields not at their full
// range, at most eight boxes.
std::string to_string(const PacketSet& s) {
    std::string out = "{";
    std::size_t n = 0;
    for (const PacketSet::Box& b : s.boxes()) {
        if (n == 8) {
            out += "; ... (" + std::to_string(s.box_count()) + " boxes)";
            break;
        }
        if (n++ > 0) out += "; ";
        const Interval& fam = b.dim[idx(Field::family)];
        int family = fam.lo == fam.hi ? static_cast<int>(fam.lo) : 6;
        bool first = true;
        for (std::size_t d = 0; d < static_cast<std::size_t>(field_count); ++d) {
            Field f = static_cast<Field>(d);
            uint128 top = field_max(f);
            if ((f == Field::src_addr || f == Field::dst_addr) && family == 4) top = 0xffffffffu;
            if (b.dim[d].lo == 0 && b.dim[d].hi == top) continue;
            out += first ? "" : ", ";
            first = false;
            out += std::string(to_string(f)) + ' ' + show(f, b.dim[d], family);
        }
        if (first) out += "*";
    }
    return out + "}";
}

}  // namespace rulegap
