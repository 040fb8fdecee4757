// iptables semantics measured on the kernel (issue 21), read from iptables-save text and checked
// through both explain() and evaluate(): connection state in the raw table, and several
// `-m multiport --ports` in one rule.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"

using namespace rulegap;

namespace {

Ruleset read(const std::string& text) {
    Ruleset rs = read_iptables(text, "k.rules");
    // (notes about rate limits are fine; errors and warnings are not)
    for (const Diagnostic& d : rs.diagnostics.items)
        CHECK_MESSAGE(d.message.find("rate limits") != std::string::npos, "diagnostic: " << d.message);
    return rs;
}

// raw PREROUTING rules, then filter FORWARD with its policy and rules.
std::string ruleset(const std::string& raw, const std::string& policy = "ACCEPT",
                    const std::string& filter = "") {
    return "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" + raw + "COMMIT\n" +
           "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD " + policy + " [0:0]\n:OUTPUT ACCEPT [0:0]\n" + filter +
           "COMMIT\n";
}

Packet packet(const char* text) {
    PacketParseResult p = parse_packet(text);
    REQUIRE_MESSAGE(p, "bad packet " << text);
    return *p.packet;
}

// The verdict of explain() and of evaluate() (on the set of just that packet); they must agree.
Verdict verdict(const Ruleset& rs, const Packet& p) {
    Verdict e = explain(rs, Hook::forward, p).verdict;
    std::vector<Outcome> parts = evaluate(rs, Hook::forward, PacketSet::of(p));
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].verdict == e);
    return e;
}

// evaluate() over packets in every state agrees with explain() on one packet per state.
void check_all_states(const Ruleset& rs, const Packet& base) {
    PacketSet all_states = PacketSet::of(base).widened(Field::state);
    std::vector<Outcome> parts = evaluate(rs, Hook::forward, all_states);
    for (int s = 0; s < conn_state_count; ++s) {
        Packet p = base;
        p.state = static_cast<ConnState>(s);
        p.tcp_flags = tcp_flag::syn;
        int found = 0;
        for (const Outcome& o : parts)
            if (o.packets.contains(p)) {
                ++found;
                CHECK(o.verdict == explain(rs, Hook::forward, p).verdict);
            }
        CHECK(found == 1);
    }
}

constexpr const char* probe = "tcp 10.1.0.5:40001 -> 10.2.0.5:80 [in eth0] [out eth1]";

}  // namespace

TEST_CASE("raw table: state matches see INVALID before conntrack, whatever the packet's state") {
    Packet p = packet(probe);
    SUBCASE("--ctstate NEW in raw never matches: the packet passes") {
        Ruleset rs = read(ruleset("-A PREROUTING -p tcp -m conntrack --ctstate NEW -j DROP\n"));
        CHECK(verdict(rs, p) == Verdict::accept);
        p.state = ConnState::established;
        CHECK(verdict(rs, p) == Verdict::accept);
        check_all_states(rs, p);
    }
    SUBCASE("--ctstate INVALID in raw matches every packet: blocked") {
        Ruleset rs = read(ruleset("-A PREROUTING -p tcp -m conntrack --ctstate INVALID -j DROP\n"));
        CHECK(verdict(rs, p) == Verdict::drop);
        p.state = ConnState::established;
        CHECK(verdict(rs, p) == Verdict::drop);
        Decision d = explain(rs, Hook::forward, p);
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->table == "raw");
        check_all_states(rs, p);
    }
    SUBCASE("-m state --state NEW,ESTABLISHED in raw, negated: every packet matches") {
        Ruleset rs = read(ruleset("-A PREROUTING -m state ! --state NEW,ESTABLISHED -j DROP\n"));
        CHECK(verdict(rs, p) == Verdict::drop);
        check_all_states(rs, p);
    }
    SUBCASE("NOTRACK on INVALID in raw, then UNTRACKED accepted in filter: passes") {
        Ruleset rs = read(ruleset("-A PREROUTING -p tcp -m conntrack --ctstate INVALID -j NOTRACK\n", "DROP",
                                  "-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT\n"));
        CHECK(verdict(rs, p) == Verdict::accept);
        p.state = ConnState::established;
        CHECK(verdict(rs, p) == Verdict::accept);
        check_all_states(rs, p);
    }
    SUBCASE("after NOTRACK (CT --notrack), raw sees UNTRACKED, no longer INVALID") {
        Ruleset rs =
            read(ruleset("-A PREROUTING -p tcp --dport 80 -j CT --notrack\n"
                         "-A PREROUTING -m conntrack --ctstate INVALID -j DROP\n"
                         "-A PREROUTING -m conntrack --ctstate UNTRACKED -j REJECT\n"));
        CHECK(verdict(rs, p) == Verdict::reject);
        p.dst_port = 81;  // not notracked: INVALID
        CHECK(verdict(rs, p) == Verdict::drop);
        check_all_states(rs, p);
    }
    SUBCASE("a packet given as untracked is still INVALID in raw until a NOTRACK fires") {
        Ruleset rs = read(ruleset("-A PREROUTING -m conntrack --ctstate UNTRACKED -j DROP\n", "DROP",
                                  "-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT\n"));
        p.state = ConnState::untracked;
        CHECK(verdict(rs, p) == Verdict::accept);
    }
    SUBCASE("from mangle on, the packet's own state") {
        Ruleset rs = read(
            "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m conntrack --ctstate NEW -j DROP\nCOMMIT\n");
        CHECK(verdict(rs, p) == Verdict::drop);
        p.state = ConnState::established;
        CHECK(verdict(rs, p) == Verdict::accept);
    }
    SUBCASE("an undecided NOTRACK in raw forks; a second one after it does not matter") {
        Ruleset rs =
            read(ruleset("-A PREROUTING -m limit --limit 1/s -j NOTRACK\n"
                         "-A PREROUTING -m conntrack --ctstate UNTRACKED -j DROP\n"));
        Decision d = explain(rs, Hook::forward, p);
        CHECK(d.verdict == Verdict::unknown);
        CHECK(d.reason.find("limit") != std::string::npos);
        CHECK(verdict(rs, p) == Verdict::unknown);
        Ruleset agree =
            read(ruleset("-A PREROUTING -j NOTRACK\n-A PREROUTING -m limit --limit 1/s -j NOTRACK\n", "DROP",
                         "-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT\n"));
        CHECK(verdict(agree, p) == Verdict::accept);
        check_all_states(agree, p);
    }
}

