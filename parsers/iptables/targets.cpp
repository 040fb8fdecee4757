// rulegap — iptables-save reader: targets (-j NAME [options], -g CHAIN).
#include <algorithm>
#include <string>

#include "parsers/iptables/builder.hpp"

namespace rulegap::iptables {

namespace {

bool in(std::string_view n, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), n) != names.end();
}

// Non-terminating targets with no effect on verdicts.
constexpr std::string_view continue_targets[] = {
    "LOG",   "NFLOG", "ULOG",        "MARK",          "CONNMARK",  "TCPMSS", "CLASSIFY",
    "TOS",   "TTL",   "HL",          "DSCP",          "CHECKSUM",  "SET",    "AUDIT",
    "TRACE", "HMARK", "SECMARK",     "CONNSECMARK",   "IDLETIMER", "LED",    "RATEEST",
    "ECN",   "TEE",   "TCPOPTSTRIP", "IPV4OPTSSTRIP", "NFACCT"};
// Targets whose effect rulegap does not model.
constexpr std::string_view unknown_targets[] = {
    "QUEUE", "NFQUEUE", "NETMAP", "TPROXY",  "SYNPROXY", "TARPIT", "CLUSTERIP", "MIRROR",  "DELUDE",
    "CHAOS", "DNETMAP", "SAME",   "BALANCE", "ROUTE",    "IPMARK", "STEAL",     "DHCPMAC", "SYSRQ"};

// "a[-b][:p[-q]]", "[v6]:p", or a bare IPv6 address.
bool nat_spec(Builder& b, const char* at, std::string_view spec, Target& t) {
    std::string_view addr = spec, port;
    if (!spec.empty() && spec.front() == '[') {
        std::size_t close = spec.find(']');
        if (close == std::string_view::npos) return b.error(at, "missing ']' in " + quote(spec));
        addr = spec.substr(1, close - 1);
        std::string_view rest = spec.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return b.error(at + close + 1, "expected ':' and a port after ']'");
            port = rest.substr(1);
        }
    } else if (std::count(spec.begin(), spec.end(), ':') == 1) {
        std::size_t colon = spec.find(':');
        addr = spec.substr(0, colon);
        port = spec.substr(colon + 1);
        if (port.empty()) return b.error(at + colon, "expected a port after ':'");
    }
    if (!addr.empty()) {
        std::size_t dash = addr.find('-');
        std::string_view lo_text = addr.substr(0, dash);
        std::string_view hi_text = dash == std::string_view::npos ? lo_text : addr.substr(dash + 1);
        int f1 = 0, f2 = 0;
        Interval lo, hi;
        if (lo_text.find('/') != std::string_view::npos || hi_text.find('/') != std::string_view::npos ||
            parse_address(lo_text, f1, lo) != AddressKind::ok ||
            parse_address(hi_text, f2, hi) != AddressKind::ok || f1 != f2 || lo.lo > hi.lo)
            return b.error(at, "bad address " + quote(addr));
        if (!b.note_family(at, f1)) return false;
        t.to_address = Interval{lo.lo, hi.lo};
    }
    if (!port.empty()) {
        auto r = parse_nat_port_range(port);
        if (!r) return b.error(at + (port.data() - spec.data()), "bad port or port range " + quote(port));
        t.to_port = Interval{r->lo, r->hi};
    }
    return true;
}

bool no_options(Builder& b, std::string_view name, std::span<const Item> opts) {
    if (opts.empty()) return true;
    return b.error(opts.front().at(), std::string(name) + " takes no option " + quote(opts.front().name()));
}

bool one_arg(Builder& b, const Item& it) {
    if (it.n_args == 1) return true;
    if (it.n_args == 0) return b.error(it.at(), std::string(it.name()) + " needs an argument");
    return b.error(it.arg_at(1), "unexpected " + quote(it.arg(1)) + " after " + std::string(it.name()));
}

}  // namespace

bool is_builtin_option(std::string_view n) {
    if (n.size() == 2) return std::string_view("psdiofmjgc46").find(n[1]) != std::string_view::npos;
    if (n.size() < 5 || n[1] != '-') return false;
    return in(n, {"-p",
                  "--protocol",
                  "-s",
                  "--source",
                  "--src",
                  "-d",
                  "--destination",
                  "--dst",
                  "-i",
                  "--in-interface",
                  "-o",
                  "--out-interface",
                  "-f",
                  "--fragment",
                  "-m",
                  "--match",
                  "-j",
                  "--jump",
                  "-g",
                  "--goto",
                  "-c",
                  "--set-counters",
                  "-4",
                  "--ipv4",
                  "-6",
                  "--ipv6"});
}

