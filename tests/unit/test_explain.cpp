// explain(): one packet through hand-built rulesets (no parser involved).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "rulegap/evaluate.hpp"

using namespace rulegap;

namespace {

uint128 ip(const char* text) { return *parse_ipv4(text); }

Condition cond(Field f, uint128 lo, uint128 hi) {
    return Condition{false, {{f, {{lo, hi}}}}, false, Unmodelled::other, "", ""};
}
Condition dport(uint128 p) { return cond(Field::dst_port, p, p); }
Condition proto(std::uint8_t p) { return cond(Field::protocol, p, p); }
Condition dst(const char* a) { return cond(Field::dst_addr, ip(a), ip(a)); }
Condition state(ConnState s) { return cond(Field::state, static_cast<uint128>(s), static_cast<uint128>(s)); }
Condition in_if(const char* name) {
    Interval i = interface_interval(name);
    return cond(Field::in_iface, i.lo, i.hi);
}
Condition negate(Condition c) {
    c.negated = true;
    return c;
}
Condition undecided(const char* module, const char* why) {
    return Condition{false, {}, true, Unmodelled::other, module, why};
}

// The name must outlive the call to Builder::add, which keeps it in the ruleset.
Target to(Action a, std::string_view name = "") {
    Target t;
    t.action = a;
    t.name = name;
    return t;
}
Target accept() { return to(Action::accept, "ACCEPT"); }
Target drop() { return to(Action::drop, "DROP"); }
Target reject() { return to(Action::reject, "REJECT"); }
Target ret() { return to(Action::return_, "RETURN"); }
Target jump(const char* c) { return to(Action::jump, c); }
Target go_to(const char* c) { return to(Action::go_to, c); }
Target log() { return to(Action::continue_, "LOG"); }
Target dnat(std::optional<Interval> addr, std::optional<Interval> port) {
    Target t = to(Action::dnat, "DNAT");
    if (addr) t.to_address = *addr;
    if (port) t.to_port = *port;
    return t;
}

// A ruleset written rule by rule; every rule and chain header gets its own line.
struct Builder {
    Ruleset rs;
    std::uint32_t line = 1;
    explicit Builder(int family = 4) {
        rs.file = "test.rules";
        rs.family = family;
    }
    Builder& chain(const char* table, const char* name, std::optional<Action> policy = std::nullopt,
                   bool builtin = true) {
        Table& t = rs.add_table(table);
        Chain c;
        c.name = name;
        c.builtin = builtin && policy.has_value();
        c.policy = policy;
        c.line = line++;
        t.chains.push_back(std::move(c));
        return *this;
    }
    Builder& user(const char* table, const char* name) { return chain(table, name, std::nullopt, false); }
    // Returns the rule's line.
    std::uint32_t add(const char* table, const char* chain_name, std::vector<Condition> conds, Target t) {
        Chain* c = rs.table(table)->chain(chain_name);
        Rule r;
        r.line = line++;
        r.text = rs.keep(std::string("-A ") + chain_name + " ... -j " + std::string(t.name));
        r.conditions = std::move(conds);
        r.target = std::move(t);
        r.target.name = rs.keep(std::string(r.target.name));
        c->rules.push_back(std::move(r));
        return c->rules.back().line;
    }
    Ruleset done() {
        rs.link();
        return rs;
    }
};

Packet tcp(const char* s, const char* d, std::uint16_t port, ConnState st = ConnState::new_) {
    Packet p;
    p.protocol = 6;
    p.src = ip(s);
    p.dst = ip(d);
    p.src_port = 40000;
    p.dst_port = port;
    p.state = st;
    p.in_interface = "eth0";
    p.out_interface = "eth1";
    return p;
}

bool trace_has(const Decision& d, const std::string& action) {
    for (const TraceStep& s : d.trace)
        if (s.action == action) return true;
    return false;
}

}  // namespace

TEST_CASE("explain: names of hooks and verdicts") {
    CHECK(to_string(Hook::forward) == "FORWARD");
    CHECK(parse_hook("input") == Hook::input);
    CHECK(parse_hook("Output") == Hook::output);
    CHECK_FALSE(parse_hook("PREROUTING").has_value());
    CHECK(to_string(Verdict::reject) == "reject");
}

