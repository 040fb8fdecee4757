// rulegap — iptables-save reader: match modules (-m NAME and their options).
#include <algorithm>
#include <array>
#include <string>

#include "parsers/iptables/builder.hpp"

namespace rulegap::iptables {

namespace {

enum class Kind : std::uint8_t {
    tcp,
    udp,
    sctp,
    dccp,
    multiport,
    iprange,
    state,
    conntrack,
    icmp,
    icmp6,
    comment,
    set,
    undecided
};

struct ModuleInfo {
    std::string_view name;
    Kind kind;
    std::string_view reason;  // undecided modules: why
};

constexpr ModuleInfo module_table[] = {
    {"tcp", Kind::tcp, ""},
    {"udp", Kind::udp, ""},
    {"udplite", Kind::udp, ""},
    {"sctp", Kind::sctp, ""},
    {"dccp", Kind::dccp, ""},
    {"multiport", Kind::multiport, ""},
    {"iprange", Kind::iprange, ""},
    {"state", Kind::state, ""},
    {"conntrack", Kind::conntrack, ""},
    {"icmp", Kind::icmp, ""},
    {"icmp6", Kind::icmp6, ""},
    {"icmpv6", Kind::icmp6, ""},
    {"comment", Kind::comment, ""},
    {"set", Kind::set, ""},
    {"limit", Kind::undecided, "rate limits cannot be decided statically"},
    {"hashlimit", Kind::undecided, "per-flow rate limits cannot be decided statically"},
    {"recent", Kind::undecided, "recently-seen address lists are run-time state"},
    {"statistic", Kind::undecided, "random or every-nth sampling cannot be decided statically"},
    {"connlimit", Kind::undecided, "connection counts are run-time state"},
    {"connbytes", Kind::undecided, "connection byte counts are run-time state"},
    {"quota", Kind::undecided, "quotas are run-time state"},
    {"time", Kind::undecided, "time-of-day matches depend on when the packet arrives"},
    {"string", Kind::undecided, "payload contents are not modelled"},
    {"u32", Kind::undecided, "raw packet bytes are not modelled"},
    {"bpf", Kind::undecided, "BPF programs are not modelled"},
    {"mark", Kind::undecided, "packet marks are not modelled"},
    {"connmark", Kind::undecided, "connection marks are not modelled"},
    {"mac", Kind::undecided, "MAC addresses are not modelled"},
    {"physdev", Kind::undecided, "bridge ports are not modelled"},
    {"owner", Kind::undecided, "socket owners are not modelled"},
    {"addrtype", Kind::undecided, "address types depend on the host's addresses"},
    {"length", Kind::undecided, "packet lengths are not modelled"},
    {"ttl", Kind::undecided, "TTL values are not modelled"},
    {"hl", Kind::undecided, "hop limits are not modelled"},
    {"dscp", Kind::undecided, "DSCP values are not modelled"},
    {"tos", Kind::undecided, "TOS values are not modelled"},
    {"ecn", Kind::undecided, "ECN bits are not modelled"},
    {"pkttype", Kind::undecided, "link-layer packet types are not modelled"},
    {"policy", Kind::undecided, "IPsec policies are not modelled"},
    {"socket", Kind::undecided, "socket lookups are run-time state"},
    {"helper", Kind::undecided, "conntrack helpers are not modelled"},
    {"rt", Kind::undecided, "IPv6 routing headers are not modelled"},
    {"frag", Kind::undecided, "IPv6 fragment headers are not modelled"},
    {"hbh", Kind::undecided, "IPv6 hop-by-hop headers are not modelled"},
    {"dst", Kind::undecided, "IPv6 destination options are not modelled"},
    {"ipv6header", Kind::undecided, "IPv6 extension headers are not modelled"},
    {"mh", Kind::undecided, "mobility headers are not modelled"},
    {"ah", Kind::undecided, "IPsec SPIs are not modelled"},
    {"esp", Kind::undecided, "IPsec SPIs are not modelled"},
    {"rpfilter", Kind::undecided, "reverse-path checks depend on the routing table"},
    {"realm", Kind::undecided, "routing realms are not modelled"},
    {"devgroup", Kind::undecided, "device groups are not modelled"},
    {"cgroup", Kind::undecided, "control groups are not modelled"},
    {"cpu", Kind::undecided, "the receiving CPU is not modelled"},
    {"cluster", Kind::undecided, "cluster hashing is not modelled"},
    {"nfacct", Kind::undecided, "accounting objects are not modelled"},
    {"osf", Kind::undecided, "OS fingerprints are not modelled"},
    {"geoip", Kind::undecided, "GeoIP databases are not modelled"},
    {"ipvs", Kind::undecided, "IPVS state is not modelled"},
    {"rateest", Kind::undecided, "rate estimators are run-time state"},
    {"tcpmss", Kind::undecided, "TCP MSS options are not modelled"},
    {"condition", Kind::undecided, "condition switches are run-time state"},
};

const ModuleInfo* find_module(std::string_view name) {
    for (const ModuleInfo& m : module_table)
        if (m.name == name) return &m;
    return nullptr;
}

Kind kind_of(std::string_view name) {
    const ModuleInfo* m = find_module(name);
    return m ? m->kind : Kind::undecided;
}

Kind kind_of(ModuleUse& m) {
    if (m.kind == 0xFF) m.kind = static_cast<std::uint8_t>(kind_of(m.name));
    return static_cast<Kind>(m.kind);
}

bool one_arg(Builder& b, const Item& it) {
    if (it.n_args == 1) return true;
    if (it.n_args == 0) return b.error(it.at(), std::string(it.name()) + " needs an argument");
    return b.error(it.arg_at(1), "unexpected " + quote(it.arg(1)) + " after " + std::string(it.name()));
}

bool is(std::string_view n, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), n) != names.end();
}

