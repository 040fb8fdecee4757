// find_rule_findings(): shadowed, redundant, unmatchable, unreferenced and partly-shadowed rules,
// one fixture per construct (each with a rule that is and one that is not shadowed), then a
// property test against explain() on random rulesets.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "rulegap/iptables.hpp"
#include "rulegap/rule_findings.hpp"
#include "tests/unit/iptables_corpus.hpp"
#include "tests/unit/random_ruleset.hpp"

using namespace rulegap;
using namespace rulegap::test;

namespace {

Ruleset rules(const std::string& filter_rules, const std::string& extra_tables = "") {
    const std::string text = extra_tables +
                             "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
                             filter_rules + "COMMIT\n";
    Ruleset rs = read_iptables(text, "fw.rules");
    REQUIRE_FALSE(rs.diagnostics.has_errors());
    return rs;
}

// The findings on the rule at `line` of fw.rules.
std::vector<RuleFinding> at(const std::vector<RuleFinding>& all, std::uint32_t line) {
    std::vector<RuleFinding> out;
    for (const RuleFinding& f : all)
        if (f.rule.line == line) out.push_back(f);
    return out;
}

bool has(const std::vector<RuleFinding>& all, std::uint32_t line, RuleFindingKind kind,
         UnreachableReason reason = UnreachableReason::none) {
    return std::any_of(all.begin(), all.end(), [&](const RuleFinding& f) {
        return f.rule.line == line && f.kind == kind &&
               (reason == UnreachableReason::none || f.reason == reason);
    });
}

std::vector<std::uint32_t> covering_lines(const RuleFinding& f) {
    std::vector<std::uint32_t> out;
    for (const RuleRef& r : f.covering) out.push_back(r.line);
    return out;
}

// Lines 1-4 are the table header; the first rule is on line 5.
constexpr std::uint32_t first = 5;

}  // namespace

TEST_CASE(
    "rule findings: a rule under a broader rule with another action is shadowed, with the same action "
    "redundant") {
    const Ruleset rs = rules(
        "-A INPUT -s 10.0.0.0/8 -j DROP\n"                          // 5
        "-A INPUT -s 10.1.0.0/16 -p tcp --dport 22 -j ACCEPT\n"     // 6: shadowed by 5
        "-A INPUT -s 10.2.0.0/16 -j DROP\n"                         // 7: redundant (5)
        "-A INPUT -s 192.168.0.0/16 -p tcp --dport 22 -j ACCEPT\n"  // 8: fine
        "-A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j LOG\n");   // 9: non-terminating, unreachable
    const std::vector<RuleFinding> all = find_rule_findings(rs);
    REQUIRE(at(all, first + 1).size() == 1);
    const std::vector<RuleFinding> here = at(all, first + 1);
    const RuleFinding& f = here[0];
    CHECK(f.kind == RuleFindingKind::unreachable);
    CHECK(f.reason == UnreachableReason::shadowed);
    CHECK(f.severity == Severity::error);
    CHECK(covering_lines(f) == std::vector<std::uint32_t>{first});
    CHECK(f.rule.text == "-A INPUT -s 10.1.0.0/16 -p tcp --dport 22 -j ACCEPT");
    CHECK(has(all, first + 2, RuleFindingKind::unreachable, UnreachableReason::redundant));
    CHECK(at(all, first + 2)[0].severity == Severity::warning);
    CHECK(at(all, first + 3).empty());
    // A LOG rule is judged like any other: line 8 takes all its packets.
    CHECK(has(all, first + 4, RuleFindingKind::unreachable, UnreachableReason::shadowed));
    CHECK(covering_lines(at(all, first + 4)[0]) == std::vector<std::uint32_t>{first + 3});
}