TEST_CASE("explain: first match wins; the policy decides at the end") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop);
    auto l1 = b.add("filter", "FORWARD", {proto(6), dport(22)}, accept());
    b.add("filter", "FORWARD", {dport(22)}, drop());
    Ruleset rs = b.done();

    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == l1);
    CHECK(d.decided_by->rule == 0);
    CHECK_FALSE(d.by_policy);
    REQUIRE(d.trace.size() == 1);
    CHECK(d.trace[0].action == "accept");

    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.by_policy);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->is_policy());
    CHECK(d.decided_by->text == ":FORWARD DROP");
    CHECK(d.decided_by->line == 1);
    REQUIRE(d.trace.size() == 1);
    CHECK(d.trace[0].action == "policy drop");
}

TEST_CASE("explain: accept policies, missing chains and tables") {
    Builder b;
    b.chain("filter", "INPUT", Action::accept);
    b.chain("filter", "FORWARD", Action::drop);
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::input, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.by_policy);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->chain == "INPUT");
    // No OUTPUT chain at all: nothing decides, the packet passes.
    d = explain(rs, Hook::output, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::accept);
    CHECK_FALSE(d.decided_by);
    CHECK(d.trace.empty());
    // An empty ruleset passes everything.
    Ruleset empty;
    CHECK(explain(empty, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22)).verdict == Verdict::accept);
}

TEST_CASE("explain: jump and return") {
    Builder b;
    b.chain("filter", "FORWARD", Action::accept).user("filter", "CUSTOM");
    b.add("filter", "FORWARD", {}, jump("CUSTOM"));
    auto last = b.add("filter", "FORWARD", {}, drop());
    b.add("filter", "CUSTOM", {dport(22)}, ret());
    auto acc = b.add("filter", "CUSTOM", {dport(80)}, accept());
    Ruleset rs = b.done();

    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::drop);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == last);
    REQUIRE(d.trace.size() == 3);
    CHECK(d.trace[0].action == "jump CUSTOM");
    CHECK(d.trace[1].action == "return");
    CHECK(d.trace[1].at.chain == "CUSTOM");
    CHECK(d.trace[2].action == "drop");

    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.decided_by->line == acc);
    CHECK(d.decided_by->chain == "CUSTOM");

    // Falling off the end of a user chain returns too.
    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 443));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.decided_by->line == last);
}

TEST_CASE("explain: RETURN in a built-in chain applies its policy") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop);
    b.add("filter", "FORWARD", {dport(22)}, ret());
    b.add("filter", "FORWARD", {}, accept());
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.by_policy);
    CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 23)).verdict == Verdict::accept);
}

TEST_CASE("explain: goto returns to the caller of the chain that did the goto") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop).user("filter", "A").user("filter", "B");
    b.add("filter", "FORWARD", {}, jump("A"));
    auto after = b.add("filter", "FORWARD", {}, accept());
    b.add("filter", "A", {}, go_to("B"));
    b.add("filter", "A", {}, drop());  // never reached: B returns past A
    b.add("filter", "B", {dport(22)}, ret());
    auto bdrop = b.add("filter", "B", {dport(80)}, drop());
    Ruleset rs = b.done();

    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == after);
    REQUIRE(d.trace.size() == 4);
    CHECK(d.trace[1].action == "goto B");
    CHECK(d.trace[2].action == "return");

    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 443));  // falls off B
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.decided_by->line == after);

    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.decided_by->line == bdrop);
}

TEST_CASE("explain: goto from a built-in chain, then RETURN: the built-in policy applies") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop).user("filter", "B");
    b.add("filter", "FORWARD", {}, go_to("B"));
    b.add("filter", "FORWARD", {}, accept());  // never reached after the goto
    b.add("filter", "B", {dport(22)}, ret());
    auto bacc = b.add("filter", "B", {dport(80)}, accept());
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.by_policy);
    CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 443)).verdict == Verdict::drop);
    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.decided_by->line == bacc);
}