void add_undecided(Builder& b, ModuleUse& m, const Item& it) {
    if (m.undecided_added) return;
    m.undecided_added = true;
    b.undecided(it.at(), m.name,
                "-m " + std::string(m.name) + " " + std::string(it.name()) + ": this option is not modelled");
}

Claim ports(Builder& b, const Item& it, Field f) {
    if (!one_arg(b, it)) return Claim::failed;
    auto r = parse_port_range(it.arg(0));
    if (!r) {
        b.error(it.arg_at(0), "bad port or port range " + quote(it.arg(0)));
        return Claim::failed;
    }
    if (r->lo > r->hi) {  // the kernel keeps such a range; it matches no port
        b.eh.warning(it.arg_at(0), "port range " + std::string(it.arg(0)) + " is empty: it matches no port");
        b.add_range(it.negated, f, {});
        return Claim::done;
    }
    b.add_range(it.negated, f, {Interval{r->lo, r->hi}});
    return Claim::done;
}

Claim tcp_flags(Builder& b, const Item& it, std::uint8_t mask, std::uint8_t comp) {
    b.add_range(it.negated, Field::tcp_flags, bit_values(mask, comp));
    return Claim::done;
}

Claim port_module(Builder& b, ModuleUse& m, Kind kind, const Item& it, bool generic) {
    std::string_view n = it.name();
    if (is(n, {"--sport", "--source-port"})) return ports(b, it, Field::src_port);
    if (is(n, {"--dport", "--destination-port"})) return ports(b, it, Field::dst_port);
    if (kind == Kind::tcp && n == "--tcp-flags") {
        if (it.n_args != 2) {
            b.error(it.at(), "--tcp-flags needs a mask and the flags that must be set");
            return Claim::failed;
        }
        auto mask = parse_tcp_flags(it.arg(0));
        if (!mask) {
            b.error(it.arg_at(0), "bad TCP flags " + quote(it.arg(0)));
            return Claim::failed;
        }
        auto comp = parse_tcp_flags(it.arg(1));
        if (!comp) {
            b.error(it.arg_at(1), "bad TCP flags " + quote(it.arg(1)));
            return Claim::failed;
        }
        return tcp_flags(b, it, *mask, static_cast<std::uint8_t>(*comp & *mask));
    }
    if (kind == Kind::tcp && n == "--syn") {
        if (it.n_args != 0) {
            b.error(it.arg_at(0), "unexpected " + quote(it.arg(0)) + " after --syn");
            return Claim::failed;
        }
        return tcp_flags(b, it, 0x17, 0x02);
    }
    bool partial = (kind == Kind::tcp && n == "--tcp-option") ||
                   (kind == Kind::sctp && n == "--chunk-types") ||
                   (kind == Kind::dccp && is(n, {"--dccp-types", "--dccp-option"}));
    if (partial) {  // known, but not modelled
        add_undecided(b, m, it);
        return Claim::done;
    }
    (void)generic;
    return Claim::not_mine;
}