TEST_CASE(
    "rule findings: the covering rules are few, chosen by overlap, and include the largest rule with another "
    "action") {
    const Ruleset rs = rules(
        "-A INPUT -p tcp --dport 80 -s 10.0.0.0/9 -j ACCEPT\n"    // 5
        "-A INPUT -p tcp --dport 80 -s 10.128.0.0/9 -j ACCEPT\n"  // 6
        "-A INPUT -p tcp --dport 80 -s 10.0.0.0/24 -j DROP\n"     // 7: nothing reaches it
        "-A INPUT -p tcp --dport 79:81 -s 10.0.0.0/8 -j DROP\n"   // 8: reached (ports 79, 81)
        "-A INPUT -p tcp --dport 80 -s 10.0.0.0/8 -j REJECT\n");  // 9: 5 and 6 (ACCEPT), 8 (DROP) cover it
    const std::vector<RuleFinding> all = find_rule_findings(rs);
    REQUIRE(at(all, first + 2).size() == 1);
    CHECK(at(all, first + 2)[0].reason == UnreachableReason::shadowed);
    CHECK(covering_lines(at(all, first + 2)[0]) == std::vector<std::uint32_t>{first});
    CHECK(at(all, first + 3).empty());
    REQUIRE(at(all, first + 4).size() == 1);
    const std::vector<RuleFinding> here = at(all, first + 4);
    const RuleFinding& f = here[0];
    CHECK(f.reason == UnreachableReason::shadowed);
    // Another action everywhere: both ACCEPT rules cover it; the DROP rule takes none of it.
    CHECK(covering_lines(f) == std::vector<std::uint32_t>{first, first + 1});
    CHECK(f.more_covering == 0);
}

TEST_CASE("rule findings: unmatchable rules") {
    const Ruleset rs = rules(
        "-A INPUT -s 10.0.0.0/8 -m iprange --src-range 11.0.0.1-11.0.0.5 -j ACCEPT\n"          // 5: empty
        "-A INPUT -s 10.0.0.0/8 -m iprange ! --src-range 11.0.0.0-11.255.255.255 -j ACCEPT\n"  // 6: fine
        "-A INPUT -p tcp -m tcp --dport 22 -s 10.0.0.1 -j ACCEPT\n");  // 7: redundant (6)
    const std::vector<RuleFinding> all = find_rule_findings(rs);
    REQUIRE(at(all, first).size() == 1);
    CHECK(at(all, first)[0].kind == RuleFindingKind::unmatchable);
    CHECK(at(all, first)[0].severity == Severity::error);
    CHECK(at(all, first + 1).empty());
    CHECK(has(all, first + 2, RuleFindingKind::unreachable, UnreachableReason::redundant));
    CHECK(covering_lines(at(all, first + 2)[0]) == std::vector<std::uint32_t>{first + 1});
}

// One construct per case: a rule the construct shadows (line 6) and one it does not (line 7).
struct Construct {
    const char* name;
    const char* rules;  // lines 5, 6, 7
};

