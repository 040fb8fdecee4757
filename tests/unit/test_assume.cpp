// Assumptions for undecided matches (assume.hpp): what the readers record, how explain() and
// evaluate() apply them, site-file `assume` statements, the check's report and the possibly-broad
// finding.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "rulegap/assume.hpp"
#include "rulegap/check.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

Ruleset read(const std::string& body) {
    return read_iptables(
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + body + "COMMIT\n",
        "a.rules");
}

const Rule& rule(const Ruleset& rs, std::size_t i) { return rs.table("filter")->chain("INPUT")->rules.at(i); }

// The rule's undecided conditions.
std::vector<const Condition*> undecided_of(const Rule& r) {
    std::vector<const Condition*> out;
    for (const Condition& c : r.conditions)
        if (c.undecided) out.push_back(&c);
    return out;
}

Packet pkt(const char* text) { return *parse_packet(text).packet; }

Assumptions assume(std::initializer_list<const char*> texts) {
    Assumptions a;
    for (const char* t : texts) a.set(*parse_assumption(t));
    return a;
}

// The recent-list drop before a rule that opens every TCP port (issue 14, section 5).
const char* recent_then_open =
    "-A INPUT -m recent --update --seconds 60 --hitcount 5 --name bad -j DROP\n"
    "-A INPUT -p tcp -j ACCEPT\n";

}  // namespace

TEST_CASE("assume: the iptables reader records which assumption decides a condition") {
    Ruleset rs = read(
        "-A INPUT -m recent --update --seconds 60 --name bad -j DROP\n"
        "-A INPUT -m mac ! --mac-source 00:11:22:33:44:55 -j DROP\n"
        "-A INPUT -m recent --set --name bad\n"
        "-A INPUT -m connbytes --connbytes 10: --connbytes-dir both --connbytes-mode bytes -j DROP\n"
        "-A INPUT -m frobnicate --x 1 -j DROP\n"
        "-A INPUT -m set --match-set blocked src -j DROP\n"
        "-A INPUT -m mark --mark 0x1/0x1 -j ACCEPT\n"
        "-A INPUT -m connmark ! --mark 0x2 -j ACCEPT\n"
        "-A INPUT -m limit --limit 5/min -j ACCEPT\n"
        "-A INPUT -m time --timestart 09:00 --timestop 17:00 -j ACCEPT\n"
        "-A INPUT -m owner --uid-owner 0 -j ACCEPT\n"
        "-A INPUT -p tcp -m tcp --tcp-option 8 -j DROP\n");
    struct Want {
        Unmodelled kind;
        bool negated;
    };
    const Want want[] = {
        {Unmodelled::recent, false},  {Unmodelled::mac, true},      {Unmodelled::other, false},
        {Unmodelled::unknown, false}, {Unmodelled::unknown, false}, {Unmodelled::set, false},
        {Unmodelled::mark, false},    {Unmodelled::connmark, true}, {Unmodelled::limit, false},
        {Unmodelled::time, false},    {Unmodelled::owner, false},   {Unmodelled::other, false}};
    for (std::size_t i = 0; i < std::size(want); ++i) {
        CAPTURE(i);
        std::vector<const Condition*> u = undecided_of(rule(rs, i));
        REQUIRE(u.size() == 1);
        CHECK(u[0]->unmodelled == want[i].kind);
        CHECK(u[0]->negated == want[i].negated);
    }
    CHECK(rules_touched(rs, Unmodelled::recent) == 1);  // --set is not the assumption's
    CHECK(rules_touched(rs, Unmodelled::unknown) == 2);
}

TEST_CASE("assume: a Windows rule's program or service scope is `program`") {
    WindowsPolicy p = read_windows_rule_strings(
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|App=%SystemRoot%\\system32\\svchost.exe|"
        "Svc=RpcSs|Name=epm|\n"
        "v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=80|Security=Authenticate|Name=bypass|\n",
        "p.txt");
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    CHECK(rules_touched(rs, Unmodelled::program) == 1);
    Ruleset v4 = rs;
    v4.family = 4;
    const Packet epm = pkt("tcp 10.0.0.9:50000 -> 10.0.0.1:135");
    CHECK(explain(v4, Hook::input, epm).verdict == Verdict::unknown);
    CHECK(explain(v4, Hook::input, epm, assume({"program=match"})).verdict == Verdict::accept);
    CHECK(explain(v4, Hook::input, epm, assume({"program=nomatch"})).verdict == Verdict::drop);
    // Authentication is not an assumable scope: the bypass rule stays undecided.
    CHECK(explain(v4, Hook::input, pkt("tcp 10.0.0.9:50000 -> 10.0.0.1:80"),
                  assume({"program=match", "unknown=match"}))
              .verdict == Verdict::unknown);
}