bool lower_target(Builder& b, const Item& jump, std::span<const Item> opts, bool go_to) {
    if (jump.negated) return b.error(jump.at(), "'!' cannot negate a target");
    if (jump.n_args != 1) {
        if (jump.n_args == 0) return b.error(jump.at(), std::string(jump.name()) + " needs a target");
        return b.error(jump.arg_at(1), "unexpected " + quote(jump.arg(1)) + " after the target");
    }
    for (const Item& o : opts)
        if (o.negated) return b.error(o.at(), "'!' cannot negate a target option");
    b.has_target = true;
    Target& t = b.target;
    std::string_view name = jump.arg(0);
    t.name = name;  // views into the input, which the Ruleset keeps
    if (!opts.empty())
        t.options = std::string_view(opts.front().at(),
                                     static_cast<std::size_t>(opts.back().end() - opts.front().at()));

    if (go_to) {
        t.action = Action::go_to;
        return no_options(b, name, opts);
    }
    if (name == "ACCEPT") {
        t.action = Action::accept;
        return no_options(b, name, opts);
    }
    if (name == "DROP") {
        t.action = Action::drop;
        return no_options(b, name, opts);
    }
    if (name == "RETURN") {
        t.action = Action::return_;
        return no_options(b, name, opts);
    }
    if (name == "REJECT") {
        t.action = Action::reject;
        for (const Item& o : opts)
            if (o.name() != "--reject-with")
                return b.error(o.at(), "unknown REJECT option " + quote(o.name()));
            else if (!one_arg(b, o))
                return false;
        return true;
    }
    if (name == "NOTRACK") {
        t.action = Action::notrack;
        return no_options(b, name, opts);
    }
    if (name == "CT") {
        t.action = Action::continue_;
        for (const Item& o : opts)
            if (o.name() == "--notrack") t.action = Action::notrack;
        return true;
    }
    if (in(name, {"DNAT", "SNAT"})) {
        bool dnat = name == "DNAT";
        t.action = dnat ? Action::dnat : Action::snat;
        bool seen = false;
        for (const Item& o : opts) {
            if (in(o.name(), {"--random", "--persistent", "--random-fully"})) continue;
            if (!in(o.name(), {dnat ? "--to-destination" : "--to-source", "--to"}))
                return b.error(o.at(), "unknown " + std::string(name) + " option " + quote(o.name()));
            if (!one_arg(b, o)) return false;
            if (seen) {  // several ranges (old kernels): the new address is one of them
                b.eh.warning(o.at(), std::string(name) + " with several ranges: only the first is modelled");
                continue;
            }
            seen = true;
            if (!nat_spec(b, o.arg_at(0), o.arg(0), t)) return false;
        }
        if (!seen && dnat) return b.error(jump.arg_at(0), "DNAT needs --to-destination");
        return true;
    }
    if (in(name, {"MASQUERADE", "REDIRECT"})) {
        t.action = name == "REDIRECT" ? Action::redirect : Action::snat;
        for (const Item& o : opts) {
            if (in(o.name(), {"--random", "--random-fully"})) continue;
            if (o.name() != "--to-ports")
                return b.error(o.at(), "unknown " + std::string(name) + " option " + quote(o.name()));
            if (!one_arg(b, o)) return false;
            auto r = parse_nat_port_range(o.arg(0));
            if (!r) return b.error(o.arg_at(0), "bad port or port range " + quote(o.arg(0)));
            t.to_port = Interval{r->lo, r->hi};
        }
        return true;
    }
    if (std::find(std::begin(continue_targets), std::end(continue_targets), name) !=
        std::end(continue_targets)) {
        t.action = Action::continue_;
        return true;
    }
    if (std::find(std::begin(unknown_targets), std::end(unknown_targets), name) !=
        std::end(unknown_targets)) {
        t.action = Action::unknown;
        b.eh.warning(jump.arg_at(0),
                     "target " + std::string(name) + " is not modelled: the rule's verdict is unknown");
        return true;
    }
    // A user chain (resolved when the table is complete), or an unknown target if no such chain.
    t.action = Action::jump;
    return true;
}

}  // namespace rulegap::iptables