TEST_CASE(
    "rule findings: no false positive with negation, TCP flags, interface wildcards, states and multiport") {
    const Construct cases[] = {
        {"negation",
         "-A INPUT ! -s 10.0.0.0/8 -j DROP\n"
         "-A INPUT -s 11.0.0.1 -j ACCEPT\n"
         "-A INPUT -s 10.1.2.3 -j ACCEPT\n"},
        {"negated port",
         "-A INPUT -p tcp ! --dport 22 -j DROP\n"
         "-A INPUT -p tcp --dport 80 -j ACCEPT\n"
         "-A INPUT -p tcp --dport 22 -j ACCEPT\n"},
        {"--syn",
         "-A INPUT -p tcp --syn -j DROP\n"
         "-A INPUT -p tcp --tcp-flags SYN,RST,ACK,FIN SYN --dport 80 -j ACCEPT\n"
         "-A INPUT -p tcp --dport 80 -j ACCEPT\n"},
        {"! --syn",
         "-A INPUT -p tcp ! --syn -j DROP\n"
         "-A INPUT -p tcp --tcp-flags SYN,ACK ACK -j ACCEPT\n"
         "-A INPUT -p tcp --tcp-flags SYN,RST,ACK,FIN SYN -j ACCEPT\n"},
        {"--tcp-flags",
         "-A INPUT -p tcp --tcp-flags ALL NONE -j DROP\n"
         "-A INPUT -p tcp --tcp-flags ALL NONE --dport 80 -j ACCEPT\n"
         "-A INPUT -p tcp --tcp-flags ALL SYN --dport 80 -j ACCEPT\n"},
        {"eth+",
         "-A INPUT -i eth+ -j DROP\n"
         "-A INPUT -i eth0 -j ACCEPT\n"
         "-A INPUT -i wlan0 -j ACCEPT\n"},
        {"! eth+",
         "-A INPUT ! -i eth+ -j DROP\n"
         "-A INPUT -i wlan+ -j ACCEPT\n"
         "-A INPUT -i eth1 -j ACCEPT\n"},
        {"conntrack",
         "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
         "-A INPUT -m state --state RELATED -j DROP\n"
         "-A INPUT -m state --state NEW,RELATED -j DROP\n"},
        {"multiport",
         "-A INPUT -p tcp -m multiport --dports 22,80,443 -j DROP\n"
         "-A INPUT -p tcp --dport 80 -j ACCEPT\n"
         "-A INPUT -p tcp -m multiport --dports 443,8080 -j ACCEPT\n"},
        {"multiport ports",
         "-A INPUT -p udp -m multiport --ports 53,123 -j DROP\n"
         "-A INPUT -p udp --dport 53 --sport 53 -j ACCEPT\n"
         "-A INPUT -p udp --dport 54 --sport 54 -j ACCEPT\n"},
        {"icmp",
         "-A INPUT -p icmp --icmp-type echo-request -j DROP\n"
         "-A INPUT -p icmp --icmp-type 8/0 -j ACCEPT\n"
         "-A INPUT -p icmp --icmp-type echo-reply -j ACCEPT\n"},
    };
    for (const Construct& c : cases) {
        CAPTURE(c.name);
        const std::vector<RuleFinding> all = find_rule_findings(rules(c.rules));
        CHECK(at(all, first).empty());
        REQUIRE(at(all, first + 1).size() == 1);
        CHECK(at(all, first + 1)[0].kind == RuleFindingKind::unreachable);
        CHECK(at(all, first + 1)[0].reason == UnreachableReason::shadowed);
        CHECK(covering_lines(at(all, first + 1)[0]) == std::vector<std::uint32_t>{first});
        CHECK(at(all, first + 2).empty());
    }
}

TEST_CASE("rule findings: -f rules are not judged, and ! -f shadows only possibly") {
    const std::vector<RuleFinding> all =
        find_rule_findings(rules("-A INPUT -f -j DROP\n"  // 5: matches only fragments: not judged
                                 "-A INPUT ! -f -s 10.0.0.0/8 -j DROP\n"  // 6
                                 "-A INPUT -s 10.1.0.0/16 -j ACCEPT\n"  // 7: fragments from 10.1/16 reach it
                                 "-A INPUT -p tcp -s 10.1.0.0/16 -j ACCEPT\n"));  // 8: 6 or 7 takes it
    CHECK(at(all, first).empty());
    CHECK(at(all, first + 1).empty());
    REQUIRE(at(all, first + 2).size() == 1);
    CHECK(at(all, first + 2)[0].kind == RuleFindingKind::possibly_unreachable);
    REQUIRE(at(all, first + 3).size() == 1);
    CHECK(at(all, first + 3)[0].reason == UnreachableReason::shadowed);
    CHECK(covering_lines(at(all, first + 3)[0]) == std::vector<std::uint32_t>{first + 1, first + 2});
}