TEST_CASE("assume: parse_assumption and the names") {
    CHECK(parse_assumption("recent=nomatch") == Assumption{Unmodelled::recent, false, {}});
    CHECK(parse_assumption("program=match") == Assumption{Unmodelled::program, true, {}});
    CHECK_FALSE(parse_assumption("recent"));
    CHECK_FALSE(parse_assumption("recent=yes"));
    CHECK_FALSE(parse_assumption("other=match"));     // not assumable
    CHECK_FALSE(parse_assumption("addrtype=match"));  // covered by `unknown`, not by name
    CHECK(assumable_names() ==
          "recent, limit, hashlimit, connlimit, statistic, quota, time, string, u32, mac, owner, set, mark, "
          "connmark, program, unknown");
    Assumptions a = assume({"recent=match", "recent=nomatch"});
    CHECK(a.list().size() == 1);
    CHECK_FALSE(a.of(Unmodelled::recent)->match);  // the later one
}

TEST_CASE("assume: each value changes explain() and evaluate() as expected") {
    Ruleset rs = read(recent_then_open);
    const Packet p = pkt("tcp 198.51.100.7:40000 -> 10.0.0.5:22");
    const PacketSet tcp = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6);

    Decision none = explain(rs, Hook::input, p);
    CHECK(none.verdict == Verdict::unknown);
    CHECK(none.assumed.empty());
    std::vector<Outcome> e_none = evaluate(rs, Hook::input, tcp);
    REQUIRE(e_none.size() == 1);
    CHECK(e_none[0].verdict == Verdict::unknown);

    Decision no = explain(rs, Hook::input, p, assume({"recent=nomatch"}));
    CHECK(no.verdict == Verdict::accept);
    REQUIRE(no.decided_by);
    CHECK(no.decided_by->line == 6);
    REQUIRE(no.assumed.size() == 1);
    CHECK(no.assumed[0].at.line == 5);
    CHECK(no.assumed[0].action == "recent=nomatch: does not match");
    std::vector<Outcome> e_no = evaluate(rs, Hook::input, tcp, assume({"recent=nomatch"}));
    REQUIRE(e_no.size() == 1);
    CHECK(e_no[0].verdict == Verdict::accept);
    CHECK(e_no[0].decided_by->line == 6);

    Decision yes = explain(rs, Hook::input, p, assume({"recent=match"}));
    CHECK(yes.verdict == Verdict::drop);
    CHECK(yes.decided_by->line == 5);
    REQUIRE(yes.assumed.size() == 1);
    CHECK(yes.assumed[0].action == "recent=match: matches");
    std::vector<Outcome> e_yes = evaluate(rs, Hook::input, tcp, assume({"recent=match"}));
    REQUIRE(e_yes.size() == 1);
    CHECK(e_yes[0].verdict == Verdict::drop);

    // An assumption about another module changes nothing.
    CHECK(explain(rs, Hook::input, p, assume({"limit=match"})).verdict == Verdict::unknown);
    // The Explainer takes them too.
    Explainer ex(rs, Hook::input, assume({"recent=nomatch"}));
    CHECK(ex.explain(p).verdict == Verdict::accept);
}

TEST_CASE("assume: a negated test is negated on top of the assumption") {
    Ruleset rs = read("-A INPUT -m mac ! --mac-source 00:11:22:33:44:55 -j DROP\n-A INPUT -j ACCEPT\n");
    const Packet p = pkt("tcp 10.0.0.9:40000 -> 10.0.0.5:22");
    // mac=match: the packet's MAC is the one tested, so `! --mac-source` fails: not dropped.
    CHECK(explain(rs, Hook::input, p, assume({"mac=match"})).verdict == Verdict::accept);
    CHECK(explain(rs, Hook::input, p, assume({"mac=nomatch"})).verdict == Verdict::drop);
    CHECK(evaluate(rs, Hook::input, PacketSet::ipv4(), assume({"mac=match"})).at(0).verdict ==
          Verdict::accept);
    CHECK(evaluate(rs, Hook::input, PacketSet::ipv4(), assume({"mac=nomatch"})).at(0).verdict ==
          Verdict::drop);
}

