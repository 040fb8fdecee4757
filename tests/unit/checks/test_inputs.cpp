// The inputs check: disabled firewalls, and unreadable or undecided inputs that touched a verdict.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

TEST_CASE("check: a disabled Windows firewall profile") {
    const Catalog c = catalog(std::string(row_135) +
                              "row 2 TCP \"Random 4xxx\" -> 1025 \"RPC Session\" tag rpc-session\n"
                              "  corrected TCP \"Random 4xxx\" -> \"RPC Dynamic\"\n");
    Site s = site("firewall srv \"srv.txt\" on \"Server\" rpc 50000-50100\n");
    set_windows_rules(s);
    Site off = site("firewall srv \"srv.txt\" on \"Server\"\n");
    off.firewalls[0].rulesets = s.firewalls[0].rulesets;
    off.firewalls[0].disabled = "the firewall is disabled for the Domain profile";
    const Report r = check(off, {c});  // keep the report: findings point into it
    const Finding* d = r.finding("firewall-disabled/srv");
    REQUIRE(d);
    CHECK(d->severity == FindingSeverity::error);
}

TEST_CASE("check: a firewall whose files could not be read") {
    Site unread = site(host_srv);  // never loaded: no ruleset
    Report ru = check(unread, {catalog(row_135)});
    CHECK(ru.requirement("t.t1.r1")->status == FlowStatus::unknown);
    CHECK(ru.finding("input/srv"));
}