TEST_CASE("multiport: several --ports matches in one rule are ANDed, each exact") {
    const std::string line =
        "-A FORWARD -p udp -m multiport --ports 135,1067:1077,4000 -m multiport --ports 135:148,4000,40238 "
        "-j DROP\n";
    Ruleset rs = read(ruleset("", "ACCEPT", line));
    auto v = [&](int sport, int dport) {
        std::string text = "udp 10.1.0.5:" + std::to_string(sport) + " -> 10.2.0.5:" + std::to_string(dport) +
                           " [in eth0] [out eth1]";
        return verdict(rs, packet(text.c_str()));
    };
    CHECK(v(135, 80) == Verdict::drop);  // source port in both lists
    CHECK(v(4000, 9) == Verdict::drop);
    CHECK(v(1070, 140) == Verdict::drop);     // first by the source, second by the destination
    CHECK(v(140, 1070) == Verdict::drop);     // the other way round
    CHECK(v(9, 4000) == Verdict::drop);       // destination port in both
    CHECK(v(1070, 1071) == Verdict::accept);  // only the first list
    CHECK(v(140, 141) == Verdict::accept);    // only the second list
    CHECK(v(40238, 80) == Verdict::accept);
    CHECK(v(1070, 40238) == Verdict::drop);
    CHECK(v(9, 10) == Verdict::accept);

    // The whole space: exactly (s in A or d in A) and (s in B or d in B) is dropped.
    const std::vector<Interval> a{{135, 135}, {1067, 1077}, {4000, 4000}},
        b{{135, 148}, {4000, 4000}, {40238, 40238}};
    PacketSet udp = PacketSet::ipv4() & PacketSet::where(Field::protocol, 17);
    auto either = [&](const std::vector<Interval>& l) {
        return PacketSet::where(Field::src_port, l) | PacketSet::where(Field::dst_port, l);
    };
    PacketSet want = udp & either(a) & either(b);
    PacketSet dropped;
    for (const Outcome& o : evaluate(rs, Hook::forward, udp))
        if (o.verdict == Verdict::drop) dropped |= o.packets;
    CHECK(dropped == want);

    // Mixed with --sports/--dports, and three --ports: still exact.
    Ruleset mixed = read(ruleset(
        "", "ACCEPT",
        "-A FORWARD -p tcp -m multiport --ports 1:100 -m multiport --sports 50:60 "
        "-m multiport --ports 55,90 -m multiport --dports 80:95 -m multiport ! --ports 58 -j DROP\n"));
    PacketSet tcp = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6);
    PacketSet want2 = tcp & either({{1, 100}}) & PacketSet::where(Field::src_port, 50, 60) &
                      either({{55, 55}, {90, 90}}) & PacketSet::where(Field::dst_port, 80, 95);
    want2 = want2 - either({{58, 58}});
    PacketSet dropped2;
    for (const Outcome& o : evaluate(mixed, Hook::forward, tcp))
        if (o.verdict == Verdict::drop) dropped2 |= o.packets;
    CHECK(dropped2 == want2);
    CHECK(verdict(mixed, packet("tcp 10.1.0.5:55 -> 10.2.0.5:90 [in eth0] [out eth1]")) == Verdict::drop);
    CHECK(verdict(mixed, packet("tcp 10.1.0.5:56 -> 10.2.0.5:91 [in eth0] [out eth1]")) == Verdict::accept);
    CHECK(verdict(mixed, packet("tcp 10.1.0.5:56 -> 10.2.0.5:90 [in eth0] [out eth1]")) == Verdict::drop);
}

TEST_CASE("also_matching: rules after a raw decider are tested on raw's view of the state") {
    Ruleset rs =
        read(ruleset("-A PREROUTING -p tcp -m conntrack --ctstate INVALID -j DROP\n"
                     "-A PREROUTING -p tcp -m conntrack --ctstate NEW -j DROP\n"
                     "-A PREROUTING -p tcp -m conntrack --ctstate INVALID -j DROP\n"));
    Packet p = packet(probe);
    Decision d = explain(rs, Hook::forward, p);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->rule == 0);
    std::vector<TraceStep> also = also_matching(rs, p, d);
    REQUIRE(also.size() == 1);
    CHECK(also[0].at.rule == 2);
}