TEST_CASE("assume: evaluate() names what may be accepted under some assignment") {
    Ruleset rs = read(std::string(recent_then_open));
    const PacketSet tcp = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6);
    std::vector<Possible> possible;
    std::vector<Outcome> parts = evaluate(rs, Hook::input, tcp, {}, &possible);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].verdict == Verdict::unknown);
    bool accepted = false;
    for (const Possible& p : possible) {
        REQUIRE(p.decided_by);
        REQUIRE(p.depends_on.size() == 1);
        CHECK(p.depends_on[0].line == 5);
        CHECK(p.packets == tcp);
        CHECK(p.verdict == Verdict::accept);  // only accepts are reported
        accepted = accepted || p.decided_by->line == 6;
    }
    CHECK(accepted);
    // Decided by an assumption: nothing is left to assign.
    possible.clear();
    evaluate(rs, Hook::input, tcp, assume({"recent=nomatch"}), &possible);
    CHECK(possible.empty());
}

TEST_CASE("assume: site files") {
    Site s = read_site("site \"x\"\nassume recent nomatch\nassume mac match # the bridge's MACs\n", "t.site",
                       SiteOptions{false});
    CHECK(s.ok());
    REQUIRE(s.assumptions.list().size() == 2);
    CHECK(s.assumptions.of(Unmodelled::recent)->match == false);
    CHECK(s.assumptions.of(Unmodelled::recent)->where.line == 2);
    CHECK(s.assumptions.of(Unmodelled::mac)->match == true);

    auto first_error = [](const std::string& text) {
        Site bad = read_site(text, "t.site", SiteOptions{false});
        for (const Diagnostic& d : bad.diagnostics.items)
            if (d.severity == Severity::error) return d.to_string();
        return std::string();
    };
    CHECK(first_error("assume recnt nomatch\n")
              .starts_with("t.site:1:8: error: unknown module recnt to assume (recent, limit,"));
    CHECK(first_error("assume recent maybe\n") == "t.site:1:15: error: expected match or nomatch, got maybe");
    CHECK(first_error("site \"x\"\nassume recent nomatch\nassume recent match\n") ==
          "t.site:3:8: error: module recent is assumed twice (first on line 2)");
    CHECK(first_error("assume recent\n").starts_with("t.site:1:14: error: expected match or nomatch"));
    // An unreadable assume could change any verdict.
    Site bad = read_site("assume recnt nomatch\n", "t.site", SiteOptions{false});
    REQUIRE(bad.unresolved.size() == 1);
    CHECK(bad.unresolved[0].everything);
}

TEST_CASE("assume: the broad check reports what an undecided rule may let through") {
    const std::filesystem::path dir =
        std::filesystem::path(RULEGAP_SOURCE_DIR) / "tests/fixtures/site/assume";
    Site site = load_site((dir / "site.conf").string());
    REQUIRE(site.ok());
    std::vector<Catalog> catalogs = {load_catalog((dir / "web.catalog").string())};

    // Nothing assumed: the rule that opens every TCP port may admit them, depending on line 6.
    Report r = check(site, catalogs);
    CHECK(r.assumptions.empty());
    const Finding* f = r.finding("broad/host/INPUT/7");
    REQUIRE(f);
    CHECK(f->kind == FindingKind::broad_any);
    REQUIRE(f->depends_on.size() == 1);
    CHECK(f->depends_on[0].line == 6);
    CHECK(f->message.find("may admit any IPv4 source, any port") != std::string::npos);

    // recent=nomatch: a definite finding.
    CheckOptions o;
    o.assume = assume({"recent=nomatch"});
    Report a = check(site, catalogs, o);
    f = a.finding("broad/host/INPUT/7");
    REQUIRE(f);
    CHECK(f->kind == FindingKind::broad_any);
    CHECK(f->depends_on.empty());
    CHECK(f->message.find(" admits any IPv4 source") != std::string::npos);
    REQUIRE(a.assumptions.size() == 1);
    CHECK(a.assumptions[0].rules == 1);
    CHECK(a.requirement("web.t1.r1")->status == FlowStatus::allowed);

    // recent=match: every packet is dropped; no broad finding, the requirement is blocked.
    o.assume = assume({"recent=match"});
    Report m = check(site, catalogs, o);
    CHECK_FALSE(m.finding("broad/host/INPUT/7"));
    CHECK(m.requirement("web.t1.r1")->status == FlowStatus::blocked);

    // The site's own assume statement, and the command line over it.
    Site assumed = load_site((dir / "assumed.site").string());
    REQUIRE(assumed.ok());
    Report s = check(assumed, catalogs);
    REQUIRE(s.assumptions.size() == 1);
    CHECK(s.assumptions[0].assumption.where.line == 7);
    CHECK(s.finding("broad/host/INPUT/7")->depends_on.empty());
    Report over = check(assumed, catalogs, o);
    REQUIRE(over.assumptions.size() == 1);
    CHECK(over.assumptions[0].assumption.match);
    CHECK(over.assumptions[0].assumption.where.file.empty());
}
