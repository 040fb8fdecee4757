// Lowering the packet-set AST (`rulegap query --where`) to a PacketSet: what each word means,
// and its errors at the word's column.
#include "parsers/packet/set_lower.hpp"

#include <algorithm>
#include <utility>

#include "parsers/packet/lower.hpp"

namespace rulegap::packet {

namespace {

// "N" or "LO-HI", both 0..max.
std::optional<Interval> number_range(std::string_view s, unsigned max) {
    std::size_t dash = s.find('-');
    std::optional<unsigned> lo = small_number(s.substr(0, dash), max);
    std::optional<unsigned> hi = dash == std::string_view::npos ? lo : small_number(s.substr(dash + 1), max);
    if (!lo || !hi || *lo > *hi) return std::nullopt;
    return Interval{*lo, *hi};
}

PacketSet protocols_with_ports() {
    std::vector<Interval> v;
    for (unsigned p = 0; p < 256; ++p)
        if (protocol_has_ports(static_cast<std::uint8_t>(p))) v.push_back({p, p});
    return PacketSet::where(Field::protocol, v);
}

PacketSet icmp_packets() {
    return (PacketSet::ipv4() & PacketSet::where(Field::protocol, 1)) |
           (PacketSet::ipv6() & PacketSet::where(Field::protocol, 58));
}

class Lowering {
public:
    explicit Lowering(ParseState& state) : state_(state) {}

    std::optional<PacketSet> run(const ast::packet_set& syntax) {
        std::optional<PacketSet> set = protocols(syntax.protocols);
        if (!set) return std::nullopt;
        if (const auto& between = syntax.rest.between) {
            std::optional<PacketSet> src = addresses(between->source.addresses, Field::src_addr);
            if (!src) return std::nullopt;
            std::optional<PacketSet> dst = addresses(between->destination.addresses, Field::dst_addr);
            if (!dst) return std::nullopt;
            if (!src->intersects(*dst)) {
                bool v4 = src->intersects(PacketSet::ipv4());
                state_.fail(between->destination.addresses.front().offset,
                            std::string("source is IPv") + (v4 ? "4" : "6") + " but destination is IPv" +
                                (v4 ? "6" : "4"));
                return std::nullopt;
            }
            *set &= *src & *dst;
            for (const ast::endpoint_set* e : {&between->source, &between->destination}) {
                if (!e->ports) continue;
                Field f = e == &between->source ? Field::src_port : Field::dst_port;
                if (!set->intersects(protocols_with_ports())) {
                    state_.fail(e->ports->front().offset - 1, protocol_text_ + " has no ports");
                    return std::nullopt;
                }
                std::optional<PacketSet> p = ports(*e->ports, f);
                if (!p) return std::nullopt;
                *set &= *p;
            }
        }
        std::vector<std::string> seen;
        for (const ast::option& o : syntax.rest.options) {
            std::string key = lower_case(o.key.text);
            if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
                state_.fail(o.key.offset, "option '" + key + "' given twice");
                return std::nullopt;
            }
            seen.push_back(key);
            std::optional<PacketSet> restriction = option(o, key, *set);
            if (!restriction) return std::nullopt;
            *set &= *restriction;
        }
        return set;
    }

private:
    std::optional<PacketSet> protocols(const std::vector<ast::word>& words) {
        std::vector<Interval> values;
        for (const ast::word& w : words) {
            std::string t = lower_case(w.text);
            if (t == "any" || t == "all") return PacketSet::all();
            if (std::optional<Interval> r = number_range(t, 255)) {
                values.push_back(*r);
            } else if (std::optional<std::uint8_t> p = protocol_number(t);
                       p && t.find('-') == std::string::npos) {
                values.push_back({*p, *p});
            } else {
                state_.fail(w.offset,
                            "unknown protocol '" + w.text + "' (a name, a number 0-255, LO-HI or any)");
                return std::nullopt;
            }
        }
        for (const ast::word& w : words)
            protocol_text_ += (protocol_text_.empty() ? "" : ",") + lower_case(w.text);
        return PacketSet::where(Field::protocol, values);
    }

