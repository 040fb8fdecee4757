// PacketSet::witness() and to_string(PacketSet): turning boxes back into readable packets.
#include <array>

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

std::optional<std::string> pick_interface(const Interval& range) {
    // A familiar name first, wherever the range starts ("any but lo" starts at value 1).
    if (range.contains(interface_value("eth0"))) return std::string("eth0");
    if (range.lo == 0) {
        if (range.hi == 0) return std::nullopt;  // only "no interface"
        if (std::optional<uint128> v = readable_name_in(1, range.hi)) return interface_name(*v);
        return interface_name(1);
    }
    if (std::optional<uint128> v = readable_name_in(range.lo, range.hi)) return interface_name(*v);
    return interface_name(range.lo);
}

uint128 prefer(const Interval& range, std::initializer_list<uint128> liked) {
    for (uint128 v : liked)
        if (range.contains(v)) return v;
    return range.lo;
}

int score(const Box& b) {
    int s = 0;
    if (b.dim[idx(Field::state)].contains(0)) s += 8;
    if (b.dim[idx(Field::family)].contains(4)) s += 4;
    const Interval& proto = b.dim[idx(Field::protocol)];
    if (proto.contains(6) || proto.contains(17) || proto.contains(1) || proto.contains(58)) s += 2;
    return s;
}

}  // namespace

std::optional<Packet> PacketSet::witness() const {
    if (boxes_.empty()) return std::nullopt;
    const Box* best = &boxes_.front();
    int best_score = score(*best);
    for (const Box& b : boxes_) {
        int s = score(b);
        if (s > best_score) { best = &b; best_score = s; }
    }
    const Box& b = *best;
    Packet p;
    p.family = static_cast<int>(b.dim[idx(Field::family)].lo);
    p.protocol = static_cast<std::uint8_t>(prefer(b.dim[idx(Field::protocol)], {6, 17, 1, 58}));
    p.src = b.dim[idx(Field::src_addr)].lo;
    p.dst = b.dim[idx(Field::dst_addr)].lo;
    p.src_port = static_cast<std::uint16_t>(b.dim[idx(Field::src_port)].lo);
    p.dst_port = static_cast<std::uint16_t>(b.dim[idx(Field::dst_port)].lo);
    p.icmp_type = static_cast<std::uint8_t>(b.dim[idx(Field::icmp_type)].lo);
    p.icmp_code = static_cast<std::uint8_t>(b.dim[idx(Field::icmp_code)].lo);
    p.state = static_cast<ConnState>(prefer(b.dim[idx(Field::state)], {0}));
    // tcp_flags: the default for the state when allowed (syn for new, ack otherwise). For other
    // protocols the box pins it to 0 and the packet keeps its default, which no field reads.
    if (p.protocol == 6) {
        const Interval& flags = b.dim[idx(Field::tcp_flags)];
        p.tcp_flags = static_cast<std::uint8_t>(p.state == ConnState::new_
                                                    ? prefer(flags, {tcp_flag::syn})
                                                    : prefer(flags, {tcp_flag::ack, tcp_flag::syn}));
    }
    p.in_interface = pick_interface(b.dim[idx(Field::in_iface)]);
    p.out_interface = pick_interface(b.dim[idx(Field::out_iface)]);
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