TEST_CASE("rule findings: undecided matches make a rule possibly unreachable, never unreachable") {
    const std::vector<RuleFinding> all = find_rule_findings(
        rules("-A INPUT -p tcp -m limit --limit 5/s -j DROP\n"  // 5
              "-A INPUT -p tcp --dport 22 -j ACCEPT\n"          // 6: reached when the limit is over
              "-A INPUT -p udp --dport 53 -j ACCEPT\n"));       // 7: fine
    REQUIRE(at(all, first + 1).size() == 1);
    const std::vector<RuleFinding> here = at(all, first + 1);
    const RuleFinding& f = here[0];
    CHECK(f.kind == RuleFindingKind::possibly_unreachable);
    CHECK(f.severity == Severity::warning);
    REQUIRE(f.depends_on.size() == 1);
    CHECK(f.depends_on[0].line == first);
    REQUIRE(f.witness);
    CHECK(f.witness->protocol == 6);
    CHECK(f.witness->dst_port == 22);
    CHECK(at(all, first + 2).empty());

    // Assumed not to match, the limit rule never applies: nothing to report.
    RuleFindingOptions o;
    o.assume.set({Unmodelled::limit, false});
    CHECK(find_rule_findings(rules("-A INPUT -p tcp -m limit --limit 5/s -j DROP\n"
                                   "-A INPUT -p tcp --dport 22 -j ACCEPT\n"),
                             o)
              .empty());
    // Assumed to match, it shadows.
    o.assume = {};
    o.assume.set({Unmodelled::limit, true});
    const std::vector<RuleFinding> assumed = find_rule_findings(
        rules("-A INPUT -p tcp -m limit --limit 5/s -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"), o);
    CHECK(has(assumed, first + 1, RuleFindingKind::unreachable, UnreachableReason::shadowed));
}

TEST_CASE("rule findings: user chains — every call site counts; unreferenced chains; chains nothing enters") {
    const std::vector<RuleFinding> all = find_rule_findings(
        rules(":web - [0:0]\n"                          // 5
              ":unused - [0:0]\n"                       // 6
              ":dead - [0:0]\n"                         // 7
              "-A INPUT -p tcp --dport 80 -j web\n"     // 8
              "-A FORWARD -p tcp --dport 443 -j web\n"  // 9
              "-A INPUT -p udp -j DROP\n"               // 10
              "-A INPUT -p udp --dport 53 -j dead\n"    // 11: shadowed by 10
              "-A web -p tcp --dport 443 -j ACCEPT\n"   // 12: reached from FORWARD only
              "-A web -p tcp --dport 22 -j ACCEPT\n"    // 13: no packet entering web matches it
              "-A web -j DROP\n"                        // 14
              "-A unused -j ACCEPT\n"                   // 15
              "-A dead -j ACCEPT\n"));                  // 16
    CHECK(at(all, 8).empty());
    CHECK(has(all, 11, RuleFindingKind::unreachable, UnreachableReason::shadowed));
    CHECK(at(all, 12).empty());
    CHECK(has(all, 13, RuleFindingKind::unreachable, UnreachableReason::no_entry));
    CHECK(at(all, 14).empty());
    CHECK(has(all, 15, RuleFindingKind::unreferenced));
    CHECK(has(all, 16, RuleFindingKind::unreachable, UnreachableReason::no_entry));
    CHECK(at(all, 16)[0].message.find("no packet enters chain dead") != std::string::npos);
}

