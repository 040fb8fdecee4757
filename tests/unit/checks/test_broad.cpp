// The broad check: accept rules admitting more than the requirements crossing their hop, ranked.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

TEST_CASE("check: overly broad rules, ranked") {
    Site s = site(host_srv);
    set_rules(s, "srv",
              filter(":INPUT DROP [0:0]\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"
                     "-A INPUT -s 10.0.0.0/8 -p tcp --dport 445 -j ACCEPT\n"
                     "-A INPUT -s 10.1.0.0/24 -p tcp --dport 8080 -j ACCEPT\n"));
    Report r = check(s, {catalog(row_135)});
    const Finding* any = r.finding("broad/srv/INPUT/5");  // 135 from any source
    REQUIRE(any);
    CHECK(any->kind == FindingKind::broad_any);
    CHECK(any->rank == 1);
    REQUIRE(any->witness);
    CHECK(any->witness->dst_port == 135);
    const bool from_client =
        any->witness->src >= *parse_ipv4("10.1.0.0") && any->witness->src <= *parse_ipv4("10.1.0.255");
    CHECK_FALSE(from_client);
    const Finding* sensitive = r.finding("broad/srv/INPUT/6");  // 445 from 10/8, wider than Client
    REQUIRE(sensitive);
    CHECK(sensitive->kind == FindingKind::broad_sensitive);
    REQUIRE(sensitive->witness);
    CHECK(sensitive->witness->dst_port == 445);
    const Finding* other = r.finding("broad/srv/INPUT/7");
    REQUIRE(other);
    CHECK(other->kind == FindingKind::broad);
    CHECK(other->severity == FindingSeverity::info);

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n"));
    const Report open_all = check(s, {catalog(row_135)});  // keep the report: findings point into it
    const Finding* all = open_all.finding("broad/srv/INPUT/5");
    REQUIRE(all);
    CHECK(all->message.find("any port") != std::string::npos);

    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n-A INPUT -s 10.1.0.0/24 -p tcp --dport 135 -j ACCEPT\n"));
    CHECK(check(s, {catalog(row_135)}).findings.empty());  // exactly what is required
}
