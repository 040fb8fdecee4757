// The reachability check (and the flow stage it reports on): each verdict and finding kind,
// port class rebinding, alternatives, reply handling, multi-hop paths, unknown propagation,
// unbound roles and corrected readings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

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
    CHECK(f->rule->line == 4);  // the ":INPUT DROP" header
    CHECK(f->rule_text.find("DROP") != std::string::npos);
}

TEST_CASE("check: a partly open range lists open and closed sub-ranges") {
    Site s = site(host_srv);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 4000:4499 --dport 135 -j ACCEPT\n"));
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
    const std::string rules =
        filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 49152:65535 --dport 135 -j ACCEPT\n");
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
    const Catalog c = catalog(
        "row 1 TCP \"Random 4xxx\" -> \"RPC Dynamic\" \"RPC Session\"\n"
        "row 2 UDP any -> \"Dynamic Port\" \"NTP\"\n");
    const std::string rules = filter(
        ":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 50000:50100 -j ACCEPT\n-A INPUT -p udp --dport "
        "60000:60010 -j ACCEPT\n");
    Site dflt = site(host_srv);
    set_rules(dflt, "srv", rules);
    Report r0 = check(dflt, {c});
    CHECK(r0.requirement("t.t1.r1")->status == FlowStatus::partial);
    CHECK(r0.requirement("t.t1.r2")->status == FlowStatus::partial);

    Site bound = site(
        "firewall srv \"srv.rules\" on \"Server\" rpc 50000-50100\nbind \"Dynamic Port\" = 60000-60010\n");
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
    const Catalog c =
        catalog(std::string(row_135) + "row 2 TCP 135 -> \"Random 4xxx\" \"RPC Bind\" reply-of 1\n");
    const std::string server = filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n");
    const std::string fw_client = "firewall cli \"cli.rules\" on \"Client\"\n";

    Site stateful = site(std::string(host_srv) + fw_client);
    set_rules(stateful, "srv", server);
    set_rules(stateful, "cli",
              filter(":INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"));
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
    set_rules(s, "perimeter",
              filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                     ":FORWARD DROP [0:0]\n-A FORWARD -i eth0 -o eth1 -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(s, "backup",
              filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
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
            CHECK(p.hops[0].in_interface == "eth2");  // backup's rule names the wrong interfaces
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
    const std::string zones =
        "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
        "firewall perimeter \"p.rules\" between clients and servers\n";
    Site s = site(std::string(host_srv) + zones);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --sport 4000:4499 --dport 135 -j ACCEPT\n"));
    set_rules(s, "perimeter",
              filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
                     ":FORWARD DROP [0:0]\n-A FORWARD -p tcp --sport 4500:4999 --dport 135 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->paths[0].hops[0].status == FlowStatus::partial);
    CHECK(r.requirement("t.t1.r1")->paths[0].hops[1].status == FlowStatus::partial);
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::blocked);
    CHECK(r.finding("blocked/t.t1.r1/path"));
}

TEST_CASE("check: an undecided rule makes the flow unknown, never allowed, and is listed") {
    Site s = site(host_srv);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -m limit --limit 5/min -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::unknown);
    const Finding* f = r.finding("unknown/t.t1.r1/srv");
    REQUIRE(f);
    CHECK(f->severity == FindingSeverity::error);  // unknown is never a pass (issue 13)
    REQUIRE(f->witness);
    CHECK(f->witness->dst_port == 135);
    CHECK(r.finding("input/srv/5"));
    // an unknown hop before an open one: still unknown
    const std::string zones =
        "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
        "firewall perimeter \"p.rules\" between clients and servers\n";
    Site two = site(std::string(host_srv) + zones);
    set_rules(two, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(two, "perimeter",
              filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n",
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

TEST_CASE("check: unbound roles and corrected readings") {
    const Catalog c = catalog(
        "row 1 UDP \"Random 4xxx\" -> 139 \"NBT Session\"\n  corrected TCP \"Random 4xxx\" -> 139\n"
        "row 2 from \"Client\" to \"Web\" TCP any -> 80 \"HTTP\"\n");
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 139 -j ACCEPT\n"));
    Report r = check(s, {c});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::blocked);  // as written: UDP
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::skipped);
    CHECK(r.finding("not-checked/t.t1.r2"));
    CHECK(r.summary.skipped == 1);

    Site corrected = site(std::string(host_srv) + "use corrected t.t1\n");
    set_rules(corrected, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 139 -j ACCEPT\n"));
    Report rc = check(corrected, {c});
    CHECK(rc.requirement("t.t1.r1")->corrected);
    CHECK(rc.requirement("t.t1.r1")->status == FlowStatus::allowed);
}
