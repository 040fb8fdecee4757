// Fields of a packet: names, ranges, interface encoding, and the universe of well-formed packets.
#include "lib/packetset/universe.hpp"

namespace rulegap {

std::string_view to_string(Field f) {
    switch (f) {
        case Field::family:
            return "family";
        case Field::protocol:
            return "protocol";
        case Field::src_addr:
            return "src_addr";
        case Field::dst_addr:
            return "dst_addr";
        case Field::src_port:
            return "src_port";
        case Field::dst_port:
            return "dst_port";
        case Field::icmp_type:
            return "icmp_type";
        case Field::icmp_code:
            return "icmp_code";
        case Field::tcp_flags:
            return "tcp_flags";
        case Field::state:
            return "state";
        case Field::in_iface:
            return "in_iface";
        case Field::out_iface:
            return "out_iface";
    }
    return "field";
}

uint128 field_max(Field f) {
    switch (f) {
        case Field::family:
            return 6;
        case Field::protocol:
            return 255;
        case Field::src_addr:
        case Field::dst_addr:
            return ~uint128{0};
        case Field::src_port:
        case Field::dst_port:
            return 65535;
        case Field::icmp_type:
        case Field::icmp_code:
        case Field::tcp_flags:
            return 255;
        case Field::state:
            return conn_state_count - 1;
        case Field::in_iface:
        case Field::out_iface:
            return detail::interface_max;
    }
    return 0;
}

uint128 interface_value(std::string_view name) {
    uint128 v = 0;
    for (std::size_t i = 0; i < max_interface_length; ++i) {
        unsigned char c = i < name.size() ? static_cast<unsigned char>(name[i]) : 0;
        v = (v << 8) | c;
    }
    return v;
}

// "eth0" is one value; "eth+" is every name that starts with "eth" ("eth" itself included);
// "+" is every value, the empty name ("no interface") included. Longer names are cut at 15 bytes.
Interval interface_interval(std::string_view pattern) {
    if (!pattern.empty() && pattern.back() == '+') {
        std::string_view prefix = pattern.substr(0, pattern.size() - 1);
        if (prefix.size() > max_interface_length) prefix = prefix.substr(0, max_interface_length);
        uint128 lo = interface_value(prefix);
        std::size_t free_bits = 8 * (max_interface_length - prefix.size());
        uint128 fill = free_bits == 0 ? uint128{0} : ((uint128{1} << free_bits) - 1);
        return {lo, lo | fill};
    }
    uint128 v = interface_value(pattern.substr(0, std::min(pattern.size(), max_interface_length)));
    return {v, v};
}

std::string interface_name(uint128 value) {
    std::string out;
    for (int i = static_cast<int>(max_interface_length) - 1; i >= 0; --i)
        out += static_cast<char>(static_cast<unsigned char>((value >> (8 * i)) & 0xff));
    while (!out.empty() && out.back() == '\0') out.pop_back();
    return out;
}

std::optional<uint128> field_value(const Packet& p, Field f) {
    switch (f) {
        case Field::family:
            return static_cast<uint128>(p.family);
        case Field::protocol:
            return p.protocol;
        case Field::src_addr:
            return p.family == 4 ? (p.src & 0xffffffffu) : p.src;
        case Field::dst_addr:
            return p.family == 4 ? (p.dst & 0xffffffffu) : p.dst;
        case Field::src_port:
            return p.has_ports() ? p.src_port : 0;
        case Field::dst_port:
            return p.has_ports() ? p.dst_port : 0;
        case Field::icmp_type:
            return p.is_icmp() ? p.icmp_type : 0;
        case Field::icmp_code:
            return p.is_icmp() ? p.icmp_code : 0;
        case Field::tcp_flags:
            return p.protocol == 6 ? p.tcp_flags : 0;
        case Field::state:
            return static_cast<uint128>(p.state);
        case Field::in_iface:
            if (!p.in_interface) return std::nullopt;
            return interface_value(*p.in_interface);
        case Field::out_iface:
            if (!p.out_interface) return std::nullopt;
            return interface_value(*p.out_interface);
    }
    return std::nullopt;
}

namespace detail {

ProtocolKind protocol_kind(int family, uint128 protocol) {
    if (protocol == 6) return ProtocolKind::tcp;
    if (protocol <= 255 && protocol_has_ports(static_cast<std::uint8_t>(protocol)))
        return ProtocolKind::ports;
    if ((family == 4 && protocol == 1) || (family == 6 && protocol == 58)) return ProtocolKind::icmp;
    return ProtocolKind::plain;
}

bool applies(ProtocolKind k, Field f) {
    switch (f) {
        case Field::src_port:
        case Field::dst_port:
            return k == ProtocolKind::tcp || k == ProtocolKind::ports;
        case Field::icmp_type:
        case Field::icmp_code:
            return k == ProtocolKind::icmp;
        case Field::tcp_flags:
            return k == ProtocolKind::tcp;
        default:
            return true;
    }
}

namespace {

std::vector<Box> make_universe() {
    std::vector<Box> out;
    for (int family : {4, 6}) {
        unsigned lo = 0;
        // Maximal runs of protocol numbers of one kind.
        while (lo <= 255) {
            ProtocolKind k = protocol_kind(family, lo);
            unsigned hi = lo;
            while (hi < 255 && protocol_kind(family, hi + 1) == k && k == ProtocolKind::plain) ++hi;
            Box b;
            b.dim[idx(Field::family)] = {static_cast<uint128>(family), static_cast<uint128>(family)};
            b.dim[idx(Field::protocol)] = {lo, hi};
            uint128 amax = family == 4 ? uint128{0xffffffffu} : ~uint128{0};
            b.dim[idx(Field::src_addr)] = {0, amax};
            b.dim[idx(Field::dst_addr)] = {0, amax};
            for (Field f :
                 {Field::src_port, Field::dst_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags})
                b.dim[idx(f)] = {0, applies(k, f) ? field_max(f) : 0};
            b.dim[idx(Field::state)] = {0, field_max(Field::state)};
            b.dim[idx(Field::in_iface)] = {0, interface_max};
            b.dim[idx(Field::out_iface)] = {0, interface_max};
            out.push_back(b);
            lo = hi + 1;
        }
    }
    return out;
}

}  // namespace

const std::vector<Box>& universe() {
    static const std::vector<Box> u = make_universe();  // immutable once built
    return u;
}

}  // namespace detail
}  // namespace rulegap