TEST_CASE("rule findings: partly shadowed rules, with the share taken and a witness") {
    RuleFindingOptions o;
    o.partly_shadowed = true;
    const Ruleset rs = rules(
        "-A INPUT -s 10.0.0.0/9 -p tcp --dport 22 -j DROP\n"      // 5
        "-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT\n"    // 6: half taken by 5
        "-A INPUT -s 10.0.0.0/8 -p tcp --dport 23 -j ACCEPT\n");  // 7: fine
    CHECK(find_rule_findings(rs).empty());
    std::vector<RuleFinding> all = find_rule_findings(rs, o);
    // The ACCEPT rules are also redundant-later (the policy accepts): kept apart here.
    CHECK(has(all, first + 1, RuleFindingKind::redundant_later));
    std::erase_if(all, [](const RuleFinding& x) { return x.kind == RuleFindingKind::redundant_later; });
    REQUIRE(at(all, first + 1).size() == 1);
    const std::vector<RuleFinding> here = at(all, first + 1);
    const RuleFinding& f = here[0];
    CHECK(f.kind == RuleFindingKind::partly_shadowed);
    CHECK(f.severity == Severity::note);
    CHECK(covering_lines(f) == std::vector<std::uint32_t>{first});
    CHECK(f.taken.to_double() * 2 == doctest::Approx(f.total.to_double()));
    REQUIRE(f.witness);
    CHECK(f.message.find("take 50.0% of its packets") != std::string::npos);
    const Decision d = explain(rs, f.hook, *f.witness);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == first);
    CHECK(at(all, first + 2).empty());
}

TEST_CASE(
    "rule findings: redundant-later rules, decided alike by the rules after them or the policy (--all)") {
    const std::string text =
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:dns - [0:0]\n"
        "-A INPUT -p tcp --dport 23 -j DROP\n"                         // 6: the policy drops it anyway
        "-A INPUT -s 10.0.0.0/8 -p tcp --dport 80 -j ACCEPT\n"         // 7: line 9 accepts it anyway
        "-A INPUT -p tcp --dport 2000 -j DROP\n"                       // 8: no: line 10 would accept
        "-A INPUT -p tcp --dport 80 -j ACCEPT\n"                       // 9: no: the policy drops
        "-A INPUT -p tcp --dport 1024:65535 -j ACCEPT\n"               // 10
        "-A INPUT -s 10.0.0.0/8 -p udp --dport 53 -j ACCEPT\n"         // 11: the dns chain accepts it
        "-A INPUT -p udp -j dns\n"                                     // 12
        "-A INPUT -p udp --dport 54 -m limit --limit 1/s -j ACCEPT\n"  // 13: no: the policy drops
        "-A dns -p udp --dport 53 -j ACCEPT\n"                         // 14
        "COMMIT\n";
    const Ruleset rs = read_iptables(text, "fw.rules");
    REQUIRE_FALSE(rs.diagnostics.has_errors());
    CHECK(find_rule_findings(rs).empty());
    RuleFindingOptions o;
    o.partly_shadowed = true;
    const std::vector<RuleFinding> all = find_rule_findings(rs, o);
    CHECK(has(all, 6, RuleFindingKind::redundant_later));
    CHECK(has(all, 7, RuleFindingKind::redundant_later));
    CHECK_FALSE(has(all, 8, RuleFindingKind::redundant_later));
    CHECK_FALSE(has(all, 9, RuleFindingKind::redundant_later));
    CHECK(has(all, 11, RuleFindingKind::redundant_later));
    CHECK_FALSE(has(all, 13, RuleFindingKind::redundant_later));
    const std::vector<RuleFinding> six = at(all, 6);
    REQUIRE(six.size() == 1);
    REQUIRE(six[0].covering.size() == 1);
    CHECK(six[0].covering[0].is_policy());
    const std::vector<RuleFinding> seven = at(all, 7);
    REQUIRE(seven.size() == 1);
    CHECK(covering_lines(seven[0]) == std::vector<std::uint32_t>{9});
}

