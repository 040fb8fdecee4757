// format_range() and field_value_text(): header-space ranges in the set syntax of query.hpp.
#include <fmt/core.h>
#include <fmt/format.h>

#include "rulegap/query.hpp"

namespace rulegap {

namespace {

constexpr uint128 ipv4_top = 0xffffffffu;

// A name the set syntax reads back as itself: printable ASCII with no blank, bracket or comma,
// not "-" and not starting with '!' or ending with '+'.
std::optional<std::string> plain_name(uint128 value) {
    std::string name = interface_name(value);
    if (name.empty() || interface_value(name) != value || name == "-" || name.front() == '!' ||
        name.back() == '+')
        return std::nullopt;
    for (char c : name)
        if (c <= ' ' || c > '~' || c == '[' || c == ']' || c == ',') return std::nullopt;
    return name;
}

// Interface intervals as set-syntax items (`-`, `eth0`, `eth+`), or nullopt when one is not.
std::optional<std::vector<std::string>> interface_items(const std::vector<Interval>& values) {
    std::vector<std::string> out;
    for (const Interval& v : values) {
        if (v.lo == 0 && v.hi == 0) {
            out.push_back("-");
            continue;
        }
        if (v.lo == v.hi) {
            std::optional<std::string> n = plain_name(v.lo);
            if (!n) return std::nullopt;
            out.push_back(*n);
            continue;
        }
        std::string prefix = interface_name(v.lo);
        if (interface_interval(prefix + "+") != v) return std::nullopt;
        if (prefix.empty()) {  // every name: "+" (value 0, no interface, is the interval's start)
            out.push_back("+");
            continue;
        }
        std::optional<std::string> n = plain_name(v.lo);
        if (!n) return std::nullopt;
        out.push_back(*n + "+");
    }
    return out;
}

std::vector<Interval> complement(const std::vector<Interval>& values, uint128 top) {
    std::vector<Interval> out;
    uint128 next = 0;
    bool done = false;
    for (const Interval& v : values) {
        if (v.lo > next) out.push_back({next, v.lo - 1});
        if (v.hi == top) {
            done = true;
            break;
        }
        next = v.hi + 1;
    }
    if (!done) out.push_back({next, top});
    return out;
}

std::string interfaces(const std::vector<Interval>& values, Field f) {
    std::optional<std::vector<std::string>> direct = interface_items(values);
    std::optional<std::vector<std::string>> negated = interface_items(complement(values, field_max(f)));
    if (negated && (!direct || negated->size() < direct->size()))
        return "!" + fmt::format("{}", fmt::join(*negated, ","));
    if (direct) return fmt::format("{}", fmt::join(*direct, ","));
    std::vector<std::string> raw;  // not readable back: name..name
    for (const Interval& v : values)
        raw.push_back(field_value_text(f, v.lo, 4) + ".." + field_value_text(f, v.hi, 4));
    return fmt::format("{}", fmt::join(raw, ","));
}

std::string address_item(const Interval& v, int family) {
    const uint128 top = family == 4 ? ipv4_top : ~uint128{0};
    const uint128 hi = std::min(v.hi, top);
    const int bits = family == 4 ? 32 : 128;
    std::string text;
    for (int len = 0; len <= bits && text.empty(); ++len) {
        uint128 host = len == 0 ? top : ((uint128{1} << (bits - len)) - 1);
        if ((v.lo & host) == 0 && (v.lo | host) == hi)
            text = len == bits ? format_address(v.lo, family)
                               : format_address(v.lo, family) + "/" + std::to_string(len);
    }
    if (text.empty()) text = format_address(v.lo, family) + "-" + format_address(hi, family);
    return family == 6 ? "[" + text + "]" : text;
}

std::string numbers(const std::vector<Interval>& values) {
    std::vector<std::string> out;
    for (const Interval& v : values)
        out.push_back(v.lo == v.hi ? field_value_text(Field::protocol, v.lo, 4)
                                   : field_value_text(Field::protocol, v.lo, 4) + "-" +
                                         field_value_text(Field::protocol, v.hi, 4));
    return fmt::format("{}", fmt::join(out, ","));
}

}  // namespace

std::string field_value_text(Field field, uint128 value, int family) {
    switch (field) {
        case Field::src_addr:
        case Field::dst_addr:
            return format_address(family == 4 ? std::min(value, ipv4_top) : value, family);
        case Field::in_iface:
        case Field::out_iface: {
            std::string out;
            for (char c : interface_name(value)) {
                auto b = static_cast<unsigned char>(c);
                out += b < 0x20 || b > 0x7e || c == '\\' ? fmt::format("\\x{:02x}", b) : std::string(1, c);
            }
            return out;
        }
        default: {  // fits 64 bits: every other field is at most 16 bits wide
            return std::to_string(static_cast<unsigned long long>(value));
        }
    }
}

std::string format_range(const HeaderRange& r) {
    const std::vector<Interval>* fam = r.find(Field::family);
    const int family = fam && fam->front().lo == 6 ? 6 : 4;
    std::string out;
    if (const std::vector<Interval>* p = r.find(Field::protocol)) {
        std::vector<std::string> items;
        for (const Interval& v : *p)
            items.push_back(v.lo == v.hi ? protocol_name(static_cast<std::uint8_t>(v.lo), family)
                                         : numbers({v}));
        out = fmt::format("{}", fmt::join(items, ","));
    } else {
        out = "any";
    }
    auto endpoint = [&](Field addr, Field port, bool show_family) {
        std::string text;
        if (const std::vector<Interval>* a = r.find(addr)) {
            std::vector<std::string> items;
            for (const Interval& v : *a) items.push_back(address_item(v, family));
            text = fmt::format("{}", fmt::join(items, ","));
        } else {
            text = !show_family ? "any" : family == 4 ? "0.0.0.0/0" : "[::/0]";
        }
        if (const std::vector<Interval>* p = r.find(port)) text += ":" + numbers(*p);
        return text;
    };
    const bool no_address = !r.find(Field::src_addr) && !r.find(Field::dst_addr);
    out += " " + endpoint(Field::src_addr, Field::src_port, no_address) + " -> " +
           endpoint(Field::dst_addr, Field::dst_port, false);
    if (const std::vector<Interval>* t = r.find(Field::icmp_type)) out += " type " + numbers(*t);
    if (const std::vector<Interval>* c = r.find(Field::icmp_code)) out += " code " + numbers(*c);
    if (const std::vector<Interval>* s = r.find(Field::state)) {
        std::vector<std::string> names;
        for (const Interval& v : *s)
            for (uint128 x = v.lo; x <= v.hi; ++x)
                names.emplace_back(to_string(static_cast<ConnState>(static_cast<int>(x))));
        out += fmt::format(" [state {}]", fmt::join(names, ","));
    }
    if (const std::vector<Interval>* f = r.find(Field::tcp_flags)) {
        if (f->size() == 1 && f->front().lo == f->front().hi) {
            static constexpr const char* names[8] = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"};
            std::vector<std::string> set;
            for (int bit = 0; bit < 8; ++bit)
                if (f->front().lo & (1u << bit)) set.emplace_back(names[bit]);
            out += fmt::format(" [flags {}]",
                               set.empty() ? std::string("none") : fmt::format("{}", fmt::join(set, ",")));
        } else {
            out += " [flags " + numbers(*f) + "]";
        }
    }
    if (const std::vector<Interval>* i = r.find(Field::in_iface))
        out += " [in " + interfaces(*i, Field::in_iface) + "]";
    if (const std::vector<Interval>* o = r.find(Field::out_iface))
        out += " [out " + interfaces(*o, Field::out_iface) + "]";
    return out;
}

}  // namespace rulegap
