// The rules check: every firewall's rules that never apply, each firewall judged on its own.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

namespace {

const char* const perimeter =
    "zone clients = 10.1.0.0/16\nzone servers = 10.2.0.0/16\n"
    "firewall perimeter \"p.rules\" between clients via eth0 and servers via eth1\n";

// A forward ruleset that needs many diagram nodes: accepts per /32 source and port.
std::string many_rules(int n) {
    std::string fwd = ":FORWARD DROP [0:0]\n";
    for (int i = 0; i < n; ++i)
        fwd +=
            fmt::format("-A FORWARD -s 10.1.{}.{} -p tcp --dport {} -j ACCEPT\n", i / 200, i % 200, 1000 + i);
    return filter("", ":OUTPUT ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n", fwd);
}

bool has_diagnostic(const Report& r, const std::string& text) {
    return std::any_of(r.diagnostics.items.begin(), r.diagnostics.items.end(),
                       [&](const Diagnostic& d) { return d.message.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("check: rules: shadowed and redundant rules of a firewall, with the covering rule") {
    Site s = site(std::string(host_srv) + perimeter);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp -j DROP\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"
                     "-A INPUT -p udp -j ACCEPT\n-A INPUT -p udp --dport 53 -j ACCEPT\n"));
    set_rules(s, "perimeter", many_rules(3));
    const Report r = check(s, {catalog(row_135)});
    const auto shadowed = r.of_kind(FindingKind::shadowed);
    REQUIRE(shadowed.size() == 1);
    CHECK(shadowed[0]->firewall == "srv");
    CHECK(shadowed[0]->rule_text == "-A INPUT -p tcp --dport 135 -j ACCEPT");
    REQUIRE_FALSE(shadowed[0]->details.empty());
    CHECK(shadowed[0]->details[0].find("-A INPUT -p tcp -j DROP") != std::string::npos);
    const auto redundant = r.of_kind(FindingKind::redundant);
    REQUIRE(redundant.size() == 1);
    CHECK(redundant[0]->rule_text == "-A INPUT -p udp --dport 53 -j ACCEPT");
    CHECK(r.of_kind(FindingKind::unreachable).empty());
}

TEST_CASE("check: rules: a firewall past the node limit is not judged, the others still are") {
    Site s = site(std::string(host_srv) + perimeter);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp -j DROP\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"));
    set_rules(s, "perimeter", many_rules(600));
    CheckOptions o;
    o.max_nodes = 20'000;  // the small host fits; 600 rules of /32 and port do not
    o.disabled_checks = {"reachability", "broad", "rpc-pairing", "inputs"};
    const Report r = check(s, {catalog(row_135)}, o);
    // The host's shadowed rule is still found.
    const auto shadowed = r.of_kind(FindingKind::shadowed);
    REQUIRE(shadowed.size() == 1);
    CHECK(shadowed[0]->firewall == "srv");
    // The perimeter is named as not judged, as an error: the run is not complete.
    CHECK(has_diagnostic(r, "firewall perimeter: rule findings not computed"));
    CHECK_FALSE(has_diagnostic(r, "firewall srv: rule findings not computed"));
    CHECK_FALSE(has_diagnostic(r, "check rules failed"));
    CHECK(r.diagnostics.has_errors());
    CHECK(r.verdict != RunVerdict::pass);
}
