// The rpc-pairing check: the endpoint mapper open while the session port is not.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

TEST_CASE("check: RPC endpoint mapper open, session port closed") {
    const Catalog c =
        catalog(std::string(row_135) + "row 2 TCP \"Random 4xxx\" -> 1025 \"RPC Session\" tag rpc-session\n");
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    Report r = check(s, {c});
    const Finding* f = r.finding("rpc-session/t.t1.r2");
    REQUIRE(f);
    CHECK(f->message.find("RPC endpoint mapper TCP 135 is open but the session port 1025 is closed") == 0);
    CHECK(f->firewall == "srv");

    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 135,1025 -j ACCEPT\n"));
    CHECK(check(s, {c}).of_kind(FindingKind::rpc_session).empty());
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n"));  // both closed: no pairing finding
    CHECK(check(s, {c}).of_kind(FindingKind::rpc_session).empty());
}

TEST_CASE("check: Windows host firewalls: LPort=RPC opens the host's range") {
    const Catalog c = catalog(std::string(row_135) +
                              "row 2 TCP \"Random 4xxx\" -> 1025 \"RPC Session\" tag rpc-session\n"
                              "  corrected TCP \"Random 4xxx\" -> \"RPC Dynamic\"\n");
    Site s = site("firewall srv \"srv.txt\" on \"Server\" rpc 50000-50100\n");
    set_windows_rules(s);
    Report r = check(s, {c});
    CHECK(r.requirement("t.t1.r1")->status == FlowStatus::allowed);
    CHECK(r.requirement("t.t1.r2")->status == FlowStatus::blocked);  // 1025 is not in 50000-50100
    const Finding* f = r.finding("rpc-session/t.t1.r2");
    REQUIRE(f);
    bool says_range = false;
    for (const std::string& d : f->details)
        says_range |=
            d.find("LPort=RPC opens this host's RPC dynamic range 50000-50100") != std::string::npos;
    CHECK(says_range);

    Site corrected = site("firewall srv \"srv.txt\" on \"Server\" rpc 50000-50100\nuse corrected t.t1.r2\n");
    corrected.firewalls[0].rulesets = s.firewalls[0].rulesets;
    corrected.firewalls[0].loaded_format = FirewallFormat::windows;
    CHECK(check(corrected, {c}).requirement("t.t1.r2")->status == FlowStatus::allowed);
}