Claim multiport(Builder& b, const Item& it) {
    std::string_view n = it.name();
    bool src = is(n, {"--sports", "--source-ports"});
    bool dst = is(n, {"--dports", "--destination-ports"});
    bool both = n == "--ports";
    if (!src && !dst && !both) return Claim::not_mine;
    if (!one_arg(b, it)) return Claim::failed;
    auto list = parse_port_list(it.arg(0));
    if (!list) {
        b.error(it.arg_at(0), "bad port list " + quote(it.arg(0)));
        return Claim::failed;
    }
    std::vector<Interval> values = intervals_of(*list);
    if (!both) {
        b.add_range(it.negated, src ? Field::src_port : Field::dst_port, std::move(values));
    } else if (it.negated) {  // neither port in the list
        b.add_range(true, Field::src_port, values);
        b.add_range(true, Field::dst_port, std::move(values));
    } else {
        if (b.either_ports.empty()) b.either_at = it.at();
        b.either_ports.push_back(std::move(values));  // ANDed with the others (either_ports.cpp)
    }
    return Claim::done;
}

Claim iprange(Builder& b, const Item& it) {
    bool src = it.name() == "--src-range";
    if (!src && it.name() != "--dst-range") return Claim::not_mine;
    if (!one_arg(b, it)) return Claim::failed;
    std::string_view text = it.arg(0);
    std::size_t dash = text.find('-');
    std::string_view lo_text = text.substr(0, dash);
    std::string_view hi_text = dash == std::string_view::npos ? lo_text : text.substr(dash + 1);
    int f1 = 0, f2 = 0;
    Interval lo, hi;
    if (lo_text.find('/') != std::string_view::npos || hi_text.find('/') != std::string_view::npos ||
        parse_address(lo_text, f1, lo) != AddressKind::ok ||
        parse_address(hi_text, f2, hi) != AddressKind::ok || f1 != f2 || lo.lo > hi.lo) {
        b.error(it.arg_at(0), "bad address range " + quote(text));
        return Claim::failed;
    }
    if (!b.note_family(it.arg_at(0), f1)) return Claim::failed;
    b.add_range(it.negated, src ? Field::src_addr : Field::dst_addr, {Interval{lo.lo, hi.lo}});
    return Claim::done;
}

constexpr std::uint8_t nat_bits = (1u << 5) | (1u << 6);  // SNAT, DNAT in ct_state_set

Claim states(Builder& b, const Item& it, bool conntrack) {
    if (!one_arg(b, it)) return Claim::failed;
    auto bits = parse_ct_states(it.arg(0));
    if (!bits || (!conntrack && (*bits & (nat_bits)) != 0)) {
        b.error(it.arg_at(0), "bad connection states " + quote(it.arg(0)));
        return Claim::failed;
    }
    if (*bits & nat_bits) {
        b.undecided(it.at(), "conntrack",
                    "--ctstate " + std::string(it.arg(0)) + ": NAT states (SNAT, DNAT) are not modelled");
        return Claim::done;
    }
    detail::IntervalList values;
    for (unsigned s = 0; s < static_cast<unsigned>(conn_state_count); ++s) {
        if (!(*bits & (1u << s))) continue;
        if (!values.empty() && values.back().hi + 1 == s)
            values.back().hi = s;
        else
            values.push_back(Interval{s, s});
    }
    b.add_range(it.negated, Field::state, std::move(values));
    return Claim::done;
}