TEST_CASE("explain: REJECT and LOG") {
    Builder b;
    b.chain("filter", "INPUT", Action::accept);
    b.add("filter", "INPUT", {dport(23)}, log());
    auto rej = b.add("filter", "INPUT", {dport(23)}, reject());
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::input, tcp("10.0.0.1", "10.0.0.2", 23));
    CHECK(d.verdict == Verdict::reject);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == rej);
    REQUIRE(d.trace.size() == 2);
    CHECK(d.trace[0].action == "log");
    CHECK(d.trace[1].action == "reject");
    d = explain(rs, Hook::input, tcp("10.0.0.1", "10.0.0.2", 24));
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.by_policy);
}

TEST_CASE("explain: DNAT changes what filter sees; nat only sees new packets") {
    Builder b;
    b.chain("nat", "PREROUTING", Action::accept);
    b.add("nat", "PREROUTING", {dst("1.2.3.4"), proto(6), dport(80)},
          dnat(Interval{ip("10.0.0.5"), ip("10.0.0.5")}, Interval{8080, 8080}));
    b.chain("filter", "FORWARD", Action::drop);
    auto acc = b.add("filter", "FORWARD", {dst("10.0.0.5"), dport(8080)}, accept());
    Ruleset rs = b.done();

    Decision d = explain(rs, Hook::forward, tcp("192.0.2.1", "1.2.3.4", 80));
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == acc);
    CHECK(trace_has(d, "dnat to 10.0.0.5:8080"));

    // An established packet skips nat: filter sees 1.2.3.4:80 and drops it.
    d = explain(rs, Hook::forward, tcp("192.0.2.1", "1.2.3.4", 80, ConnState::established));
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.by_policy);
    CHECK_FALSE(trace_has(d, "dnat to 10.0.0.5:8080"));
}

TEST_CASE("explain: a DNAT range decides only when every choice agrees") {
    for (bool both : {true, false}) {
        Builder b;
        b.chain("nat", "PREROUTING", Action::accept);
        b.add("nat", "PREROUTING", {dst("1.2.3.4")},
              dnat(Interval{ip("10.0.0.5"), ip("10.0.0.6")}, std::nullopt));
        b.chain("filter", "FORWARD", Action::drop);
        b.add("filter", "FORWARD", {dst("10.0.0.5")}, accept());
        if (both) b.add("filter", "FORWARD", {dst("10.0.0.6")}, accept());
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("192.0.2.1", "1.2.3.4", 80));
        CHECK(d.verdict == (both ? Verdict::accept : Verdict::unknown));
        if (!both) CHECK(d.reason.find("DNAT to a range") != std::string::npos);
    }
}

TEST_CASE("explain: REDIRECT") {
    Builder b;
    b.chain("nat", "PREROUTING", Action::accept);
    Target t = to(Action::redirect, "REDIRECT");
    t.to_port = Interval{3128, 3128};
    auto red = b.add("nat", "PREROUTING", {dport(80)}, t);
    b.chain("filter", "INPUT", Action::drop);
    b.chain("filter", "FORWARD", Action::accept);
    b.add("filter", "INPUT", {dport(3128)}, accept());
    Ruleset rs = b.done();
    CHECK(explain(rs, Hook::input, tcp("192.0.2.1", "10.0.0.1", 80)).verdict == Verdict::accept);
    Decision d = explain(rs, Hook::forward, tcp("192.0.2.1", "10.0.0.1", 80));
    CHECK(d.verdict == Verdict::unknown);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == red);
    CHECK(d.reason.find("REDIRECT") != std::string::npos);
}

TEST_CASE("explain: notrack makes the packet untracked, so nat is skipped too") {
    Builder b;
    b.chain("raw", "PREROUTING", Action::accept);
    b.add("raw", "PREROUTING", {cond(Field::protocol, 17, 17), dport(53)}, to(Action::notrack, "NOTRACK"));
    b.chain("nat", "PREROUTING", Action::accept);
    b.add("nat", "PREROUTING", {}, dnat(Interval{ip("10.9.9.9"), ip("10.9.9.9")}, std::nullopt));
    b.chain("filter", "FORWARD", Action::drop);
    auto untr = b.add("filter", "FORWARD", {state(ConnState::untracked), dst("10.0.0.2")}, accept());
    b.add("filter", "FORWARD", {dst("10.9.9.9")}, reject());
    Ruleset rs = b.done();
    Packet p = tcp("10.0.0.1", "10.0.0.2", 53);
    p.protocol = 17;
    Decision d = explain(rs, Hook::forward, p);
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == untr);
    CHECK(trace_has(d, "notrack"));
    p.dst_port = 54;  // tracked: DNAT to 10.9.9.9, rejected
    CHECK(explain(rs, Hook::forward, p).verdict == Verdict::reject);
}

