// rulegap parsers — addresses as iptables-save and ipset save write them (address.hpp).
#include "parsers/common/address.hpp"

#include <array>
#include <cctype>
#include <optional>

#include <boost/spirit/home/x3.hpp>

namespace rulegap::common {

namespace {

namespace x3 = boost::spirit::x3;
using x3::lit;

// An IPv6 address as written: groups before and after "::", an IPv4 tail counting as two.
struct Ipv6Text {
    std::array<std::uint16_t, 8> head{};
    std::array<std::uint16_t, 8> tail{};
    int n_head = 0;
    int n_tail = 0;
    bool gap = false;        // "::" seen
    bool overflow = false;   // more than eight groups
    bool v4_inside = false;  // an IPv4 tail that was not the last element
};

// ----- the grammars -----

auto const push_group = [](auto& ctx) {
    Ipv6Text& v = x3::_val(ctx);
    int& n = v.gap ? v.n_tail : v.n_head;
    auto& groups = v.gap ? v.tail : v.head;
    if (v.n_head + v.n_tail >= 8) {
        v.overflow = true;
        return;
    }
    groups[static_cast<std::size_t>(n++)] = x3::_attr(ctx);
};
auto const push_v4 = [](auto& ctx) {
    Ipv6Text& v = x3::_val(ctx);
    int& n = v.gap ? v.n_tail : v.n_head;
    auto& groups = v.gap ? v.tail : v.head;
    if (v.n_head + v.n_tail >= 7) {
        v.overflow = true;
        return;
    }
    std::uint32_t a = x3::_attr(ctx);
    groups[static_cast<std::size_t>(n++)] = static_cast<std::uint16_t>(a >> 16);
    groups[static_cast<std::size_t>(n++)] = static_cast<std::uint16_t>(a & 0xFFFF);
};
auto const after_v4 = [](auto& ctx) { x3::_val(ctx).v4_inside = true; };
auto const set_gap = [](auto& ctx) {
    Ipv6Text& v = x3::_val(ctx);
    if (v.gap) v.overflow = true;
    v.gap = true;
};
auto const h16 = x3::uint_parser<std::uint16_t, 16, 1, 4>{};

// A dotted quad: four octets of one to three digits (at most 255) separated by dots. The same
// language as `(octet >> '.' >> octet >> '.' >> octet >> '.' >> octet)[make_ipv4]`, written as
// one loop: addresses are a large part of a ruleset, and that sequence costs four numeric
// parsers, a fusion sequence and an action per address.
struct dotted_quad_parser : x3::parser<dotted_quad_parser> {
    using attribute_type = std::uint32_t;
    static bool const has_attribute = true;
    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        Iterator i = first;
        std::uint32_t value = 0;
        for (int part = 0; part < 4; ++part) {
            if (part > 0) {
                if (i == last || *i != '.') return false;
                ++i;
            }
            std::uint32_t octet_value = 0;
            int digits = 0;
            // (like uint_parser<std::uint8_t, 10, 1, 3>: a digit that would pass 255 ends the octet)
            while (digits < 3 && i != last && *i >= '0' && *i <= '9') {
                std::uint32_t next = octet_value * 10 + static_cast<std::uint32_t>(*i - '0');
                if (next > 255) break;
                octet_value = next;
                ++i;
                ++digits;
            }
            if (digits == 0) return false;
            value = (value << 8) | octet_value;
        }
        x3::traits::move_to(value, attr);
        first = i;
        return true;
    }
};
dotted_quad_parser const dotted_quad{};

x3::rule<class ipv4_address_class, std::uint32_t> const ipv4_address = "IPv4 address";
x3::rule<class ipv6_address_class, Ipv6Text> const ipv6_address = "IPv6 address";

auto const ipv4_address_def = dotted_quad;

// An element: an IPv4 tail (two groups) or one hex group; the tail is only valid last.
auto const v6_element = (ipv4_address[push_v4] >> -(&lit(':'))[after_v4]) | (h16 >> !lit('.'))[push_group];
auto const v6_groups = v6_element % (lit(':') >> !lit(':'));
auto const ipv6_address_def =
    ((v6_groups >> -(lit("::")[set_gap] >> -v6_groups)) | (lit("::")[set_gap] >> -v6_groups));

BOOST_SPIRIT_DEFINE(ipv4_address, ipv6_address)

template <typename Rule, typename Attr> bool parse_full(std::string_view text, const Rule& rule, Attr& attr) {
    const char* first = text.data();
    const char* last = first + text.size();
    return x3::parse(first, last, rule, attr) && first == last;
}

// ----- values -----

std::optional<uint128> ipv6_value(const Ipv6Text& v) {
    if (v.overflow || v.v4_inside) return std::nullopt;
    int n = v.n_head + v.n_tail;
    if (v.gap ? n > 7 : n != 8) return std::nullopt;
    uint128 out = 0;
    for (int i = 0; i < v.n_head; ++i) out = (out << 16) | v.head[static_cast<std::size_t>(i)];
    if (v.n_head > 0) out <<= 16 * (8 - v.n_head);  // (a shift by 128 would be undefined)
    uint128 tail = 0;
    for (int i = 0; i < v.n_tail; ++i) tail = (tail << 16) | v.tail[static_cast<std::size_t>(i)];
    return out | tail;
}

// The n lowest bits set (n up to 128).
uint128 low_bits(int n) { return n >= 128 ? ~uint128(0) : (uint128(1) << n) - 1; }

// Prefix length of a contiguous mask, or -1.
int mask_length(uint128 mask, int bits) {
    int len = 0;
    while (len < bits && ((mask >> (bits - 1 - len)) & 1)) ++len;
    uint128 rest = mask & low_bits(bits - len);
    return rest == 0 ? len : -1;
}

bool looks_like_hostname(std::string_view s) {
    bool letter = false;
    for (char c : s) {
        if (std::isalpha(static_cast<unsigned char>(c)))
            letter = true;
        else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_')
            return false;
    }
    return letter;
}

}  // namespace