    // One address item: any, A, A/LEN, LO-HI; IPv6 also in brackets.
    std::optional<PacketSet> address(const ast::word& w, Field f) {
        std::string_view t = w.text;
        std::size_t at = w.offset;
        if (lower_case(t) == "any") return PacketSet::all();
        if (!t.empty() && t.front() == '[') {
            t = t.substr(1, t.size() >= 2 ? t.size() - 2 : 0);
            ++at;
        }
        auto parse_one = [](std::string_view a) -> std::optional<std::pair<int, uint128>> {
            if (a.find(':') != std::string_view::npos) {
                if (std::optional<uint128> v = parse_ipv6(a)) return std::pair{6, *v};
            } else if (std::optional<uint128> v = parse_ipv4(a)) {
                return std::pair{4, *v};
            }
            return std::nullopt;
        };
        auto bad = [&](std::size_t offset, std::string_view what) {
            bool six = what.find(':') != std::string_view::npos;
            state_.fail(offset, std::string("invalid IPv") + (six ? "6" : "4") + " address '" +
                                    std::string(what) + "'");
            return std::nullopt;
        };
        std::size_t slash = t.find('/');
        std::size_t dash = t.find('-');
        std::string_view first = t.substr(0, std::min(slash, dash));
        std::optional<std::pair<int, uint128>> lo = parse_one(first);
        if (!lo) return bad(at, first);
        int family = lo->first;
        int bits = family == 4 ? 32 : 128;
        uint128 top = family == 4 ? uint128{0xffffffffu} : ~uint128{0};
        Interval range{lo->second, lo->second};
        if (slash != std::string_view::npos) {
            std::optional<unsigned> len = small_number(t.substr(slash + 1), static_cast<unsigned>(bits));
            if (!len) {
                state_.fail(at + slash + 1, "prefix length out of range (0-" + std::to_string(bits) + ")");
                return std::nullopt;
            }
            uint128 host = *len == 0 ? top : ((uint128{1} << (bits - static_cast<int>(*len))) - 1);
            range = {lo->second & ~host & top, (lo->second & ~host & top) | host};
        } else if (dash != std::string_view::npos) {
            std::string_view second = t.substr(dash + 1);
            std::optional<std::pair<int, uint128>> hi = parse_one(second);
            if (!hi) return bad(at + dash + 1, second);
            if (hi->first != family || hi->second < lo->second) {
                state_.fail(at + dash + 1, hi->first != family ? "a range's ends are of different families"
                                                               : "a range must not end below its start");
                return std::nullopt;
            }
            range.hi = hi->second;
        }
        return (family == 4 ? PacketSet::ipv4() : PacketSet::ipv6()) & PacketSet::where(f, {range});
    }

    std::optional<PacketSet> addresses(const std::vector<ast::word>& words, Field f) {
        PacketSet out;
        for (const ast::word& w : words) {
            std::optional<PacketSet> one = address(w, f);
            if (!one) return std::nullopt;
            out |= *one;
        }
        return out;
    }

    std::optional<PacketSet> ports(const std::vector<ast::word>& words, Field f) {
        std::vector<Interval> values;
        for (const ast::word& w : words) {
            if (lower_case(w.text) == "any") {
                values.push_back({0, 65535});
            } else if (std::optional<Interval> r = number_range(w.text, 65535)) {
                values.push_back(*r);
            } else {
                state_.fail(w.offset, "port out of range (0-65535, LO-HI or any)");
                return std::nullopt;
            }
        }
        return protocols_with_ports() & PacketSet::where(f, values);
    }