struct IcmpName {
    std::string_view name;
    int type;  // -1: any
    int code;  // -1: every code
};
constexpr IcmpName icmp_names[] = {{"any", -1, -1},
                                   {"echo-reply", 0, -1},
                                   {"pong", 0, -1},
                                   {"destination-unreachable", 3, -1},
                                   {"network-unreachable", 3, 0},
                                   {"host-unreachable", 3, 1},
                                   {"protocol-unreachable", 3, 2},
                                   {"port-unreachable", 3, 3},
                                   {"fragmentation-needed", 3, 4},
                                   {"source-route-failed", 3, 5},
                                   {"network-unknown", 3, 6},
                                   {"host-unknown", 3, 7},
                                   {"network-prohibited", 3, 9},
                                   {"host-prohibited", 3, 10},
                                   {"TOS-network-unreachable", 3, 11},
                                   {"TOS-host-unreachable", 3, 12},
                                   {"communication-prohibited", 3, 13},
                                   {"host-precedence-violation", 3, 14},
                                   {"precedence-cutoff", 3, 15},
                                   {"source-quench", 4, -1},
                                   {"redirect", 5, -1},
                                   {"network-redirect", 5, 0},
                                   {"host-redirect", 5, 1},
                                   {"TOS-network-redirect", 5, 2},
                                   {"TOS-host-redirect", 5, 3},
                                   {"echo-request", 8, -1},
                                   {"ping", 8, -1},
                                   {"router-advertisement", 9, -1},
                                   {"router-solicitation", 10, -1},
                                   {"time-exceeded", 11, -1},
                                   {"ttl-exceeded", 11, -1},
                                   {"ttl-zero-during-transit", 11, 0},
                                   {"ttl-zero-during-reassembly", 11, 1},
                                   {"parameter-problem", 12, -1},
                                   {"ip-header-bad", 12, 0},
                                   {"required-option-missing", 12, 1},
                                   {"timestamp-request", 13, -1},
                                   {"timestamp-reply", 14, -1},
                                   {"address-mask-request", 17, -1},
                                   {"address-mask-reply", 18, -1}};
constexpr IcmpName icmp6_names[] = {{"any", -1, -1},
                                    {"destination-unreachable", 1, -1},
                                    {"no-route", 1, 0},
                                    {"communication-prohibited", 1, 1},
                                    {"beyond-scope", 1, 2},
                                    {"address-unreachable", 1, 3},
                                    {"port-unreachable", 1, 4},
                                    {"failed-policy", 1, 5},
                                    {"reject-route", 1, 6},
                                    {"packet-too-big", 2, -1},
                                    {"time-exceeded", 3, -1},
                                    {"ttl-exceeded", 3, -1},
                                    {"ttl-zero-during-transit", 3, 0},
                                    {"ttl-zero-during-reassembly", 3, 1},
                                    {"parameter-problem", 4, -1},
                                    {"bad-header", 4, 0},
                                    {"unknown-header-type", 4, 1},
                                    {"unknown-option", 4, 2},
                                    {"echo-request", 128, -1},
                                    {"ping", 128, -1},
                                    {"echo-reply", 129, -1},
                                    {"pong", 129, -1},
                                    {"router-solicitation", 133, -1},
                                    {"router-advertisement", 134, -1},
                                    {"neighbour-solicitation", 135, -1},
                                    {"neighbor-solicitation", 135, -1},
                                    {"neighbour-advertisement", 136, -1},
                                    {"neighbor-advertisement", 136, -1},
                                    {"redirect", 137, -1}};