AddressKind parse_address(std::string_view text, int& family, Interval& out) {
    std::size_t slash = text.find('/');
    std::string_view addr = text.substr(0, slash);
    uint128 value = 0;
    int bits = 0;
    std::uint32_t v4 = 0;
    Ipv6Text v6;
    if (parse_full(addr, ipv4_address, v4)) {
        value = v4;
        bits = 32;
    } else if (parse_full(addr, ipv6_address, v6)) {
        auto v = ipv6_value(v6);
        if (!v) return AddressKind::bad;
        value = *v;
        bits = 128;
    } else {
        return looks_like_hostname(addr) ? AddressKind::hostname : AddressKind::bad;
    }
    family = bits == 32 ? 4 : 6;
    int length = bits;
    if (slash != std::string_view::npos) {
        std::string_view mask = text.substr(slash + 1);
        unsigned n = 0;
        std::uint32_t m4 = 0;
        Ipv6Text m6;
        if (parse_full(mask, x3::uint_, n)) {
            if (n > static_cast<unsigned>(bits)) return AddressKind::bad;
            length = static_cast<int>(n);
        } else if (bits == 32 && parse_full(mask, ipv4_address, m4)) {
            length = mask_length(m4, 32);
        } else if (bits == 128 && parse_full(mask, ipv6_address, m6) && ipv6_value(m6)) {
            length = mask_length(*ipv6_value(m6), 128);
        } else {
            return AddressKind::bad;
        }
        if (length < 0) return AddressKind::odd_mask;
    }
    uint128 host = low_bits(bits - length);
    out.lo = value & ~host;
    out.hi = out.lo | host;
    if (bits == 32) {
        out.lo &= 0xFFFFFFFFu;
        out.hi &= 0xFFFFFFFFu;
    }
    return AddressKind::ok;
}

}  // namespace rulegap::common