// The claims against explain(), on random rulesets: a rule called unreachable is on no packet's
// trace at any hook; a witness is explained as the finding says.
TEST_CASE(
    "rule findings: unreachable rules are never on a trace, witnesses are confirmed by explain (random "
    "rulesets)") {
    Rng g(1717);
    std::size_t unreachable = 0, witnesses = 0, packets = 0, later = 0;
    for (int round = 0; round < 60; ++round) {
        const Rng before = g;
        const Ruleset rs = random_ruleset(g);
        RuleFindingOptions o;
        o.partly_shadowed = true;
        const std::vector<RuleFinding> all = find_rule_findings(rs, o);
        std::vector<const RuleFinding*> never;
        for (const RuleFinding& f : all)
            if (f.kind == RuleFindingKind::unreachable || f.kind == RuleFindingKind::unmatchable ||
                f.kind == RuleFindingKind::unreferenced)
                never.push_back(&f);
        unreachable += never.size();
        for (int k = 0; k < 200; ++k) {
            const Packet p = random_packet(g);
            ++packets;
            for (Hook h : {Hook::input, Hook::forward, Hook::output}) {
                // As the hook sees packets: no output interface on INPUT, no input one on OUTPUT.
                Packet at = p;
                if (h == Hook::input) at.out_interface = std::string();
                if (h == Hook::output) at.in_interface = std::string();
                if (h == Hook::forward && at.in_interface.value_or("").empty()) at.in_interface = "eth1";
                if (h == Hook::forward && at.out_interface.value_or("").empty()) at.out_interface = "eth0";
                const Decision d = explain(rs, h, at);
                for (const TraceStep& st : d.trace)
                    for (const RuleFinding* f : never) {
                        if (f->kind == RuleFindingKind::unreferenced ||
                            f->message.starts_with("no packet enters chain")) {
                            // The whole chain: no trace step may be in it.
                            const bool in_chain =
                                st.at.table == f->rule.table && st.at.chain == f->rule.chain;
                            CHECK_FALSE(in_chain);
                        } else {
                            const bool hit = st.at.table == f->rule.table && st.at.chain == f->rule.chain &&
                                             st.at.rule == f->rule.rule;
                            CHECK_FALSE(hit);
                        }
                    }
            }
        }
        for (const RuleFinding& f : all) {
            // Only the filter table: rewrites and drops of earlier tables would change the packet.
            if (!f.witness || f.kind != RuleFindingKind::partly_shadowed || rs.tables.size() != 1) continue;
            // The witness is taken by an earlier rule of the chain: explain() decides it there
            // (or in a chain that rule jumps to), never at the rule itself.
            ++witnesses;
            // No interface given is interface value 0 for the walk, the empty name for explain().
            Packet w = *f.witness;
            if (!w.in_interface) w.in_interface = std::string();
            if (!w.out_interface) w.out_interface = std::string();
            const Decision d = explain(rs, f.hook, w);
            bool at_rule = false, at_covering = false;
            for (const TraceStep& st : d.trace) {
                if (st.at.table != f.rule.table) continue;
                at_rule = at_rule || (st.at.chain == f.rule.chain && st.at.rule == f.rule.rule);
                for (const RuleRef& c : f.covering)
                    at_covering = at_covering || (st.at.chain == c.chain && st.at.rule == c.rule);
            }
            CHECK_FALSE(at_rule);
            CHECK((at_covering || f.more_covering > 0));
        }
        // A redundant-later rule removed, no packet's verdict changes.
        std::size_t removed = 0;
        for (const RuleFinding& f : all) {
            if (f.kind != RuleFindingKind::redundant_later || ++removed > 4) continue;
            ++later;
            Rng again = before;
            Ruleset without = random_ruleset(again);
            std::vector<Rule>& chain = without.table(f.rule.table)->chain(f.rule.chain)->rules;
            chain.erase(chain.begin() + f.rule.rule);
            without.link();
            for (int k = 0; k < 100; ++k) {
                Packet p = random_packet(g);
                for (Hook h : {Hook::input, Hook::forward, Hook::output}) {
                    if (h == Hook::input) p.out_interface = std::string();
                    if (h == Hook::output) p.in_interface = std::string();
                    if (h == Hook::forward && p.in_interface.value_or("").empty()) p.in_interface = "eth1";
                    if (h == Hook::forward && p.out_interface.value_or("").empty()) p.out_interface = "eth0";
                    INFO(f.rule.text << " at " << to_string(h) << ": " << describe(p));
                    CHECK(explain(rs, h, p).verdict == explain(without, h, p).verdict);
                }
            }
        }
    }
    MESSAGE(unreachable << " rules never apply, " << witnesses << " witnesses, " << packets
                        << " packets x 3 hooks, " << later << " redundant-later rules removed");
    CHECK(unreachable > 20);
    CHECK(witnesses > 5);
    CHECK(later > 10);
}

