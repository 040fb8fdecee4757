// Lowering the packet AST: every check that needs to know what a word means happens here.
#include "parsers/packet/lower.hpp"

#include <algorithm>
#include <array>

#include "rulegap/packet_set.hpp"

namespace rulegap::packet {

namespace {

struct NamedNumber {
    std::string_view name;
    std::uint8_t number;
};

constexpr std::array<NamedNumber, 13> icmp4_types{{
    {"echo-reply", 0},
    {"destination-unreachable", 3},
    {"source-quench", 4},
    {"redirect", 5},
    {"echo-request", 8},
    {"router-advertisement", 9},
    {"router-solicitation", 10},
    {"time-exceeded", 11},
    {"parameter-problem", 12},
    {"timestamp-request", 13},
    {"timestamp-reply", 14},
    {"address-mask-request", 17},
    {"address-mask-reply", 18},
}};

constexpr std::array<NamedNumber, 13> icmp6_types{{
    {"destination-unreachable", 1},
    {"packet-too-big", 2},
    {"time-exceeded", 3},
    {"parameter-problem", 4},
    {"echo-request", 128},
    {"echo-reply", 129},
    {"router-solicitation", 133},
    {"router-advertisement", 134},
    {"neighbour-solicitation", 135},
    {"neighbor-solicitation", 135},
    {"neighbour-advertisement", 136},
    {"neighbor-advertisement", 136},
    {"redirect", 137},
}};

constexpr std::array<NamedNumber, 8> flag_names{{
    {"fin", tcp_flag::fin},
    {"syn", tcp_flag::syn},
    {"rst", tcp_flag::rst},
    {"psh", tcp_flag::psh},
    {"ack", tcp_flag::ack},
    {"urg", tcp_flag::urg},
    {"ece", tcp_flag::ece},
    {"cwr", tcp_flag::cwr},
}};

struct Address {
    int family = 4;
    uint128 value = 0;
    bool bare_ipv6 = false;
};

std::optional<Address> resolve(const ast::word& w, ParseState& state) {
    std::string_view t = w.text;
    if (!t.empty() && t.front() == '[') {
        std::string_view inner = t.substr(1, t.size() >= 2 ? t.size() - 2 : 0);
        if (std::optional<uint128> v = parse_ipv6(inner)) return Address{6, *v, false};
        state.fail(w.offset + 1, "invalid IPv6 address '" + std::string(inner) + "'");
        return std::nullopt;
    }
    if (t.find(':') != std::string_view::npos) {
        if (std::optional<uint128> v = parse_ipv6(t)) return Address{6, *v, true};
        state.fail(w.offset, "invalid IPv6 address '" + std::string(t) + "'");
        return std::nullopt;
    }
    if (std::optional<uint128> v = parse_ipv4(t)) return Address{4, *v, false};
    state.fail(w.offset, "invalid IPv4 address '" + std::string(t) + "'");
    return std::nullopt;
}

bool lower_port(const ast::endpoint& e, const Address& a, const std::string& proto, bool has_ports,
                std::uint16_t& out, ParseState& state) {
    if (!has_ports) {
        if (e.port) {
            state.fail(e.port->offset - 1, proto + " has no ports");
            return false;
        }
        return true;
    }
    if (!e.port) {
        std::string why = "expected ':' and a port after the address (" + proto + " has ports";
        if (a.bare_ipv6) why += "; write an IPv6 address with a port as [ADDRESS]:PORT";
        state.fail(e.address.offset + e.address.text.size(), why + ")");
        return false;
    }
    std::optional<unsigned> v = small_number(e.port->text, 65535);
    if (!v) {
        state.fail(e.port->offset, "port out of range (0-65535)");
        return false;
    }
    out = static_cast<std::uint16_t>(*v);
    return true;
}

}  // namespace

std::string lower_case(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::optional<unsigned> small_number(std::string_view s, unsigned max) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

std::optional<std::uint8_t> tcp_flag_bits(const std::vector<ast::word>& words, ParseState& state,
                                          std::string_view names) {
    std::uint8_t bits = 0;
    for (const ast::word& f : words) {
        std::string name = lower_case(f.text);
        if (name == "none" && words.size() == 1) continue;
        auto it = std::find_if(flag_names.begin(), flag_names.end(),
                               [&](const NamedNumber& n) { return n.name == name; });
        if (it == flag_names.end()) {
            state.fail(f.offset, "unknown tcp flag '" + f.text + "' (" + std::string(names) + ")");
            return std::nullopt;
        }
        bits = static_cast<std::uint8_t>(bits | it->number);
    }
    return bits;
}

std::optional<ConnState> conn_state_named(std::string_view name) {
    for (int s = 0; s < conn_state_count; ++s)
        if (to_string(static_cast<ConnState>(s)) == name) return static_cast<ConnState>(s);
    return std::nullopt;
}

std::optional<std::uint8_t> icmp_type_number(std::string_view name, int family) {
    std::string n = lower_case(name);
    for (const NamedNumber& t : family == 6 ? icmp6_types : icmp4_types)
        if (t.name == n) return t.number;
    return std::nullopt;
}

std::optional<Packet> lower(const ast::packet& syntax, ParseState& state) {
    Packet p;
    std::string proto_text = lower_case(syntax.protocol.text);
    std::optional<std::uint8_t> proto = protocol_number(proto_text);
    if (!proto || proto_text == "all") {
        state.fail(syntax.protocol.offset, proto ? "a packet needs one protocol, not 'all'"
                                                 : "unknown protocol '" + syntax.protocol.text + "'");
        return std::nullopt;
    }
    p.protocol = *proto;

    std::optional<Address> src = resolve(syntax.source.address, state);
    if (!src) return std::nullopt;
    std::optional<Address> dst = resolve(syntax.destination.address, state);
    if (!dst) return std::nullopt;
    if (src->family != dst->family) {
        state.fail(syntax.destination.address.offset,
                   std::string("source is IPv") + (src->family == 4 ? "4" : "6") + " but destination is IPv" +
                       (dst->family == 4 ? "4" : "6"));
        return std::nullopt;
    }
    p.family = src->family;
    p.src = src->value;
    p.dst = dst->value;

    bool ports = p.has_ports();
    if (!lower_port(syntax.source, *src, proto_text, ports, p.src_port, state)) return std::nullopt;
    if (!lower_port(syntax.destination, *dst, proto_text, ports, p.dst_port, state)) return std::nullopt;

    std::optional<std::uint8_t> flags;
    bool have_type = false;
    std::vector<std::string> seen;
    for (const ast::option& o : syntax.options) {
        std::string key = lower_case(o.key.text);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            state.fail(o.key.offset, "option '" + key + "' given twice");
            return std::nullopt;
        }
        seen.push_back(key);
        if (key != "flags" && o.values.size() > 1) {
            state.fail(o.values[1].offset - 1, "option '" + key + "' takes one value");
            return std::nullopt;
        }
        const ast::word& v = o.values.front();
        std::string value = lower_case(v.text);
        if (key == "state") {
            std::optional<ConnState> found = conn_state_named(value);
            if (!found) {
                state.fail(v.offset,
                           "unknown state '" + v.text + "' (new, established, related, invalid, untracked)");
                return std::nullopt;
            }
            p.state = *found;
        } else if (key == "in" || key == "out") {
            if (v.text.size() > max_interface_length) {
                state.fail(v.offset, "interface name longer than 15 bytes");
                return std::nullopt;
            }
            (key == "in" ? p.in_interface : p.out_interface) = v.text;
        } else if (key == "flags") {
            if (p.protocol != 6) {
                state.fail(o.key.offset, "flags only apply to tcp");
                return std::nullopt;
            }
            flags = tcp_flag_bits(o.values, state, "fin, syn, rst, psh, ack, urg, ece, cwr, or none alone");
            if (!flags) return std::nullopt;
        } else {  // type, code
            if (!p.is_icmp()) {
                state.fail(o.key.offset, "'" + key + "' only applies to icmp (IPv4) and icmpv6 (IPv6)");
                return std::nullopt;
            }
            std::optional<unsigned> n = small_number(value, 255);
            if (!n && key == "type") {
                if (std::optional<std::uint8_t> t = icmp_type_number(value, p.family)) n = *t;
            }
            if (!n) {
                state.fail(v.offset, "expected an ICMP " + key + " (0-255" +
                                         (key == "type" ? " or a type name)" : ")"));
                return std::nullopt;
            }
            if (key == "type") {
                p.icmp_type = static_cast<std::uint8_t>(*n);
                have_type = true;
            } else {
                p.icmp_code = static_cast<std::uint8_t>(*n);
            }
        }
    }
    if (p.is_icmp() && !have_type) {
        const ast::endpoint& d = syntax.destination;
        state.fail(d.address.offset + d.address.text.size(),
                   "expected 'type' and an ICMP type after the destination");
        return std::nullopt;
    }
    if (p.protocol == 6)
        p.tcp_flags = flags.value_or(p.state == ConnState::new_ ? tcp_flag::syn : tcp_flag::ack);
    return p;
}

}  // namespace rulegap::packet
