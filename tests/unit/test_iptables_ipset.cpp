// ipset save reader: address sets for `-m set`.
#include <doctest/doctest.h>

#include "rulegap/iptables.hpp"

using namespace rulegap;

namespace {
uint128 v4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint128(a) << 24) | (b << 16) | (c << 8) | d;
}
}  // namespace

TEST_CASE("ipset: hash:net, hash:ip, bitmap:ip and other types") {
    IpSets s = read_ipsets(
        "# a comment\n"
        "create nets hash:net family inet hashsize 1024 maxelem 65536\n"
        "add nets 10.0.0.0/8\n"
        "add nets 10.1.0.0/16 nomatch\n"
        "add nets 192.168.1.0/24\n"
        "create hosts hash:ip family inet\n"
        "add hosts 1.1.1.1\nadd hosts 1.1.1.2\nadd hosts 1.1.1.9\n"
        "create range bitmap:ip range 10.9.0.0-10.9.0.255\n"
        "add range 10.9.0.3-10.9.0.5\n"
        "create pairs hash:ip,port family inet\nadd pairs 1.2.3.4,tcp:80\n"
        "create six hash:net family inet6\nadd six 2001:db8::/32\n",
        "sets.save");
    CHECK(s.diagnostics.error_count() == 0);
    REQUIRE(s.sets.size() == 5);
    const IpSet* nets = s.find("nets");
    REQUIRE(nets);
    CHECK(nets->addresses_only);
    CHECK(nets->family == 4);
    CHECK(nets->where == SourceLoc{"sets.save", 2, 1});
    CHECK(nets->addresses == std::vector<Interval>{{v4(10, 0, 0, 0), v4(10, 0, 255, 255)},
                                                   {v4(10, 2, 0, 0), v4(10, 255, 255, 255)},
                                                   {v4(192, 168, 1, 0), v4(192, 168, 1, 255)}});
    CHECK(s.find("hosts")->addresses ==
          std::vector<Interval>{{v4(1, 1, 1, 1), v4(1, 1, 1, 2)}, {v4(1, 1, 1, 9), v4(1, 1, 1, 9)}});
    CHECK(s.find("range")->addresses == std::vector<Interval>{{v4(10, 9, 0, 3), v4(10, 9, 0, 5)}});
    CHECK_FALSE(s.find("pairs")->addresses_only);
    CHECK(s.find("pairs")->addresses.empty());
    CHECK(s.find("six")->family == 6);
    CHECK(s.find("six")->addresses.size() == 1);
    CHECK(s.find("missing") == nullptr);
}

TEST_CASE("ipset: errors carry file:line:column") {
    IpSets s = read_ipsets("create a hash:ip\nadd a 300.1.1.1\nadd b 1.1.1.1\nadd a 2001:db8::1\ncreate\n",
                           "bad.save");
    REQUIRE(s.diagnostics.error_count() == 4);
    CHECK(s.diagnostics.items[0].to_string() == "bad.save:2:7: error: bad entry '300.1.1.1' for hash:ip");
    CHECK(s.diagnostics.items[1].where == SourceLoc{"bad.save", 3, 5});
    CHECK(s.diagnostics.items[2].where == SourceLoc{"bad.save", 4, 7});
    CHECK(s.diagnostics.items[3].to_string() == "bad.save:5:7: error: expected set name");
    CHECK(s.find("a")->addresses.empty());
}