// A chain of 600 broad undecided rules: each meets every earlier one, so past a budget the walk
// carries what the earlier rules leave along the chain instead of listing them. The claims after
// that point must still be exact.
TEST_CASE("rule findings: a long chain of broad undecided rules, then decided ones") {
    std::string text;
    const int n = 600;
    for (int i = 0; i < n; ++i)
        text += "-A INPUT -m limit --limit " + std::to_string(i + 1) + "/sec -j ACCEPT\n";
    text += "-A INPUT -p tcp --dport 22 -j DROP\n";                  // first + n
    text += "-A INPUT -p tcp --dport 22 -s 10.0.0.0/8 -j ACCEPT\n";  // + 1: shadowed by the DROP
    text += "-A INPUT -p tcp --dport 22 -s 10.0.0.0/8 -j DROP\n";    // + 2: unreachable too
    text += "-A INPUT -p udp --dport 53 -j ACCEPT\n";                // + 3: possibly unreachable only
    for (bool all : {false, true}) {
        INFO("--all " << all);
        RuleFindingOptions o;
        o.partly_shadowed = all;
        const std::vector<RuleFinding> f = find_rule_findings(rules(text), o);
        const auto n32 = static_cast<std::uint32_t>(n);
        CHECK(has(f, first + n32 + 1, RuleFindingKind::unreachable, UnreachableReason::shadowed));
        CHECK(has(f, first + n32 + 2, RuleFindingKind::unreachable));
        CHECK(has(f, first + n32 + 3, RuleFindingKind::possibly_unreachable));
        CHECK_FALSE(has(f, first + n32 + 3, RuleFindingKind::unreachable));
        CHECK_FALSE(has(f, first + n32, RuleFindingKind::unreachable));
        // Every limit rule but the first depends on the ones before it, none is unreachable.
        CHECK(has(f, first + n32 - 1, RuleFindingKind::possibly_unreachable));
        CHECK_FALSE(has(f, first, RuleFindingKind::possibly_unreachable));
        for (const RuleFinding& x : f) CHECK(x.kind != RuleFindingKind::unmatchable);
    }
}

// The real corpus (../shared/iptables-corpus, when present): every file is judged, and for every
// rule said never to apply, a packet that matches the rule's own conditions is explained at each
// hook: the rule is never on its trace. Prints the counts per file.
// Long chains (up to 60 rules) reach what the short random rulesets never do: a rule with
// more than a few earlier rules that meet it keeps its reach set unbuilt, and a chain with many
// call sites keeps its entering set unbuilt; their emptiness is tested without building. With
// --all every set is built. Both must give the same findings.
TEST_CASE("rule findings: sets left unbuilt give the findings that built sets give (long random chains)") {
    Rng g(4242);
    std::size_t compared = 0, never = 0;
    auto key = [](const RuleFinding& f) {
        std::string k = std::string(to_string(f.kind)) + "|" + std::string(to_string(f.reason)) + "|" +
                        f.rule.table + "|" + f.rule.chain + "|" + std::to_string(f.rule.rule) + "|";
        for (const RuleRef& c : f.covering) k += std::to_string(c.rule) + ",";
        for (const RuleRef& d : f.depends_on) k += "d" + std::to_string(d.rule) + ",";
        if (f.witness) k += "|" + describe(*f.witness) + "@" + std::string(to_string(f.hook));
        return k;
    };
    for (int round = 0; round < 40; ++round) {
        const Ruleset rs = random_ruleset(g, 61);
        RuleFindingOptions lazy, built;
        built.partly_shadowed = true;
        std::vector<std::string> a, b;
        for (const RuleFinding& f : find_rule_findings(rs, lazy)) a.push_back(key(f));
        for (const RuleFinding& f : find_rule_findings(rs, built))
            if (f.kind != RuleFindingKind::partly_shadowed && f.kind != RuleFindingKind::redundant_later)
                b.push_back(key(f));
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        INFO("round " << round);
        CHECK(a == b);
        compared += a.size();
        for (const std::string& k : a) never += k.rfind("unreachable", 0) == 0 ? 1 : 0;
    }
    MESSAGE(compared << " findings compared, " << never << " unreachable");
    CHECK(never > 100);
}

