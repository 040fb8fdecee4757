// Site-file mistakes never turn into `allowed`; no vacuous PASS (issue 13, sections 1 and 2);
// the broad check's sensitive-port list (section 4).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rulegap/check.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/report.hpp"

using namespace rulegap;

namespace {

Catalog web_catalog() {
    Catalog c = read_catalog(
        "catalog t \"test\"\n"
        "table 1 \"Client to Web\" from \"Client\" to \"Web\"\n"
        "row 1 TCP \"Random 4xxx\" -> 80 \"HTTP\"\n"
        "row 2 TCP any -> 443 \"HTTPS\"\n"
        "table 2 \"Client to Db\" from \"Client\" to \"Db\"\n"
        "row 1 TCP any -> 1433 \"SQL\"\n",
        "t.catalog");
    REQUIRE(c.ok());
    return c;
}

const char* roles =
    "site \"s\"\n"
    "role \"Client\" = 10.1.0.0/24\nrole \"Web\" = 10.2.0.10\nrole \"Db\" = 10.2.0.20\n";

Site parse(const std::string& text) { return read_site(text, "s.site", SiteOptions{false}); }

// Every firewall of the site reads `rules` (iptables).
void set_all(Site& s, const std::string& rules) {
    for (Firewall& fw : s.firewalls) {
        fw.rulesets = {read_iptables(rules, fw.name + ".rules")};
        fw.loaded_format = FirewallFormat::iptables;
    }
}

const std::string open_all =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

std::string diagnostics_text(const Diagnostics& d) {
    std::string out;
    for (const Diagnostic& x : d.items) out += x.to_string() + "\n";
    return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("site mistakes: a host firewall on an unknown role makes the flows it could guard unknown") {
    // `on "Webb"`: an error at its line, as before; the flows of the roles it may have meant
    // (every role without a host firewall) are unknown with that location, never allowed.
    Site s = parse(std::string(roles) +
                   "firewall db \"db.rules\" on \"Db\"\nfirewall web \"host.rules\" on \"Webb\"\n");
    CHECK_FALSE(s.ok());
    REQUIRE(s.unresolved.size() == 1);
    CHECK(s.unresolved[0].statement == "firewall");
    CHECK(s.unresolved[0].where.to_string() == "s.site:6:30");
    set_all(s, open_all);
    const Report r = check(s, {web_catalog()});
    const RequirementResult* web = r.requirement("t.t1.r1");
    REQUIRE(web);
    CHECK(web->status == FlowStatus::unknown);
    REQUIRE(web->unresolved.size() == 1);
    CHECK(has(web->unresolved[0], "s.site:6:30"));
    const Finding* f = r.finding("unknown/t.t1.r1/site");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::error);
    CHECK(has(f->message, "s.site:6:30"));
    // ... but the flows from and to the roles which have a host firewall, are decided
    // (Client has none here, so every requirement from Client is affected)
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::unknown);
    CHECK(r.verdict == RunVerdict::incomplete);
    for (const RequirementResult& q : r.requirements) CHECK(q.status == FlowStatus::unknown);
    const std::string json = render_json(r);
    CHECK(has(json, "\"unresolved\": [\n        \"s.site:6:30: firewall statement not read: unknown role"));
}

TEST_CASE("site mistakes: a bad profile makes only that host's flows unknown") {
    Site s = parse(std::string(roles) +
                   "firewall cl \"cl.rules\" on \"Client\"\nfirewall db \"db.rules\" on \"Db\"\n"
                   "firewall web \"web.rules\" on \"Web\" profile privat\n");
    CHECK_FALSE(s.ok());
    CHECK(has(diagnostics_text(s.diagnostics), "s.site:7:43: error: unknown profile privat"));
    set_all(s, open_all);
    const Report r = check(s, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::unknown);
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::allowed);  // Client to Db: not through Web
    REQUIRE(r.finding("unknown/t.t1.r2/site"));
    CHECK(has(r.finding("unknown/t.t1.r2/site")->message, "s.site:7:43"));
}

