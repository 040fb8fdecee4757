// Values of rule-string keys: ports, addresses, ICMP type:code, booleans, keywords.
#include <array>
#include <charconv>

#include "parsers/windows/detail.hpp"
#include "rulegap/packet.hpp"

namespace rulegap {

namespace {

struct Spelling {
    std::string_view written;
    std::string_view canonical;
};

// Any capitalisation; PowerShell spellings map to the rule-string ones.
constexpr std::array<Spelling, 15> address_keywords{{
    {"LocalSubnet", "LocalSubnet"},
    {"DNS", "DNS"},
    {"DHCP", "DHCP"},
    {"WINS", "WINS"},
    {"DefaultGateway", "DefaultGateway"},
    {"Intranet", "Intranet"},
    {"Internet", "Internet"},
    {"Ply2Renders", "Ply2Renders"},
    {"PlayToDevice", "Ply2Renders"},
    {"RmtIntranet", "RmtIntranet"},
    {"IntranetRemoteAccess", "RmtIntranet"},
    {"CaptivePortal", "CaptivePortal"},
    {"CaptivePortalAddresses", "CaptivePortal"},
    {"DNSServers", "DNS"},
    {"DHCPServers", "DHCP"},
}};

constexpr std::array<Spelling, 14> port_keywords{{
    {"RPC", "RPC"},
    {"RPC-EPMap", "RPC-EPMap"},
    {"RPCEPMap", "RPC-EPMap"},
    {"Teredo", "Teredo"},
    {"IPHTTPSIn", "IPHTTPSIn"},
    {"IPHTTPS", "IPHTTPSIn"},
    {"IPHTTPSOut", "IPHTTPSOut"},
    {"IPTLSIn", "IPTLSIn"},
    {"IPTLSOut", "IPTLSOut"},
    {"DHCP", "DHCP"},
    {"Ply2Disc", "Ply2Disc"},
    {"PlayToDiscovery", "Ply2Disc"},
    {"mDNS", "mDNS"},
    {"EPMAP", "RPC-EPMap"},
}};

template <std::size_t N> std::string canonical(const std::array<Spelling, N>& table, std::string_view word) {
    for (const Spelling& s : table)
        if (windows::iequals(s.written, word)) return std::string(s.canonical);
    return {};
}

template <typename T> std::optional<T> number(std::string_view text, unsigned long max) {
    unsigned long v = 0;
    if (text.empty() || text.size() > 10) return std::nullopt;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v > max) return std::nullopt;
    return static_cast<T>(v);
}

std::optional<std::pair<int, uint128>> address(std::string_view text) {
    if (auto v4 = parse_ipv4(text)) return std::pair{4, *v4};
    if (text.find(':') != std::string_view::npos)
        if (auto v6 = parse_ipv6(text)) return std::pair{6, *v6};
    return std::nullopt;
}

uint128 family_max(int family) { return family == 4 ? uint128(0xffffffffu) : ~uint128(0); }

}  // namespace

std::string windows_address_keyword(std::string_view word) { return canonical(address_keywords, word); }
std::string windows_port_keyword(std::string_view word) { return canonical(port_keywords, word); }

std::vector<std::string> windows_address_keywords() {
    std::vector<std::string> out;
    for (const Spelling& s : address_keywords) out.emplace_back(s.written);
    return out;
}

namespace windows {

std::optional<bool> parse_bool(std::string_view text) {
    text = trim(text);
    if (iequals(text, "true") || text == "1") return true;
    if (iequals(text, "false") || text == "0") return false;
    return std::nullopt;
}

std::optional<WindowsPort> parse_port_item(std::string_view text, std::string* error) {
    text = trim(text);
    std::string kw = windows_port_keyword(text);
    if (!kw.empty()) return WindowsPort{0, 0, kw};
    std::size_t dash = text.find('-');
    auto lo = number<std::uint16_t>(text.substr(0, dash), 65535);
    auto hi = dash == std::string_view::npos ? lo : number<std::uint16_t>(text.substr(dash + 1), 65535);
    if (!lo || !hi) {
        *error = "'" + std::string(text) + "' is not a port, a port range or a port keyword";
        return std::nullopt;
    }
    if (*lo > *hi) {
        *error = "port range '" + std::string(text) + "' is empty (start above end)";
        return std::nullopt;
    }
    return WindowsPort{*lo, *hi, {}};
}

std::optional<WindowsAddress> parse_address_item(std::string_view text, int family_hint, std::string* error) {
    text = trim(text);
    auto fail = [&](std::string why) -> std::optional<WindowsAddress> {
        *error = "'" + std::string(text) + "': " + why;
        return std::nullopt;
    };
    if (iequals(text, "LocalSubnet4") || iequals(text, "LocalSubnet6")) {
        return WindowsAddress{text.back() == '4' ? 4 : 6, {}, "LocalSubnet"};
    }
    std::string kw = windows_address_keyword(text);
    if (!kw.empty()) return WindowsAddress{0, {}, kw};
    WindowsAddress a;
    if (std::size_t dash = text.find('-'); dash != std::string_view::npos) {
        auto lo = address(trim(text.substr(0, dash)));
        auto hi = address(trim(text.substr(dash + 1)));
        if (!lo || !hi) return fail("not an address range");
        if (lo->first != hi->first) return fail("range mixes IPv4 and IPv6");
        if (lo->second > hi->second) return fail("range is empty (start above end)");
        a.family = lo->first;
        a.range = {lo->second, hi->second};
    } else if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
        auto base = address(text.substr(0, slash));
        if (!base) return fail("not an address");
        a.family = base->first;
        int bits = a.family == 4 ? 32 : 128;
        std::string_view mask = text.substr(slash + 1);
        int length = -1;
        if (auto n = number<int>(mask, static_cast<unsigned long>(bits))) {
            length = *n;
        } else if (auto m = parse_ipv4(mask); m && a.family == 4) {
            uint128 inv = ~*m & 0xffffffffu;
            if ((inv & (inv + 1)) != 0) return fail("the mask is not contiguous");
            length = 32;
            for (uint128 x = inv; x != 0; x >>= 1) --length;
        } else {
            return fail("not a prefix length or mask");
        }
        uint128 host = length >= bits ? uint128(0) : (family_max(a.family) >> length);
        a.range = {base->second & ~host & family_max(a.family), (base->second | host) & family_max(a.family)};
    } else {
        auto one = address(text);
        if (!one) return fail("not an address, range, subnet or address keyword");
        a.family = one->first;
        a.range = {one->second, one->second};
    }
    if (family_hint != 0 && a.family != family_hint)
        return fail("an IPv" + std::to_string(a.family) + " address where IPv" + std::to_string(family_hint) +
                    " is expected");
    return a;
}

std::optional<WindowsIcmp> parse_icmp_item(std::string_view text, std::string* error) {
    text = trim(text);
    std::size_t colon = text.find(':');
    auto type = number<std::uint8_t>(text.substr(0, colon), 255);
    WindowsIcmp icmp;
    if (!type) {
        *error = "'" + std::string(text) + "' is not an ICMP type (type:code, type:*)";
        return std::nullopt;
    }
    icmp.type = *type;
    if (colon != std::string_view::npos) {
        std::string_view code = text.substr(colon + 1);
        if (code != "*") {
            auto c = number<std::uint8_t>(code, 255);
            if (!c) {
                *error = "'" + std::string(text) + "': the ICMP code is not a number or '*'";
                return std::nullopt;
            }
            icmp.code = *c;
        }
    }
    return icmp;
}

}  // namespace windows
}  // namespace rulegap