TEST_CASE("explain: undecided conditions") {
    SUBCASE("both branches agree: decided") {
        Builder b;
        b.chain("filter", "FORWARD", Action::drop);
        b.add("filter", "FORWARD", {undecided("limit", "rate limit")}, drop());
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
        CHECK(d.verdict == Verdict::drop);
        CHECK(trace_has(d, "undecided: limit"));
        CHECK(d.reason.empty());
    }
    SUBCASE("branches disagree: unknown, naming the rule") {
        Builder b;
        b.chain("filter", "FORWARD", Action::drop);
        auto l = b.add("filter", "FORWARD", {dport(22), undecided("limit", "rate limit")}, accept());
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
        CHECK(d.verdict == Verdict::unknown);
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->line == l);
        CHECK(d.reason == "limit: rate limit (rule at test.rules:" + std::to_string(l) + ")");
        REQUIRE_FALSE(d.trace.empty());
        CHECK(d.trace.back().action == "undecided: limit");
        // Its decidable part does not match: the rule never matters.
        d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 23));
        CHECK(d.verdict == Verdict::drop);
        CHECK(d.by_policy);
    }
    SUBCASE("a non-terminating target never matters") {
        Builder b;
        b.chain("filter", "FORWARD", Action::drop);
        b.add("filter", "FORWARD", {undecided("limit", "rate limit")}, log());
        b.add("filter", "FORWARD", {}, accept());
        Ruleset rs = b.done();
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22)).verdict == Verdict::accept);
    }
    SUBCASE("an undecided jump: both branches are followed") {
        Builder b;
        b.chain("filter", "FORWARD", Action::drop).user("filter", "C");
        b.add("filter", "FORWARD", {undecided("mark", "mark set elsewhere")}, jump("C"));
        b.add("filter", "FORWARD", {dport(22)}, accept());
        b.add("filter", "C", {dport(22)}, accept());
        b.add("filter", "C", {dport(80)}, drop());
        Ruleset rs = b.done();
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22)).verdict == Verdict::accept);
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80)).verdict == Verdict::drop);
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 443)).verdict == Verdict::drop);
        // 22 in the jumped chain accepts, outside it accepts too; this one differs:
        Builder b2;
        b2.chain("filter", "FORWARD", Action::accept).user("filter", "C");
        b2.add("filter", "FORWARD", {undecided("mark", "mark set elsewhere")}, jump("C"));
        b2.add("filter", "C", {dport(80)}, drop());
        Ruleset rs2 = b2.done();
        CHECK(explain(rs2, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80)).verdict == Verdict::unknown);
        CHECK(explain(rs2, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 81)).verdict == Verdict::accept);
    }
}

TEST_CASE("explain: a target rulegap does not model") {
    Builder b;
    b.chain("filter", "FORWARD", Action::accept);
    auto l = b.add("filter", "FORWARD", {dport(80)}, to(Action::unknown, "TPROXY"));
    b.add("filter", "FORWARD", {dport(81)}, jump("NO-SUCH-CHAIN"));
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
    CHECK(d.verdict == Verdict::unknown);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == l);
    CHECK(d.reason.find("TPROXY") != std::string::npos);
    d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 81));
    CHECK(d.verdict == Verdict::unknown);
    CHECK(d.reason.find("NO-SUCH-CHAIN") != std::string::npos);
    CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 82)).verdict == Verdict::accept);
}