TEST_CASE("site mistakes: an unreadable network firewall makes the flows through its zones unknown") {
    const std::string base =
        "site \"s\"\nzone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\nzone data = 10.4.0.0/16\n"
        "role \"Client\" = 10.1.0.0/24\nrole \"Web\" = 10.2.0.10\nrole \"Db\" = 10.4.0.20\n"
        "firewall edge \"edge.rules\" between clients and servers\n";
    // the second firewall names zones that exist but has a bad option
    Site s = parse(base + "firewall inner \"inner.rules\" between servers and data format pf\n");
    REQUIRE(s.unresolved.size() == 1);
    CHECK(s.unresolved[0].zones == std::vector<std::string>{"servers", "data"});
    set_all(s, open_all);
    Report r = check(s, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);  // Web is in servers
    CHECK(r.requirement("t.t2.r1")->status ==
          FlowStatus::unknown);  // no path to Db without it: unknown, not skipped

    // an unknown zone: every flow
    Site z = parse(base + "firewall inner \"inner.rules\" between servers and dta\n");
    REQUIRE(z.unresolved.size() == 1);
    CHECK(z.unresolved[0].everything);
    set_all(z, open_all);
    r = check(z, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::unknown);

    // a line that cannot be parsed at all, starting with `firewall`: every flow
    Site p = parse(base + "firewall inner \"inner.rules\" betwen servers and data\n");
    REQUIRE(p.unresolved.size() == 1);
    CHECK(p.unresolved[0].everything);
    set_all(p, open_all);
    CHECK(check(p, {web_catalog()}).requirement("t.t1.r1")->status == FlowStatus::unknown);
}

TEST_CASE("site mistakes: unreadable bind, zone and role lines") {
    // a bind of a port class that cannot be read: the requirements using the class
    Site b = parse(std::string(roles) +
                   "firewall web \"web.rules\" on \"Web\"\nbind \"Random 4xxx\" = 49152-70000\n");
    REQUIRE(b.unresolved.size() == 1);
    CHECK(b.unresolved[0].names == std::vector<std::string>{"Random 4xxx"});
    set_all(b, open_all);
    Report r = check(b, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);  // uses "Random 4xxx"
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::allowed);  // any -> 443
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::allowed);

    // a role line that cannot be read: its requirements are unknown, not "not checked"
    Site ro = parse(
        "site \"s\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Web\" = 10.2.0.300\nrole \"Db\" = 10.2.0.20\n");
    REQUIRE(ro.unresolved.size() == 1);
    r = check(ro, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(r.requirement("t.t1.r1")->unresolved.size() == 1);
    CHECK_FALSE(r.finding("not-checked/t.t1.r1"));
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::allowed);

    // a role line that does not parse: the role named by its first string
    Site rp =
        parse("site \"s\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Web\" 10.2.0.10\nrole \"Db\" = 10.2.0.20\n");
    REQUIRE(rp.unresolved.size() == 1);
    CHECK(rp.unresolved[0].roles == std::vector<std::string>{"Web"});
    CHECK(check(rp, {web_catalog()}).requirement("t.t1.r1")->status == FlowStatus::unknown);

    // a zone line that cannot be read: the roles placed by their addresses may have been in it
    Site zo = parse(
        "site \"s\"\nzone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/33\n"
        "role \"Client\" = 10.1.0.0/24 in clients\nrole \"Web\" = 10.2.0.10\nrole \"Db\" = 10.2.0.20 in "
        "clients\n");
    REQUIRE(zo.unresolved.size() == 1);
    r = check(zo, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);  // Web placed by address
    CHECK(r.requirement("t.t2.r1")->status == FlowStatus::allowed);  // both `in clients`
}

