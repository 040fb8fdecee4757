// Packets: protocol numbers and names, address text, connection states.
#include "rulegap/packet.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace rulegap {

namespace {

struct ProtocolName {
    std::string_view name;
    std::uint8_t number;
};

// Names as /etc/protocols (netbase) spells them, which is what iptables-save prints, plus the
// aliases iptables itself accepts. The first entry for a number is its canonical name.
constexpr std::array<ProtocolName, 38> protocol_names{{
    {"icmp", 1},      {"igmp", 2},        {"ggp", 3},        {"ipencap", 4},     {"st", 5},
    {"tcp", 6},       {"egp", 8},         {"igp", 9},        {"pup", 12},        {"udp", 17},
    {"hmp", 20},      {"xns-idp", 22},    {"rdp", 27},       {"iso-tp4", 29},    {"dccp", 33},
    {"xtp", 36},      {"ddp", 37},        {"ipv6", 41},      {"ipv6-route", 43}, {"ipv6-frag", 44},
    {"rsvp", 46},     {"gre", 47},        {"esp", 50},       {"ah", 51},         {"ipv6-icmp", 58},
    {"icmpv6", 58},   {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"eigrp", 88},      {"ospf", 89},
    {"ipip", 94},     {"pim", 103},       {"vrrp", 112},     {"l2tp", 115},      {"sctp", 132},
    {"ipv6-mh", 135}, {"mh", 135},        {"udplite", 136},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string_view to_string(ConnState s) {
    switch (s) {
        case ConnState::new_:
            return "new";
        case ConnState::established:
            return "established";
        case ConnState::related:
            return "related";
        case ConnState::invalid:
            return "invalid";
        case ConnState::untracked:
            return "untracked";
    }
    return "invalid";
}

bool protocol_has_ports(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 33 || protocol == 132 || protocol == 136;
}

bool Packet::has_ports() const { return protocol_has_ports(protocol); }

bool Packet::is_icmp() const { return (family == 4 && protocol == 1) || (family == 6 && protocol == 58); }

// Names (any case), "all" (0, as iptables reads it) and decimal numbers 0..255.
std::optional<std::uint8_t> protocol_number(std::string_view name) {
    if (name.empty()) return std::nullopt;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (name.size() > 3) return std::nullopt;
        unsigned v = 0;
        for (char c : name) v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > 255) return std::nullopt;
        return static_cast<std::uint8_t>(v);
    }
    if (iequals(name, "all")) return std::uint8_t{0};
    for (const ProtocolName& p : protocol_names)
        if (iequals(p.name, name)) return p.number;
    return std::nullopt;
}

std::string protocol_name(std::uint8_t protocol, int family) {
    if (protocol == 58 && family == 6) return "icmpv6";
    for (const ProtocolName& p : protocol_names)
        if (p.number == protocol) return std::string(p.name);
    return std::to_string(protocol);
}

// Dotted quad, each part 0..255 in decimal without leading zeros.
std::optional<uint128> parse_ipv4(std::string_view text) {
    uint128 value = 0;
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t start = i;
        unsigned part = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 4) {
            part = part * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
        }
        std::size_t len = i - start;
        if (len == 0 || len > 3 || part > 255 || (len > 1 && text[start] == '0')) return std::nullopt;
        value = (value << 8) | part;
        ++parts;
        if (parts == 4) break;
        if (i >= text.size() || text[i] != '.') return std::nullopt;
        ++i;
    }
    if (i != text.size()) return std::nullopt;
    return value;
}