TEST_CASE("explain: a packet that does not give the interface a rule tests") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop);
    auto l = b.add("filter", "FORWARD", {in_if("eth0")}, accept());
    b.add("filter", "FORWARD", {negate(in_if("wlan+"))}, drop());
    Ruleset rs = b.done();
    Packet p = tcp("10.0.0.1", "10.0.0.2", 22);
    CHECK(explain(rs, Hook::forward, p).verdict == Verdict::accept);
    p.in_interface = "eth1";
    CHECK(explain(rs, Hook::forward, p).verdict == Verdict::drop);
    p.in_interface.reset();
    Decision d = explain(rs, Hook::forward, p);
    CHECK(d.verdict == Verdict::unknown);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == l);
    CHECK(d.reason.rfind("in-interface: ", 0) == 0);
    // When no branch depends on it, the missing interface does not matter.
    Builder b2;
    b2.chain("filter", "FORWARD", Action::drop);
    b2.add("filter", "FORWARD", {in_if("eth0")}, drop());
    b2.add("filter", "FORWARD", {in_if("eth0"), dport(1)}, accept());  // port decides it: no match
    Ruleset rs2 = b2.done();
    CHECK(explain(rs2, Hook::forward, p).verdict == Verdict::drop);
}

TEST_CASE("explain: a packet of the other family") {
    Builder b;
    b.chain("filter", "FORWARD", Action::accept);
    Ruleset rs = b.done();
    Packet p = tcp("10.0.0.1", "10.0.0.2", 22);
    p.family = 6;
    p.src = *parse_ipv6("2001:db8::1");
    p.dst = *parse_ipv6("2001:db8::2");
    Decision d = explain(rs, Hook::forward, p);
    CHECK(d.verdict == Verdict::unknown);
    CHECK(d.reason == "ruleset is for IPv4; packet is IPv6");
    CHECK_FALSE(d.decided_by);
}

TEST_CASE("explain: jump loops give unknown, not a crash") {
    SUBCASE("jump") {
        Builder b;
        b.chain("filter", "FORWARD", Action::accept).user("filter", "A").user("filter", "B");
        b.add("filter", "FORWARD", {}, jump("A"));
        b.add("filter", "A", {}, jump("B"));
        auto back = b.add("filter", "B", {dport(22)}, jump("A"));
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
        CHECK(d.verdict == Verdict::unknown);
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->line == back);
        CHECK(d.reason.find("loop") != std::string::npos);
        // A packet that does not take the loop's back edge is fine.
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 23)).verdict == Verdict::accept);
    }
    SUBCASE("goto") {
        Builder b;
        b.chain("filter", "FORWARD", Action::accept).user("filter", "A").user("filter", "B");
        b.add("filter", "FORWARD", {}, go_to("A"));
        b.add("filter", "A", {}, go_to("B"));
        b.add("filter", "B", {}, go_to("A"));
        Ruleset rs = b.done();
        CHECK(explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22)).verdict == Verdict::unknown);
    }
    SUBCASE("the same chain twice in a row is no loop") {
        Builder b;
        b.chain("filter", "FORWARD", Action::accept).user("filter", "C");
        b.add("filter", "FORWARD", {}, jump("C"));
        b.add("filter", "FORWARD", {}, jump("C"));
        b.add("filter", "FORWARD", {}, drop());
        b.add("filter", "C", {}, log());
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
        CHECK(d.verdict == Verdict::drop);
        CHECK(d.trace.size() == 5);
    }
}

TEST_CASE("explain: 10,000 nested chains") {
    for (bool use_goto : {false, true}) {
        Builder b;
        b.chain("filter", "FORWARD", Action::drop);
        constexpr int n = 10000;
        std::vector<std::string> names;
        for (int i = 0; i < n; ++i) names.push_back("C" + std::to_string(i));
        for (const std::string& s : names) b.user("filter", s.c_str());
        b.add("filter", "FORWARD", {}, jump(names[0].c_str()));
        for (int i = 0; i + 1 < n; ++i)
            b.add("filter", names[static_cast<std::size_t>(i)].c_str(), {},
                  use_goto ? go_to(names[static_cast<std::size_t>(i) + 1].c_str())
                           : jump(names[static_cast<std::size_t>(i) + 1].c_str()));
        auto acc = b.add("filter", names.back().c_str(), {dport(22)}, accept());
        Ruleset rs = b.done();
        Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
        CHECK(d.verdict == Verdict::accept);
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->line == acc);
        CHECK(d.trace.size() == static_cast<std::size_t>(n) + 1);
        d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 80));
        CHECK(d.verdict == Verdict::drop);
        CHECK(d.by_policy);
    }
}

