// The checker on hand-built sites: each finding kind, port class rebinding, alternatives, reply
// handling, multi-hop paths, unknown propagation, RPC pairing, severities.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rulegap/check.hpp"
#include "rulegap/iptables.hpp"

using namespace rulegap;

namespace {

// A catalog in the catalog language (rules/README.md).
Catalog catalog(const std::string& rows, const std::string& classes = "") {
    Catalog c = read_catalog("catalog t \"test\"\n" + classes +
                                 "table 1 \"Client to Server\" from \"Client\" to \"Server\"\n" + rows,
                             "t.catalog");
    REQUIRE_MESSAGE(c.ok(), (c.diagnostics.items.empty() ? "" : c.diagnostics.items.front().to_string()));
    return c;
}

// A site with roles Client (10.1.0.0/24) and Server (10.2.1.5), parsed only.
Site site(const std::string& extra) {
    Site s = read_site("site \"test\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Server\" = 10.2.1.5\n" + extra, "test.site",
                       SiteOptions{false});
    REQUIRE_MESSAGE(s.ok(), (s.diagnostics.items.empty() ? "" : s.diagnostics.items.front().to_string()));
    return s;
}

void set_rules(Site& s, const std::string& firewall, const std::string& text) {
    for (Firewall& fw : s.firewalls)
        if (fw.name == firewall) {
            fw.rulesets = {read_iptables(text, fw.name + ".rules")};
            fw.loaded_format = FirewallFormat::iptables;
            return;
        }
    FAIL("no firewall " << firewall);
}

std::string filter(const std::string& input, const std::string& output = ":OUTPUT ACCEPT [0:0]\n",
                   const std::string& forward = ":FORWARD DROP [0:0]\n") {
    return "*filter\n" + forward + output + input + "COMMIT\n";
}

const char* host_srv = "firewall srv \"srv.rules\" on \"Server\"\n";
const char* row_135 = "row 1 TCP \"Random 4xxx\" -> 135 \"RPC Bind\" tag rpc-endpoint-mapper\n";

}  // namespace

TEST_CASE("check: an open flow is allowed, and the hop names the deciding rule") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -s 10.1.0.0/24 -p tcp --dport 135 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    const RequirementResult* req = r.requirement("t.t1.r1");
    REQUIRE(req);
    CHECK(req->status == FlowStatus::allowed);
    REQUIRE(req->paths.size() == 1);
    REQUIRE(req->paths[0].hops.size() == 1);
    const HopResult& hop = req->paths[0].hops[0];
    CHECK(hop.hook == Hook::input);
    CHECK(hop.status == FlowStatus::allowed);
    REQUIRE(!hop.parts.empty());
    CHECK(hop.parts[0].verdict == Verdict::accept);
    CHECK(hop.parts[0].where.line == 5);
    CHECK(r.of_kind(FindingKind::blocked).empty());
    CHECK(r.summary.allowed == 1);
}

TEST_CASE("check: a closed flow is blocked, by the policy, with a witness") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::blocked);
    const Finding* f = r.finding("blocked/t.t1.r1/srv");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::error);
    REQUIRE(f->witness);
    CHECK(f->witness->dst_port == 135);
    CHECK(f->witness->src_port >= 4000);
    CHECK(f->witness->src_port <= 4999);
    CHECK(f->witness->dst == *parse_ipv4("10.2.1.5"));
    REQUIRE(f->rule);
    CHECK(f->rule->line == 4);   // the ":INPUT DROP" header
    CHECK(f->rule_text.find("DROP") != std::string::npos);
}

TEST_CASE("check: a partly open range lists open and closed sub-ranges") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 4000:4499 --dport 135 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::partial);
    const HopResult& hop = r.requirement("t.t1.r1")->paths[0].hops[0];
    CHECK(hop.open.find("4000-4499") != std::string::npos);
    CHECK(hop.closed.find("4500-4999") != std::string::npos);
    const Finding* f = r.finding("partial/t.t1.r1/srv");
    REQUIRE(f);
    CHECK(f->message.find("4000-4499") != std::string::npos);
    CHECK(f->message.find("4500-4999") != std::string::npos);
    REQUIRE(f->witness);
    CHECK(f->witness->src_port >= 4500);
}