Claim icmp(Builder& b, const Item& it, bool v6) {
    if (it.name() != (v6 ? "--icmpv6-type" : "--icmp-type")) return Claim::not_mine;
    if (!one_arg(b, it)) return Claim::failed;
    std::string_view text = it.arg(0);
    int type = -2, code = -1;
    if (auto num = parse_icmp_number(text)) {
        type = num->type;
        code = num->code ? *num->code : -1;
    } else {
        for (const IcmpName& n :
             (v6 ? std::span<const IcmpName>(icmp6_names) : std::span<const IcmpName>(icmp_names)))
            if (n.name == text) {
                type = n.type;
                code = n.code;
                break;
            }
    }
    if (type == -2) {
        b.error(it.arg_at(0), "unknown ICMP type " + quote(text));
        return Claim::failed;
    }
    if (v6) b.icmpv6 = true;
    if (type == -1) {  // any
        if (it.negated) {
            Condition never;
            never.negated = true;
            b.extra.push_back(std::move(never));
        }
        return Claim::done;
    }
    auto t = static_cast<uint128>(type);
    if (code < 0) {
        b.add_range(it.negated, Field::icmp_type, {Interval{t, t}});
    } else {
        auto c = static_cast<uint128>(code);
        b.add_range2(it.negated, Field::icmp_type, {Interval{t, t}}, Field::icmp_code, {Interval{c, c}});
    }
    return Claim::done;
}

Claim match_set(Builder& b, ModuleUse& m, const Item& it, bool generic) {
    if (!is(it.name(), {"--match-set", "--set"})) {
        if (!generic) return Claim::not_mine;
        add_undecided(b, m, it);
        return Claim::done;
    }
    if (it.n_args != 2) {
        b.error(it.at(), std::string(it.name()) + " needs a set name and src/dst flags");
        return Claim::failed;
    }
    std::string name = unquote(it.arg(0));
    std::string_view flags = it.arg(1);
    std::string_view first = flags.substr(0, flags.find(','));
    if (first != "src" && first != "dst") {
        b.error(it.arg_at(1), "bad set flags " + quote(flags));
        return Claim::failed;
    }
    const IpSet* set = b.options.ipsets ? b.options.ipsets->find(name) : nullptr;
    if (!set || !set->addresses_only) {
        m.undecided_added = true;
        b.undecided(it.at(), "set",
                    "-m set --match-set " + name + ": " +
                        (!b.options.ipsets ? std::string("no ipset dump was given")
                         : !set            ? std::string("no set of that name in the ipset dump")
                                           : "sets of type " + set->type + " are not modelled"),
                    Unmodelled::set, it.negated);
        return Claim::done;
    }
    if (!b.note_family(it.at(), set->family)) return Claim::failed;
    b.add_range(it.negated, first == "src" ? Field::src_addr : Field::dst_addr, set->addresses);
    return Claim::done;
}

}  // namespace

bool open_module(Builder& b, const Item& it) {
    if (it.negated) return b.error(it.at(), "'!' cannot negate -m");
    if (b.n_modules == b.modules.size()) return b.error(it.at(), "too many match modules in one rule");
    ModuleUse& m = b.modules[b.n_modules++];
    m = ModuleUse{it.arg(0), it.at(), false, 0xFF};
    const ModuleInfo* info = find_module(m.name);
    m.kind = static_cast<std::uint8_t>(info ? info->kind : Kind::undecided);
    if (!info || info->kind == Kind::undecided) {
        m.undecided_added = true;
        std::string reason =
            info ? std::string(info->reason) : "module " + std::string(m.name) + " is not modelled";
        m.condition = static_cast<int>(b.extra.size());
        b.undecided(it.at(), m.name, "-m " + std::string(m.name) + ": " + reason,
                    info ? unmodelled_module(m.name) : Unmodelled::unknown);
    }
    return true;
}

