// PacketSet::witness() and to_string(PacketSet): turning boxes back into readable packets.
#include <algorithm>
#include <array>
#include <vector>

#include "universe.hpp"
#include "witness_pick.hpp"

namespace rulegap {

using detail::Box;
using detail::idx;
using detail::pick_interface;
using detail::prefer;

namespace {

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