TEST_CASE("check: port class rebinding changes what is required") {
    const std::string rules = filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 49152:65535 --dport 135 -j ACCEPT\n");
    Site plain = site(host_srv);
    set_rules(plain, "srv", rules);
    CHECK(check(plain, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::blocked);

    Site rebound = site(std::string(host_srv) + "bind \"Random 4xxx\" = 49152-65535\n");
    set_rules(rebound, "srv", rules);
    CHECK(check(rebound, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::allowed);

    Site windows_2003 = site(std::string(host_srv) + "bind \"Random 4xxx\" = 1025-5000\n");
    set_rules(windows_2003, "srv", rules);
    CHECK(check(windows_2003, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::blocked);
}

TEST_CASE("check: \"Dynamic Port\" and \"RPC Dynamic\" rebinding (per host rpc range)") {
    const Catalog c = catalog("row 1 TCP \"Random 4xxx\" -> \"RPC Dynamic\" \"RPC Session\"\n"
                              "row 2 UDP any -> \"Dynamic Port\" \"NTP\"\n");
    const std::string rules =
        filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 50000:50100 -j ACCEPT\n-A INPUT -p udp --dport 60000:60010 -j ACCEPT\n");
    Site dflt = site(host_srv);
    set_rules(dflt, "srv", rules);
    Report r0 = check(dflt, {c});
    CHECK(r0.requirement("t.t1.r1")->status == FlowStatus::partial);
    CHECK(r0.requirement("t.t1.r2")->status == FlowStatus::partial);

    Site bound = site("firewall srv \"srv.rules\" on \"Server\" rpc 50000-50100\nbind \"Dynamic Port\" = 60000-60010\n");
    set_rules(bound, "srv", rules);
    Report r1 = check(bound, {c});
    CHECK(r1.requirement("t.t1.r1")->status == FlowStatus::allowed);
    CHECK(r1.requirement("t.t1.r2")->status == FlowStatus::allowed);
}

TEST_CASE("check: alternatives are met by any one fully allowed flow") {
    const Catalog c = catalog("row 1 TCP any -> 389 | TCP any -> 636 \"LDAP or LDAPS\"\n");
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 636 -j ACCEPT\n"));
    Report r = check(s, {c});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::allowed);
    CHECK(r.requirement("t.t1.r1")->paths[0].alternative == 1);

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"));
    CHECK(check(s, {c}).requirement("t.t1.r1")->status == FlowStatus::blocked);
}

TEST_CASE("check: replies are judged ESTABLISHED on a stateful hop, NEW on a stateless one") {
    const Catalog c = catalog(std::string(row_135) + "row 2 TCP 135 -> \"Random 4xxx\" \"RPC Bind\" reply-of 1\n");
    const std::string server = filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n");
    const std::string fw_client = "firewall cli \"cli.rules\" on \"Client\"\n";

    Site stateful = site(std::string(host_srv) + fw_client);
    set_rules(stateful, "srv", server);
    set_rules(stateful, "cli", filter(":INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"));
    Report r1 = check(stateful, {c});
    const RequirementResult* reply = r1.requirement("t.t1.r2");
    REQUIRE(reply);
    CHECK(reply->status == FlowStatus::allowed);
    CHECK(reply->source_role == "Server");
    // the reply leaves the server (OUTPUT) and enters the client (INPUT)
    REQUIRE(reply->paths[0].hops.size() == 2);
    CHECK(reply->paths[0].hops[0].hook == Hook::output);
    CHECK(reply->paths[0].hops[1].firewall == "cli");
    CHECK(reply->paths[0].hops[1].judged == Judged::established);

    Site stateless = site(std::string(host_srv) + fw_client);
    set_rules(stateless, "srv", server);
    set_rules(stateless, "cli", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 135 -j ACCEPT\n"));
    Report r2 = check(stateless, {c});
    CHECK(r2.requirement("t.t1.r2")->status == FlowStatus::allowed);
    CHECK(r2.requirement("t.t1.r2")->paths[0].hops[1].judged == Judged::new_);

    Site missing = site(std::string(host_srv) + fw_client);
    set_rules(missing, "srv", server);
    set_rules(missing, "cli", filter(":INPUT DROP [0:0]\n"));
    Report r3 = check(missing, {c});
    CHECK(r3.requirement("t.t1.r2")->status == FlowStatus::blocked);
    CHECK(r3.requirement("t.t1.r2")->paths[0].hops[1].judged == Judged::new_);
    CHECK(r3.finding("blocked/t.t1.r2/cli"));
}

TEST_CASE("check: multi-hop paths through zones, one result per path") {
    const std::string zones =
        "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
        "firewall perimeter \"p.rules\" between clients via eth0 and servers via eth1\n"
        "firewall backup \"b.rules\" between clients via eth2 and servers via eth3\n";
    Site s = site(std::string(host_srv) + zones);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(s, "perimeter", filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                                     ":FORWARD DROP [0:0]\n-A FORWARD -i eth0 -o eth1 -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(s, "backup", filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                                  ":FORWARD DROP [0:0]\n-A FORWARD -i eth0 -o eth1 -p tcp --dport 135 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    const RequirementResult* req = r.requirement("t.t1.r1");
    REQUIRE(req);
    REQUIRE(req->paths.size() == 2);
    int blocked = 0, allowed = 0;
    for (const PathResult& p : req->paths) {
        REQUIRE(p.hops.size() == 2);
        CHECK(p.hops[0].hook == Hook::forward);
        CHECK(p.hops[1].hook == Hook::input);
        if (p.hops[0].firewall == "perimeter") {
            CHECK(p.hops[0].in_interface == "eth0");
            CHECK(p.hops[0].out_interface == "eth1");
            CHECK(p.status == FlowStatus::allowed);
            ++allowed;
        } else {
            CHECK(p.hops[0].in_interface == "eth2");   // backup's rule names the wrong interfaces
            CHECK(p.status == FlowStatus::blocked);
            ++blocked;
        }
    }
    CHECK(allowed == 1);
    CHECK(blocked == 1);
    CHECK(req->status == FlowStatus::blocked);
    CHECK(r.finding("blocked/t.t1.r1/backup"));
    CHECK_FALSE(r.finding("blocked/t.t1.r1/perimeter"));
}

TEST_CASE("check: hops that each open a different part block the whole path") {
    const std::string zones = "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
                              "firewall perimeter \"p.rules\" between clients and servers\n";
    Site s = site(std::string(host_srv) + zones);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 4000:4499 --dport 135 -j ACCEPT\n"));
    set_rules(s, "perimeter", filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                                     ":FORWARD DROP [0:0]\n-A FORWARD -p tcp --sport 4500:4999 --dport 135 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->paths[0].hops[0].status == FlowStatus::partial);
    CHECK(r.requirement("t.t1.r1")->paths[0].hops[1].status == FlowStatus::partial);
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::blocked);
    CHECK(r.finding("blocked/t.t1.r1/path"));
}

TEST_CASE("check: an undecided rule makes the flow unknown, never allowed, and is listed") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -m limit --limit 5/min -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    const Finding* f = r.finding("unknown/t.t1.r1/srv");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::error);   // unknown is never a pass (issue 13)
    REQUIRE(f->witness);
    CHECK(f->witness->dst_port == 135);
    CHECK(r.finding("input/srv/5"));
    // an unknown hop before an open one: still unknown
    const std::string zones = "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
                              "firewall perimeter \"p.rules\" between clients and servers\n";
    Site two = site(std::string(host_srv) + zones);
    set_rules(two, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(two, "perimeter", filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                                       ":FORWARD DROP [0:0]\n-A FORWARD -m mark --mark 1 -j ACCEPT\n"));
    CHECK(check(two, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::unknown);
}

TEST_CASE("check: an interface the site does not name is undecided, not open") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -i eth0 -p tcp --dport 135 -j ACCEPT\n"));
    CHECK(check(s, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::unknown);
    // but a loopback-only rule does not concern traffic from another host
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"));
    CHECK(check(s, {catalog(row_135)}).requirement("t.t1.r1")->status == FlowStatus::blocked);
}

TEST_CASE("check: RPC endpoint mapper open, session port closed") {
    const Catalog c = catalog(std::string(row_135) + "row 2 TCP \"Random 4xxx\" -> 1025 \"RPC Session\" tag rpc-session\n");
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    Report r = check(s, {c});
    const Finding* f = r.finding("rpc-session/t.t1.r2");
    REQUIRE(f);
    CHECK(f->message.find("RPC endpoint mapper TCP 135 is open but the session port 1025 is closed") == 0);
    CHECK(f->firewall == "srv");

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 135,1025 -j ACCEPT\n"));
    CHECK(check(s, {c}).of_kind(FindingKind::rpc_session).empty());
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n"));   // both closed: no pairing finding
    CHECK(check(s, {c}).of_kind(FindingKind::rpc_session).empty());
}

TEST_CASE("check: overly broad rules, ranked") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"
                               "-A INPUT -s 10.0.0.0/8 -p tcp --dport 445 -j ACCEPT\n"
                               "-A INPUT -s 10.1.0.0/24 -p tcp --dport 8080 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    const Finding* any = r.finding("broad/srv/INPUT/5");    // 135 from any source
    REQUIRE(any);
    CHECK(any->kind == FindingKind::broad_any);
    CHECK(any->rank == 1);
    REQUIRE(any->witness);
    CHECK(any->witness->dst_port == 135);
    const bool from_client = any->witness->src >= *parse_ipv4("10.1.0.0") && any->witness->src <= *parse_ipv4("10.1.0.255");
    CHECK_FALSE(from_client);
    const Finding* sensitive = r.finding("broad/srv/INPUT/6");   // 445 from 10/8, wider than Client
    REQUIRE(sensitive);
    CHECK(sensitive->kind == FindingKind::broad_sensitive);
    REQUIRE(sensitive->witness);
    CHECK(sensitive->witness->dst_port == 445);
    const Finding* other = r.finding("broad/srv/INPUT/7");
    REQUIRE(other);
    CHECK(other->kind == FindingKind::broad);
    CHECK(other->severity == FindingSeverity::info);

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n"));
    const Report open_all = check(s, {catalog(row_135)});   // keep the report: findings point into it
    const Finding* all = open_all.finding("broad/srv/INPUT/5");
    REQUIRE(all);
    CHECK(all->message.find("any port") != std::string::npos);

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -s 10.1.0.0/24 -p tcp --dport 135 -j ACCEPT\n"));
    CHECK(check(s, {catalog(row_135)}).findings.empty());   // exactly what is required
}

TEST_CASE("check: severities are configurable per kind, and checks can be turned off") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n"));
    CheckOptions o;
    o.severity[FindingKind::blocked] = FindingSeverity::info;
    Report r = check(s, {catalog(row_135)}, o);
    REQUIRE(r.finding("blocked/t.t1.r1/srv"));
    CHECK(r.finding("blocked/t.t1.r1/srv")->severity == FindingSeverity::info);
    CHECK(r.summary.errors == 0);
    CHECK(r.summary.infos == 1);

    set_rules(s, "srv", filter(":INPUT ACCEPT [0:0]\n"));
    CheckOptions no_broad;
    no_broad.disabled_checks.insert("broad");
    CHECK(check(s, {catalog(row_135)}).of_kind(FindingKind::broad_any).size() == 1);
    CHECK(check(s, {catalog(row_135)}, no_broad).findings.empty());
    CHECK(checks().size() == 4);
}

TEST_CASE("check: unbound roles, missing files and corrected readings") {
    const Catalog c = catalog("row 1 UDP \"Random 4xxx\" -> 139 \"NBT Session\"\n  corrected TCP \"Random 4xxx\" -> 139\n"
                              "row 2 from \"Client\" to \"Web\" TCP any -> 80 \"HTTP\"\n");
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 139 -j ACCEPT\n"));
    Report r = check(s, {c});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::blocked);   // as written: UDP
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::skipped);
    CHECK(r.finding("not-checked/t.t1.r2"));
    CHECK(r.summary.skipped == 1);

    Site corrected = site(std::string(host_srv) + "use corrected t.t1\n");
    set_rules(corrected, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 139 -j ACCEPT\n"));
    Report rc = check(corrected, {c});
    CHECK(rc.requirement("t.t1.r1")->corrected);
    CHECK(rc.requirement("t.t1.r1")->status == FlowStatus::allowed);

    Site unread = site(host_srv);   // never loaded: no ruleset
    Report ru = check(unread, {catalog(row_135)});
    CHECK(ru.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(ru.finding("input/srv"));
}

TEST_CASE("check: Windows host firewalls: LPort=RPC opens the host's range; disabled profile") {
    const Catalog c = catalog(std::string(row_135) + "row 2 TCP \"Random 4xxx\" -> 1025 \"RPC Session\" tag rpc-session\n"
                              "  corrected TCP \"Random 4xxx\" -> \"RPC Dynamic\"\n");
    const std::string rules = "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC-EPMap|Name=epmap|\n"
                              "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|Name=rpc|\n";
    Site s = site("firewall srv \"srv.txt\" on \"Server\" rpc 50000-50100\n");
    WindowsPolicy policy = read_windows_rule_strings(rules, "srv.txt");
    s.firewalls[0].rulesets = {to_ruleset(policy, WindowsProfile::domain, s.windows_context(s.firewalls[0]))};
    s.firewalls[0].loaded_format = FirewallFormat::windows;
    Report r = check(s, {c});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::allowed);
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::blocked);   // 1025 is not in 50000-50100
    const Finding* f = r.finding("rpc-session/t.t1.r2");
    REQUIRE(f);
    bool says_range = false;
    for (const std::string& d : f->details) says_range |= d.find("LPort=RPC opens this host's RPC dynamic range 50000-50100") != std::string::npos;
    CHECK(says_range);

    Site corrected = site("firewall srv \"srv.txt\" on \"Server\" rpc 50000-50100\nuse corrected t.t1.r2\n");
    corrected.firewalls[0].rulesets = s.firewalls[0].rulesets;
    corrected.firewalls[0].loaded_format = FirewallFormat::windows;
    CHECK(check(corrected, {c}).requirement("t.t1.r2")->status == FlowStatus::allowed);

    Site off = site("firewall srv \"srv.txt\" on \"Server\"\n");
    off.firewalls[0].rulesets = s.firewalls[0].rulesets;
    off.firewalls[0].disabled = "the firewall is disabled for the Domain profile";
    const Finding* d = check(off, {c}).finding("firewall-disabled/srv");
    REQUIRE(d);
    CHECK(d->severity == FindingSeverity::error);
}