TEST_CASE("explain: which table's decision is reported for an accept") {
    Builder b;
    b.chain("mangle", "PREROUTING", Action::accept);
    b.chain("mangle", "FORWARD", Action::accept);
    b.add("mangle", "FORWARD", {}, accept());
    b.chain("filter", "FORWARD", Action::drop);
    auto acc = b.add("filter", "FORWARD", {dport(22)}, accept());
    b.chain("security", "FORWARD", Action::accept);
    b.chain("mangle", "POSTROUTING", Action::accept);
    Ruleset rs = b.done();
    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->table == "filter");
    CHECK(d.decided_by->line == acc);
    // Tables run in netfilter order: mangle PREROUTING, mangle FORWARD, filter, security,
    // mangle POSTROUTING.
    REQUIRE(d.trace.size() == 5);
    CHECK(d.trace[0].at.table == "mangle");
    CHECK(d.trace[0].at.chain == "PREROUTING");
    CHECK(d.trace[1].action == "accept");
    CHECK(d.trace[2].at.table == "filter");
    CHECK(d.trace[3].at.table == "security");
    CHECK(d.trace[3].action == "policy accept");
    CHECK(d.trace[4].at.chain == "POSTROUTING");
}

TEST_CASE("explain: many undecided rules stay tractable") {
    Builder b;
    b.chain("filter", "FORWARD", Action::drop).user("filter", "C");
    for (int i = 0; i < 40; ++i) b.add("filter", "FORWARD", {undecided("mark", "set elsewhere")}, jump("C"));
    b.add("filter", "C", {undecided("limit", "rate")}, accept());
    b.add("filter", "C", {undecided("limit", "rate")}, log());
    Ruleset rs = b.done();
    auto t0 = std::chrono::steady_clock::now();
    Decision d = explain(rs, Hook::forward, tcp("10.0.0.1", "10.0.0.2", 22));
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    CHECK(d.verdict == Verdict::unknown);
    CHECK(ms < 2000);
}

TEST_CASE("explain: 1,000 packets on a 100,000-rule ruleset") {
    // FORWARD dispatches on the destination /24 to one of 1,000 user chains of 100 rules each.
    Builder b;
    b.chain("filter", "FORWARD", Action::drop);
    constexpr int chains = 1000, per_chain = 99;
    std::vector<std::string> names;
    for (int c = 0; c < chains; ++c) names.push_back("net" + std::to_string(c));
    for (const std::string& s : names) b.user("filter", s.c_str());
    for (int c = 0; c < chains; ++c) {
        uint128 net = ip("10.0.0.0") + (static_cast<uint128>(c) << 8);
        b.add("filter", "FORWARD", {cond(Field::dst_addr, net, net + 255)},
              jump(names[static_cast<std::size_t>(c)].c_str()));
        for (int r = 0; r < per_chain; ++r)
            b.add("filter", names[static_cast<std::size_t>(c)].c_str(),
                  {proto(6),
                   cond(Field::dst_addr, net + static_cast<uint128>(r), net + static_cast<uint128>(r)),
                   dport(static_cast<uint128>(1000 + r))},
                  r % 3 == 0 ? drop() : accept());
    }
    Ruleset rs = b.done();
    std::vector<Packet> packets;
    for (int i = 0; i < 1000; ++i) {
        int c = (i * 7919) % chains, r = (i * 31) % per_chain;
        uint128 net = ip("10.0.0.0") + (static_cast<uint128>(c) << 8);
        Packet p = tcp("192.0.2.1", "10.0.0.0", static_cast<std::uint16_t>(1000 + r));
        p.dst = net + static_cast<uint128>(r);
        packets.push_back(p);
    }
    auto t0 = std::chrono::steady_clock::now();
    int accepted = 0;
    for (const Packet& p : packets) accepted += explain(rs, Hook::forward, p).verdict == Verdict::accept;
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    int expect = 0;
    for (int i = 0; i < 1000; ++i) expect += ((i * 31) % per_chain) % 3 != 0;
    CHECK(accepted == expect);
    MESSAGE("explain of 1,000 packets on 100,000 rules: " << ms << " ms");
    CHECK(ms < 1000);  // ~10 ms in an optimised build; generous for debug and sanitizer builds
}