    std::optional<PacketSet> option(const ast::option& o, const std::string& key, const PacketSet& so_far) {
        if (key == "state") {
            std::vector<Interval> values;
            for (const ast::word& v : o.values) {
                std::optional<ConnState> found = conn_state_named(lower_case(v.text));
                if (!found) {
                    state_.fail(v.offset, "unknown state '" + v.text +
                                              "' (new, established, related, invalid, untracked)");
                    return std::nullopt;
                }
                values.push_back({static_cast<uint128>(*found), static_cast<uint128>(*found)});
            }
            return PacketSet::where(Field::state, values);
        }
        if (key == "in" || key == "out")
            return interfaces(o, key == "in" ? Field::in_iface : Field::out_iface);
        if (key == "flags") {
            PacketSet tcp = PacketSet::where(Field::protocol, 6);
            if (!so_far.intersects(tcp)) {
                state_.fail(o.key.offset, "flags only apply to tcp");
                return std::nullopt;
            }
            return flags(o, tcp);
        }
        // type, code
        PacketSet icmp = icmp_packets();
        if (!so_far.intersects(icmp)) {
            state_.fail(o.key.offset, "'" + key + "' only applies to icmp (IPv4) and icmpv6 (IPv6)");
            return std::nullopt;
        }
        Field f = key == "type" ? Field::icmp_type : Field::icmp_code;
        std::vector<Interval> v4, v6;
        for (const ast::word& v : o.values) {
            std::string t = lower_case(v.text);
            if (std::optional<Interval> r = number_range(t, 255)) {
                v4.push_back(*r);
                v6.push_back(*r);
                continue;
            }
            int t4 = -1, t6 = -1;  // (ints: GCC 12 sees optional<uint8_t> here as maybe uninitialised)
            if (key == "type") {
                if (std::optional<std::uint8_t> n = icmp_type_number(t, 4)) t4 = *n;
                if (std::optional<std::uint8_t> n = icmp_type_number(t, 6)) t6 = *n;
            }
            if (t4 < 0 && t6 < 0) {
                state_.fail(v.offset, "expected an ICMP " + key + " (0-255, LO-HI" +
                                          (key == "type" ? " or a type name)" : ")"));
                return std::nullopt;
            }
            if (t4 >= 0) v4.push_back({static_cast<uint128>(t4), static_cast<uint128>(t4)});
            if (t6 >= 0) v6.push_back({static_cast<uint128>(t6), static_cast<uint128>(t6)});
        }
        PacketSet out;
        if (!v4.empty())
            out |= PacketSet::ipv4() & PacketSet::where(Field::protocol, 1) & PacketSet::where(f, v4);
        if (!v6.empty())
            out |= PacketSet::ipv6() & PacketSet::where(Field::protocol, 58) & PacketSet::where(f, v6);
        return out;
    }

    // `syn,ack` (one combination of flags, as explain reads it), `none`, or numbers and ranges of
    // the flags byte: `0-1,3-255`.
    std::optional<PacketSet> flags(const ast::option& o, const PacketSet& tcp) {
        const ast::word& first = o.values.front();
        if (!first.text.empty() && first.text.front() >= '0' && first.text.front() <= '9') {
            std::vector<Interval> values;
            for (const ast::word& v : o.values) {
                std::optional<Interval> r = number_range(v.text, 255);
                if (!r) {
                    state_.fail(v.offset, "expected a value of the flags byte (0-255 or LO-HI)");
                    return std::nullopt;
                }
                values.push_back(*r);
            }
            return tcp & PacketSet::where(Field::tcp_flags, values);
        }
        std::optional<std::uint8_t> bits =
            tcp_flag_bits(o.values, state_, "fin, syn, rst, psh, ack, urg, ece, cwr, none alone, or numbers");
        if (!bits) return std::nullopt;
        return tcp & PacketSet::where(Field::tcp_flags, *bits);
    }

    // `eth0`, `eth+` (every name it begins), `-` (no interface); `!` before the first negates the list.
    std::optional<PacketSet> interfaces(const ast::option& o, Field f) {
        std::vector<Interval> values;
        bool negate = false;
        for (std::size_t i = 0; i < o.values.size(); ++i) {
            std::string_view name = o.values[i].text;
            std::size_t at = o.values[i].offset;
            if (i == 0 && name.starts_with('!')) {
                negate = true;
                name.remove_prefix(1);
                ++at;
            }
            if (name.empty() || name.starts_with('!')) {
                state_.fail(at, name.empty()
                                    ? "expected an interface name after '!'"
                                    : "'!' negates the whole list: write it once, before the first name");
                return std::nullopt;
            }
            if (name == "-") {
                values.push_back({0, 0});
                continue;
            }
            std::size_t length = name.size() - (name.ends_with('+') ? 1 : 0);
            if (length > max_interface_length) {
                state_.fail(at, "interface name longer than 15 bytes");
                return std::nullopt;
            }
            values.push_back(interface_interval(name));
        }
        PacketSet set = PacketSet::where(f, values);
        return negate ? set.complement() : set;
    }

    ParseState& state_;
    std::string protocol_text_;
};

}  // namespace

std::optional<PacketSet> lower(const ast::packet_set& syntax, ParseState& state) {
    return Lowering(state).run(syntax);
}

}  // namespace rulegap::packet