// RFC 4291 section 2.2 text forms: eight groups, one "::" at most, an optional dotted-quad tail.
std::optional<uint128> parse_ipv6(std::string_view text) {
    if (text.size() < 2 || text.size() > 45) return std::nullopt;
    std::array<std::uint16_t, 8> groups{};
    int count = 0;  // groups written
    int gap = -1;   // index in groups where "::" stands
    std::size_t i = 0;
    if (text.substr(0, 2) == "::") {
        gap = 0;
        i = 2;
        if (i == text.size()) return uint128{0};
    } else if (text[0] == ':') {
        return std::nullopt;
    }
    while (i < text.size()) {
        if (count >= 8) return std::nullopt;
        // A dotted-quad tail takes two groups.
        std::size_t end = text.find(':', i);
        std::string_view piece =
            text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (end == std::string_view::npos && piece.find('.') != std::string_view::npos) {
            std::optional<uint128> v4 = parse_ipv4(piece);
            if (!v4 || count > 6) return std::nullopt;
            groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 >> 16);
            groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 & 0xffff);
            i = text.size();
            break;
        }
        if (piece.empty() || piece.size() > 4) return std::nullopt;
        unsigned g = 0;
        for (char c : piece) {
            int d = hex_digit(c);
            if (d < 0) return std::nullopt;
            g = g * 16 + static_cast<unsigned>(d);
        }
        groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(g);
        i += piece.size();
        if (i == text.size()) break;
        // text[i] == ':'
        if (i + 1 < text.size() && text[i + 1] == ':') {
            if (gap >= 0) return std::nullopt;
            gap = count;
            i += 2;
        } else {
            ++i;
            if (i == text.size()) return std::nullopt;  // trailing single ':'
        }
    }
    if (gap < 0 && count != 8) return std::nullopt;
    if (gap >= 0 && count > 7) return std::nullopt;
    std::array<std::uint16_t, 8> full{};
    if (gap < 0) {
        full = groups;
    } else {
        int tail = count - gap;
        for (int k = 0; k < gap; ++k) full[static_cast<std::size_t>(k)] = groups[static_cast<std::size_t>(k)];
        for (int k = 0; k < tail; ++k)
            full[static_cast<std::size_t>(8 - tail + k)] = groups[static_cast<std::size_t>(gap + k)];
    }
    uint128 v = 0;
    for (std::uint16_t g : full) v = (v << 16) | g;
    return v;
}

namespace {

std::string format_ipv4(std::uint32_t a) {
    return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 0xff) + '.' +
           std::to_string((a >> 8) & 0xff) + '.' + std::to_string(a & 0xff);
}

void append_hex(std::string& out, unsigned v) {
    static constexpr char digits[] = "0123456789abcdef";
    char buf[4];
    int n = 0;
    do {
        buf[n++] = digits[v & 0xf];
        v >>= 4;
    } while (v != 0);
    while (n > 0) out += buf[--n];
}

}  // namespace

// RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of two or more zero
// groups as "::", and IPv4-mapped addresses (::ffff:0:0/96) with a dotted-quad tail.
std::string format_address(uint128 address, int family) {
    if (family == 4) return format_ipv4(static_cast<std::uint32_t>(address & 0xffffffffu));
    std::array<unsigned, 8> g{};
    for (int k = 0; k < 8; ++k)
        g[static_cast<std::size_t>(k)] = static_cast<unsigned>((address >> (112 - 16 * k)) & 0xffff);
    bool mapped = (address >> 32) == 0xffff;
    int groups = mapped ? 6 : 8;
    int best = -1, best_len = 0;
    for (int k = 0; k < groups;) {
        if (g[static_cast<std::size_t>(k)] != 0) {
            ++k;
            continue;
        }
        int j = k;
        while (j < groups && g[static_cast<std::size_t>(j)] == 0) ++j;
        if (j - k > best_len) {
            best = k;
            best_len = j - k;
        }
        k = j;
    }
    if (best_len < 2) best = -1;
    std::string out;
    for (int k = 0; k < groups; ++k) {
        if (k == best) {
            out += "::";
            k += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        append_hex(out, g[static_cast<std::size_t>(k)]);
    }
    if (mapped) {
        if (!out.empty() && out.back() != ':') out += ':';
        out += format_ipv4(static_cast<std::uint32_t>(address & 0xffffffffu));
    }
    return out;
}

}  // namespace rulegap