Claim module_option(Builder& b, ModuleUse& m, const Item& it, bool generic) {
    Kind kind = kind_of(m);
    switch (kind) {
        case Kind::tcp:
        case Kind::udp:
        case Kind::sctp:
        case Kind::dccp:
            return port_module(b, m, kind, it, generic);
        case Kind::multiport:
            return multiport(b, it);
        case Kind::iprange:
            return iprange(b, it);
        case Kind::state:
            return it.name() == "--state" ? states(b, it, false) : Claim::not_mine;
        case Kind::conntrack:
            if (it.name() == "--ctstate") return states(b, it, true);
            if (!generic) return Claim::not_mine;
            add_undecided(b, m, it);
            return Claim::done;
        case Kind::icmp:
            return icmp(b, it, false);
        case Kind::icmp6:
            return icmp(b, it, true);
        case Kind::comment:
            if (it.name() != "--comment") return Claim::not_mine;
            if (!one_arg(b, it)) return Claim::failed;
            if (!b.comment_owned && b.comment_view.empty()) {
                if (auto plain = plain_text(it.arg(0)); plain && !plain->empty()) {
                    b.comment_view = *plain;
                    return Claim::done;
                }
            }
            if (!b.comment_owned) {
                b.comment.assign(b.comment_view);
                b.comment_owned = true;
            }
            if (!b.comment.empty()) b.comment += "; ";
            b.comment += unquote(it.arg(0));
            return Claim::done;
        case Kind::set:
            return match_set(b, m, it, generic);
        case Kind::undecided:
            if (!generic) return Claim::not_mine;
            m.negated = m.negated || it.negated;
            m.recent_set = m.recent_set || (m.name == "recent" && it.name() == "--set");
            return Claim::done;
    }
    return Claim::not_mine;
}

// An unmodelled module's test under an assumption (docs/design.md, "Assumptions"): an option
// negated by `!` negates the module's test (iptables-save writes the `!` of a whole match, as in
// `-m recent ! --rcheck --seconds 60`, before its test option). `-m recent --set` always matches
// (it records the source): no assumption about recently-seen lists decides it.
void assumable_negation(Builder& b, ModuleUse& m) {
    if (m.condition < 0) return;
    Condition& c = b.extra[static_cast<std::size_t>(m.condition)];
    if (m.recent_set) c.unmodelled = Unmodelled::other;
    c.negated = m.negated;
}

bool check_modules(Builder& b) {
    auto needs = [&](const ModuleUse& m, std::initializer_list<int> protocols, std::string_view what) {
        bool ok = b.protocol_given && !b.protocol_negated &&
                  std::find(protocols.begin(), protocols.end(), b.protocol) != protocols.end();
        return ok || b.error(m.at, "-m " + std::string(m.name) + " needs " + std::string(what));
    };
    for (std::size_t i = 0; i < b.n_modules; ++i) {
        ModuleUse& m = b.modules[i];
        assumable_negation(b, m);
        bool ok = true;
        switch (kind_of(m)) {
            case Kind::tcp:
                ok = needs(m, {6}, "-p tcp");
                break;
            case Kind::udp:
                ok = needs(m, {17, 136}, "-p udp");
                break;
            case Kind::sctp:
                ok = needs(m, {132}, "-p sctp");
                break;
            case Kind::dccp:
                ok = needs(m, {33}, "-p dccp");
                break;
            case Kind::icmp:
                ok = needs(m, {1}, "-p icmp");
                break;
            case Kind::icmp6:
                ok = needs(m, {58}, "-p icmpv6");
                break;
            case Kind::multiport:
                ok = needs(m, {6, 17, 33, 132, 136}, "-p tcp, udp, udplite, dccp or sctp");
                break;
            default:
                break;
        }
        if (!ok) return false;
    }
    return true;
}

}  // namespace rulegap::iptables