TEST_CASE("site mistakes: bind \"LocalSubnett\" is an unknown keyword with did you mean") {
    Site s = parse(std::string(roles) + "bind \"LocalSubnett\" = 10.2.0.0/16\n");
    const std::string d = diagnostics_text(s.diagnostics);
    CHECK(
        has(d, "s.site:5:6: error: unknown address keyword \"LocalSubnett\", did you mean \"LocalSubnet\"?"));
    CHECK_FALSE(has(d, "expected a port"));
    REQUIRE(s.unresolved.size() == 1);
    CHECK(s.unresolved[0].windows_hosts);
}

TEST_CASE("site mistakes: names no catalog or rule knows are warnings with did you mean") {
    Site s = parse(
        "site \"s\"\nzone a = 10.1.0.0/16\nzone b = 10.2.0.0/16\n"
        "role \"Client\" = 10.1.0.0/24\nrole \"Webb\" = 10.2.0.10\n"
        "firewall fw \"fw.rules\" between a via eth0 and b via eth11\n"
        "bind \"Random 4xx\" = 49152-65535\n");
    REQUIRE(s.ok());
    set_all(s,
            "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            "-A FORWARD -i eth0 -o eth1 -j ACCEPT\n-A FORWARD -i eth1 -o eth0 -j ACCEPT\nCOMMIT\n");
    const Report r = check(s, {web_catalog()});
    const std::string d = diagnostics_text(r.diagnostics);
    INFO(d);
    CHECK(has(d, "s.site:5:1: warning: role \"Webb\" is named by no catalog, did you mean \"Web\"?"));
    CHECK(has(d,
              "s.site:6:1: warning: firewall fw: via eth11 (zone b) is an interface no rule of it mentions; "
              "the rules "
              "name eth0, eth1, did you mean \"eth1\"?"));
    CHECK(has(d,
              "s.site:7:1: warning: bind \"Random 4xx\": unknown name, no catalog declares this port class, "
              "did you "
              "mean \"Random 4xxx\"?"));
    // the class it nearly names kept its default: the requirements using it are not decided
    // (and Web is not bound: nothing at all could be checked)
    CHECK(r.verdict == RunVerdict::incomplete);
}

TEST_CASE("site mistakes: bind of a misspelt port class leaves the requirements using the class unknown") {
    Site s = parse(std::string(roles) +
                   "firewall web \"web.rules\" on \"Web\"\nbind \"Random 4xx\" = 49152-65535\n");
    REQUIRE(s.ok());
    set_all(s, open_all);
    const Report r = check(s, {web_catalog()});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::allowed);
}