TEST_CASE("rule findings: the real-world corpus, unreachable claims checked by explain") {
    const std::vector<CorpusFile> corpus = iptables_corpus();
    if (corpus.empty()) return;
    std::size_t files = 0, judged = 0, claims = 0, explained = 0;
    std::string table;
    for (const CorpusFile& cf : corpus) {
        const Ruleset rs = load_iptables(cf.path.string());
        ++files;
        std::vector<RuleFinding> all;
        try {
            all = find_rule_findings(rs);
        } catch (const DiagramTooLarge&) {
            table += "  " + cf.name + ": not computed (node limit)\n";
            continue;
        }
        ++judged;
        std::size_t kinds[rule_finding_kind_count] = {};
        for (const RuleFinding& f : all) ++kinds[static_cast<std::size_t>(f.kind)];
        table += "  " + cf.name + ": " + std::to_string(kinds[0]) + " unreachable, " +
                 std::to_string(kinds[1]) + " possibly, " + std::to_string(kinds[2]) + " unmatchable, " +
                 std::to_string(kinds[4]) + " unreferenced\n";
        std::size_t checked = 0;
        for (const RuleFinding& f : all) {
            if (f.kind != RuleFindingKind::unreachable || f.reason == UnreachableReason::no_entry) continue;
            if (++checked > 40) break;
            ++claims;
            const Table* t = rs.table(f.rule.table);
            REQUIRE(t);
            const Rule& r = t->chain(f.rule.chain)->rules[static_cast<std::size_t>(f.rule.rule)];
            PacketSet own = PacketSet::all();
            for (const Condition& c : r.conditions)
                if (!c.undecided) own &= c.negated ? PacketSet::all() - c.packets() : c.packets();
            if (rs.family == 4 || rs.family == 6)
                own &= PacketSet::where(Field::family, static_cast<uint128>(rs.family));
            const PacketSet none_in = PacketSet::where(Field::in_iface, 0),
                            none_out = PacketSet::where(Field::out_iface, 0);
            for (Hook h : {Hook::input, Hook::forward, Hook::output}) {
                const PacketSet at = h == Hook::input    ? own & none_out
                                     : h == Hook::output ? own & none_in
                                                         : own - none_in - none_out;
                const std::optional<Packet> p = at.witness();
                if (!p) continue;
                ++explained;
                const Decision d = explain(rs, h, *p);
                for (const TraceStep& st : d.trace) {
                    INFO(cf.name << ": " << f.rule.text << " at " << to_string(h));
                    CHECK_FALSE((st.at.table == f.rule.table && st.at.chain == f.rule.chain &&
                                 st.at.rule == f.rule.rule));
                }
            }
        }
    }
    MESSAGE(files << " files, " << judged << " judged; " << claims << " unreachable claims, " << explained
                  << " packets matching them explained\n"
                  << table);
    CHECK(files == 97);
    CHECK(judged == files);
    CHECK(claims > 100);
}
