// Random iptables-like rulesets and packets for the property tests that compare evaluate() and
// the compiled diagrams (lib/eval/compile.*) with explain(), and small builders for hand-made
// rulesets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "rulegap/evaluate.hpp"

namespace rulegap::test {

inline uint128 ip(const char* text) { return *parse_ipv4(text); }

inline Condition cond(Field f, std::vector<Interval> v) {
    return Condition{false, {{f, std::move(v)}}, false, Unmodelled::other, "", ""};
}
inline Condition cond(Field f, uint128 lo, uint128 hi) { return cond(f, {Interval{lo, hi}}); }
inline Condition undecided(const char* module, const char* why) {
    return Condition{false, {}, true, Unmodelled::other, module, why};
}

// The name must outlive the call to Builder::add, which keeps it in the ruleset.
inline Target to(Action a, std::string_view name) {
    Target t;
    t.action = a;
    t.name = name;
    return t;
}

struct Builder {
    Ruleset rs;
    std::uint32_t line = 1;
    Builder() { rs.file = "eval.rules"; }
    void chain(const std::string& table, const std::string& name, std::optional<Action> policy) {
        Chain c;
        c.name = name;
        c.builtin = policy.has_value();
        c.policy = policy;
        c.line = line++;
        rs.add_table(table).chains.push_back(std::move(c));
    }
    std::uint32_t add(const std::string& table, const std::string& chain, std::vector<Condition> conds,
                      Target t) {
        Rule r;
        r.line = line++;
        r.text = rs.keep("-A " + chain + " -j " + std::string(t.name));
        r.conditions = std::move(conds);
        r.target = std::move(t);
        r.target.name = rs.keep(std::string(r.target.name));
        Chain* c = rs.table(table)->chain(chain);
        c->rules.push_back(std::move(r));
        return c->rules.back().line;
    }
};

inline std::string describe(const Packet& p) {
    std::string s = "proto " + std::to_string(p.protocol) + " " + format_address(p.src, p.family) + ":" +
                    std::to_string(p.src_port) + " -> " + format_address(p.dst, p.family) + ":" +
                    std::to_string(p.dst_port) + " state " + std::string(to_string(p.state));
    s += " icmp " + std::to_string(p.icmp_type) + "/" + std::to_string(p.icmp_code) + " flags " +
         std::to_string(p.tcp_flags);
    if (p.in_interface) s += " in '" + *p.in_interface + "'";
    if (p.out_interface) s += " out '" + *p.out_interface + "'";
    return s;
}

// ---- random rulesets ------------------------------------------------------------------------

struct Rng {
    std::mt19937_64 g;
    explicit Rng(std::uint64_t seed) : g(seed) {}
    std::uint64_t below(std::uint64_t n) { return g() % n; }
    bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    uint128 in(Interval i) {  // uniform enough over [lo, hi]
        uint128 r = (static_cast<uint128>(g()) << 64) | g();
        uint128 width = i.hi - i.lo + 1;
        return width == 0 ? r : i.lo + r % width;
    }
};

inline const std::vector<const char*> address_pool = {"10.0.0.1",    "10.0.0.5", "10.0.0.6",  "10.0.1.7",
                                                      "192.168.1.1", "8.8.8.8",  "10.0.0.255"};
inline const std::vector<std::uint16_t> port_pool = {22, 23, 53, 80, 81, 443, 8080, 8081};
inline const std::vector<const char*> iface_pool = {"eth0", "eth1", "eth+", "wlan0", "lo"};

// "focus": rulesets built around DNAT, whose filter rules test the DNAT targets.
inline Interval prefix(Rng& g, bool focus) {
    if (focus && g.chance(70)) {
        uint128 a = ip("10.0.0.4") + g.below(3);
        return {a, g.chance(30) ? a + 1 : a};
    }
    struct P {
        const char* a;
        int len;
    };
    static const std::vector<P> pool = {{"10.0.0.0", 8},  {"10.0.0.0", 24}, {"10.0.1.0", 24},
                                        {"10.0.0.5", 32}, {"10.0.0.4", 31}, {"192.168.0.0", 16},
                                        {"0.0.0.0", 1}};
    const P& p = g.pick(pool);
    uint128 a = ip(p.a), size = uint128{1} << (32 - p.len);
    return {a, a + size - 1};
}

inline Interval port_range(Rng& g, bool focus) {
    uint128 lo = focus && g.chance(70) ? 8080 + g.below(2) : g.pick(port_pool);
    return {lo, g.chance(30) ? lo + g.below(3) : lo};
}

inline Condition random_condition(Rng& g, bool focus) {
    Condition c;
    switch (focus && g.chance(50) ? 1 + 3 * g.below(2) : g.below(11)) {
        case 0: {
            uint128 pr = g.chance(50) ? 6 : g.chance(50) ? 17 : 1;
            c = cond(Field::protocol, pr, pr);
            break;
        }
        case 1:
            c = cond(Field::dst_port, {port_range(g, focus), port_range(g, focus)});
            break;
        case 2:
            c = cond(Field::src_port, 40000, 40010);
            break;
        case 3:
            c = cond(Field::src_addr, {prefix(g, focus)});
            break;
        case 4:
            c = cond(Field::dst_addr, {prefix(g, focus)});
            break;
        case 5:
            c = cond(Field::in_iface, {interface_interval(g.pick(iface_pool))});
            break;
        case 6:
            c = cond(Field::out_iface, {interface_interval(g.pick(iface_pool))});
            break;
        case 7: {
            uint128 a = g.below(conn_state_count), z = g.below(conn_state_count);
            c = cond(Field::state, {Interval{a, a}, Interval{z, z}});
            break;
        }
        case 8:
            c = cond(Field::icmp_type, 8, 8);
            break;
        case 9:  // two fields at once (negated: "not both")
            c = cond(Field::protocol, 6, 6);
            c.all_of.push_back({Field::dst_port, {port_range(g, focus)}});
            break;
        default:
            c = undecided(g.chance(50) ? "limit" : "mark", "cannot be decided statically");
            break;
    }
    if (!c.undecided && g.chance(20)) c.negated = true;
    return c;
}

inline Target random_target(Rng& g, const std::string& table, const std::vector<std::string>& user,
                            bool focus) {
    if (table == "nat" && g.chance(60)) {
        switch (focus && g.chance(80) ? 0 : g.below(4)) {
            case 0: {
                Target t = to(Action::dnat, "DNAT");
                uint128 a = ip(g.chance(50) ? "10.0.0.5" : "10.0.0.6");
                t.to_address = Interval{a, g.chance(focus ? 60 : 40) ? a + 1 : a};
                if (g.chance(50))
                    t.to_port = Interval{8080, g.chance(focus ? 60 : 40) ? uint128{8081} : uint128{8080}};
                return t;
            }
            case 1: {
                Target t = to(Action::redirect, "REDIRECT");
                t.to_port = Interval{8080, 8080};
                return t;
            }
            case 2:
                return to(Action::snat, "MASQUERADE");
            default:
                return to(Action::accept, "ACCEPT");
        }
    }
    if (table == "raw" && g.chance(50)) return to(Action::notrack, "NOTRACK");
    std::uint64_t r = g.below(100);
    if (r < 22) return to(Action::accept, "ACCEPT");
    if (r < 40) return to(Action::drop, "DROP");
    if (r < 45) return to(Action::reject, "REJECT");
    if (r < 55) return to(Action::return_, "RETURN");
    if (r < 72 && !user.empty()) return to(Action::jump, g.pick(user));
    if (r < 80 && !user.empty()) return to(Action::go_to, g.pick(user));
    if (r < 97) return to(Action::continue_, "LOG");
    return to(Action::unknown, "TPROXY");
}

struct Shape {
    const char* table;
    std::vector<const char*> builtins;
};

// rules: at most rules - 1 rules per chain (the property tests' 7 keep explain() cheap; longer
// chains exercise what lint does past a few overlapping rules).
inline Ruleset random_ruleset(Rng& g, std::uint64_t rules) {
    static const std::vector<Shape> shapes = {
        {"raw", {"PREROUTING", "OUTPUT"}},
        {"mangle", {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}},
        {"nat", {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"}},
        {"filter", {"INPUT", "FORWARD", "OUTPUT"}},
    };
    Builder b;
    b.rs.family = 4;
    bool focus = g.chance(25);
    for (const Shape& s : shapes) {
        bool is_filter = std::string(s.table) == "filter";
        bool is_nat = std::string(s.table) == "nat";
        if (!is_filter && !(focus && is_nat) && !g.chance(is_nat ? 50 : 25)) continue;
        std::vector<std::string> user;
        for (std::uint64_t i = 0, n = g.below(is_filter ? 5 : 2); i < n; ++i)
            user.push_back("U" + std::to_string(i));
        std::vector<std::string> chains;
        for (const char* c : s.builtins) {
            if (!is_filter && !(focus && is_nat) && g.chance(30)) continue;  // a table without this chain
            std::optional<Action> pol = Action::accept;
            if (is_filter || std::string(s.table) == "mangle")
                pol = g.chance(50) ? Action::drop : Action::accept;
            if (g.chance(5)) pol = std::nullopt;
            b.chain(s.table, c, pol);
            b.rs.table(s.table)->chains.back().builtin = true;
            chains.push_back(c);
        }
        for (const std::string& u : user) {
            b.chain(s.table, u, std::nullopt);
            chains.push_back(u);
        }
        for (const std::string& c : chains) {
            for (std::uint64_t i = 0, n = g.below(rules); i < n; ++i) {
                std::vector<Condition> conds;
                for (std::uint64_t k = 0, m = g.below(3); k < m; ++k)
                    conds.push_back(random_condition(g, focus && !is_nat));
                if (g.chance(8)) conds.push_back(undecided("limit", "rate limit"));
                b.add(s.table, c, std::move(conds), random_target(g, s.table, user, focus));
            }
        }
    }
    b.rs.link();
    return b.rs;
}

inline Ruleset random_ruleset(Rng& g) { return random_ruleset(g, 7); }

inline Packet random_packet(Rng& g) {
    Packet p;
    p.family = g.chance(4) ? 6 : 4;
    std::uint64_t k = g.below(10);
    p.protocol = k < 5 ? 6 : k < 8 ? 17 : k < 9 ? 1 : 47;
    if (p.family == 6 && p.protocol == 1) p.protocol = 58;
    p.src = p.family == 4 ? ip(g.pick(address_pool)) : (uint128{0x20010db8} << 96) + g.below(5);
    p.dst = p.family == 4 ? ip(g.pick(address_pool)) : (uint128{0x20010db8} << 96) + g.below(5);
    if (p.has_ports()) {
        p.src_port = static_cast<std::uint16_t>(g.chance(50) ? 40000 + g.below(12) : g.below(65536));
        p.dst_port =
            static_cast<std::uint16_t>(g.chance(80) ? g.pick(port_pool) + g.below(2) : g.below(65536));
    }
    if (p.is_icmp()) p.icmp_type = static_cast<std::uint8_t>(g.chance(50) ? 8 : g.below(256));
    p.tcp_flags = p.protocol == 6 ? static_cast<std::uint8_t>(g.below(256)) : 0;
    p.state = static_cast<ConnState>(g.below(conn_state_count));
    static const std::vector<std::string> names = {"eth0", "eth1", "eth7", "wlan0", "lo", ""};
    p.in_interface = g.pick(names);
    p.out_interface = g.pick(names);
    return p;
}

inline bool has_dnat_range(const Ruleset& rs) {
    for (const Table& t : rs.tables)
        for (const Chain& c : t.chains)
            for (const Rule& r : c.rules)
                if ((r.target.to_address && r.target.to_address->lo != r.target.to_address->hi) ||
                    (r.target.to_port && r.target.to_port->lo != r.target.to_port->hi))
                    return true;
    return false;
}

// A condition on the connection state: one to three states, sometimes negated.
inline Condition state_condition(Rng& g) {
    std::vector<Interval> states;
    for (std::uint64_t i = 0, n = 1 + g.below(3); i < n; ++i) {
        uint128 s = g.below(conn_state_count);
        states.push_back({s, s});
    }
    std::sort(states.begin(), states.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    states.erase(std::unique(states.begin(), states.end()), states.end());
    Condition c = cond(Field::state, std::move(states));
    c.negated = g.chance(25);
    return c;
}

// Rulesets whose raw table tests states and NOTRACKs (traversal.hpp, raw_view_state), followed by
// mangle, nat and filter rules that test states too.
inline Ruleset random_raw_ruleset(Rng& g) {
    Builder b;
    b.rs.family = 4;
    const std::vector<std::string> raw_user =
        g.chance(40) ? std::vector<std::string>{"R0"} : std::vector<std::string>{};
    b.chain("raw", "PREROUTING", Action::accept);
    b.chain("raw", "OUTPUT", Action::accept);
    for (const std::string& u : raw_user) b.chain("raw", u, std::nullopt);
    std::vector<std::string> raw_chains = {"PREROUTING", "OUTPUT"};
    raw_chains.insert(raw_chains.end(), raw_user.begin(), raw_user.end());
    for (const std::string& c : raw_chains) {
        for (std::uint64_t i = 0, n = 1 + g.below(5); i < n; ++i) {
            std::vector<Condition> conds;
            if (g.chance(70)) conds.push_back(state_condition(g));
            if (g.chance(40)) conds.push_back(random_condition(g, false));
            if (g.chance(10)) conds.push_back(undecided("limit", "rate limit"));
            Target t;
            std::uint64_t r = g.below(100);
            if (r < 40)
                t = to(Action::notrack, g.chance(50) ? "NOTRACK" : "CT");
            else if (r < 55)
                t = to(Action::drop, "DROP");
            else if (r < 65)
                t = to(Action::accept, "ACCEPT");
            else if (r < 72)
                t = to(Action::reject, "REJECT");
            else if (r < 80)
                t = to(Action::continue_, "LOG");
            else if (r < 90 && !raw_user.empty() && c != "R0")
                t = to(Action::jump, "R0");
            else
                t = to(Action::return_, "RETURN");
            b.add("raw", c, std::move(conds), t);
        }
    }
    if (g.chance(40)) {
        b.chain("mangle", "PREROUTING", Action::accept);
        b.add("mangle", "PREROUTING", {state_condition(g)},
              to(g.chance(50) ? Action::drop : Action::accept, "X"));
    }
    if (g.chance(40)) {
        b.chain("nat", "PREROUTING", Action::accept);
        Target t = to(Action::dnat, "DNAT");
        t.to_address = Interval{ip("10.0.0.5"), ip("10.0.0.5")};
        b.add("nat", "PREROUTING", {random_condition(g, false)}, t);
    }
    for (const char* c : {"INPUT", "FORWARD", "OUTPUT"}) {
        b.chain("filter", c, g.chance(50) ? Action::drop : Action::accept);
        for (std::uint64_t i = 0, n = g.below(4); i < n; ++i) {
            std::vector<Condition> conds{state_condition(g)};
            if (g.chance(30)) conds.push_back(random_condition(g, false));
            b.add("filter", c, std::move(conds), to(g.chance(50) ? Action::accept : Action::drop, "X"));
        }
    }
    b.rs.link();
    return b.rs;
}

}  // namespace rulegap::test