TEST_CASE("verdict: PASS only when something was checked and all of it is allowed") {
    const Catalog c = web_catalog();
    Site s = parse(std::string(roles) + "firewall web \"web.rules\" on \"Web\"\n");
    REQUIRE(s.ok());
    set_all(s, open_all);
    CheckOptions no_broad;
    no_broad.disabled_checks.insert("broad");
    Report r = check(s, {c}, no_broad);
    CHECK(r.verdict == RunVerdict::pass);
    CHECK(has(render_text(r), "PASS s: "));

    // every role unbound: nothing checked; INCOMPLETE, failing, saying why
    Site none = parse("site \"s\"\nrole \"Clients\" = 10.1.0.0/24\n");
    r = check(none, {c});
    CHECK(r.checked() == 0);
    CHECK(r.verdict == RunVerdict::incomplete);
    CHECK(has(r.verdict_reason, "no requirement could be checked"));
    CHECK(has(r.verdict_reason, "not bound"));
    CHECK(fails(r, FailOn::error));
    CHECK(has(render_text(r), "INCOMPLETE s: "));
    CHECK(has(render_json(r), "\"verdict\": \"INCOMPLETE\""));
    CHECK(has(render_markdown(r), "**INCOMPLETE**"));

    // an unknown requirement: INCOMPLETE, and the unknown finding is an error by default
    set_all(s,
            "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            "-A INPUT -m limit --limit 1/s -j ACCEPT\nCOMMIT\n");
    // (without the broad check: the limit rule may admit anything, a possibly-broad error that
    // would make the run FAIL; test_assume.cpp covers that)
    r = check(s, {c}, no_broad);
    CHECK(r.summary.unknown == 2);
    CHECK(r.verdict == RunVerdict::incomplete);
    CHECK(fails(r, FailOn::error));
    CHECK(default_severity(FindingKind::unknown) == FindingSeverity::error);
    // --severity unknown=warning: not failing, and still never PASS
    CheckOptions o;
    o.disabled_checks.insert("broad");
    o.severity[FindingKind::unknown] = FindingSeverity::warning;
    o.severity[FindingKind::input] = FindingSeverity::info;
    r = check(s, {c}, o);
    CHECK(r.verdict == RunVerdict::incomplete);
    CHECK_FALSE(fails(r, FailOn::error));
    CHECK_FALSE(has(render_text(r), "PASS"));
}

TEST_CASE("not-checked: a row with a corrected reading suggests `use corrected ID`") {
    const Catalog c = read_catalog(
        "catalog t \"test\"\ntable 2 \"Client to Db\" from \"Client\" to \"Db\"\n"
        "row 8 UDP 137 -> - \"NBT Name Query\"\n  corrected UDP 137 -> 137\n",
        "t.catalog");
    REQUIRE(c.ok());
    Site s = parse(std::string(roles));
    const Report r = check(s, {c});
    const Finding* f = r.finding("not-checked/t.t2.r8");
    REQUIRE(f);
    CHECK(has(f->message, "use corrected t.t2.r8"));
}

TEST_CASE("broad: the sensitive-port list has a default, a site statement and an option") {
    for (int port : {22, 23, 135, 445, 3389, 5900, 5985, 5986}) {
        const std::vector<Interval> d = default_sensitive_ports();
        CHECK_MESSAGE(
            std::any_of(d.begin(), d.end(),
                        [&](const Interval& i) { return i.lo <= uint128(port) && uint128(port) <= i.hi; }),
            port);
    }
    const Catalog c = read_catalog(
        "catalog t \"test\"\ntable 1 \"Client to Web\" from \"Client\" to \"Web\"\n"
        "row 1 TCP any -> 80 \"HTTP\"\n",
        "t.catalog");
    // 10.0.0.0/8 (wider than Client) may reach the web server's port 22 and 8443
    const std::string rules =
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -s 10.1.0.0/24 -p tcp --dport 80 -j ACCEPT\n"
        "-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT\n"
        "-A INPUT -s 10.0.0.0/8 -p tcp --dport 8443 -j ACCEPT\nCOMMIT\n";
    Site s = parse(std::string(roles) + "firewall web \"web.rules\" on \"Web\"\n");
    set_all(s, rules);
    Report r = check(s, {c});
    REQUIRE(r.finding("broad/web/INPUT/6"));
    CHECK(r.finding("broad/web/INPUT/6")->kind == FindingKind::broad_sensitive);  // 22 by default
    REQUIRE(r.finding("broad/web/INPUT/7"));
    CHECK(r.finding("broad/web/INPUT/7")->kind == FindingKind::broad);

    Site st =
        parse(std::string(roles) + "firewall web \"web.rules\" on \"Web\"\nsensitive 8443, 9000-9100\n");
    REQUIRE(st.ok());
    CHECK(st.sensitive_ports == std::vector<Interval>{{8443, 8443}, {9000, 9100}});
    set_all(st, rules);
    r = check(st, {c});
    CHECK(r.finding("broad/web/INPUT/6")->kind == FindingKind::broad);
    CHECK(r.finding("broad/web/INPUT/7")->kind == FindingKind::broad_sensitive);

    CheckOptions o;
    o.sensitive_ports = std::vector<Interval>{{22, 22}, {8443, 8443}};
    r = check(st, {c}, o);
    CHECK(r.finding("broad/web/INPUT/6")->kind == FindingKind::broad_sensitive);
    CHECK(r.finding("broad/web/INPUT/7")->kind == FindingKind::broad_sensitive);

    Site bad = parse(std::string(roles) + "sensitive 22, 70000\n");
    CHECK(has(diagnostics_text(bad.diagnostics), "s.site:5:15: error:"));
}
