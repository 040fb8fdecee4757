// parse_packet_set() (`rulegap query --where`), format_range() and PacketSet::disjoint_ranges().
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rulegap/query.hpp"

using namespace rulegap;

namespace {

uint128 ip(const char* text) { return *parse_ipv4(text); }

PacketSet where(const char* text) {
    PacketSetParseResult r = parse_packet_set(text);
    INFO("--where " << text << ": " << r.error.to_string());
    REQUIRE(r);
    return *r.set;
}

// The column of the error for a text that must not parse.
std::uint32_t error_column(const char* text) {
    PacketSetParseResult r = parse_packet_set(text);
    INFO("--where " << text);
    REQUIRE_FALSE(r);
    CHECK(r.error.where.line == 1);
    CHECK(r.error.severity == Severity::error);
    return r.error.where.column;
}

Packet tcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport) {
    Packet p;
    p.src = ip(src);
    p.dst = ip(dst);
    p.src_port = sport;
    p.dst_port = dport;
    p.in_interface = "eth0";
    p.out_interface = "eth1";
    return p;
}

// The members of a range: a product of its fields' intervals, within the well-formed packets.
PacketSet members(const HeaderRange& r) {
    PacketSet s = PacketSet::all();
    for (const HeaderRange::Values& v : r.fields) s &= PacketSet::where(v.field, v.intervals);
    return s;
}

}  // namespace

TEST_CASE("--where: a CIDR, any and a port are the set they say") {
    PacketSet s = where("tcp any -> 131.159.14.0/23:22");
    PacketSet want = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6) &
                     PacketSet::destination_prefix(4, ip("131.159.14.0"), 23) &
                     PacketSet::where(Field::dst_port, 22);
    CHECK(s == want);
    CHECK(s.contains(tcp("192.0.2.1", 40000, "131.159.15.255", 22)));
    CHECK_FALSE(s.contains(tcp("192.0.2.1", 40000, "131.159.16.0", 22)));
    CHECK_FALSE(s.contains(tcp("192.0.2.1", 40000, "131.159.14.1", 23)));
}

TEST_CASE("--where: lists and ranges of protocols, addresses and ports") {
    PacketSet s = where("tcp,udp 10.0.0.0/8,192.168.1.1-192.168.1.9 -> any:135,445,4000-4999");
    Packet p = tcp("10.1.2.3", 1, "8.8.8.8", 445);
    CHECK(s.contains(p));
    p.dst_port = 4999;
    CHECK(s.contains(p));
    p.dst_port = 5000;
    CHECK_FALSE(s.contains(p));
    p.dst_port = 135;
    p.protocol = 17;
    p.src = ip("192.168.1.9");
    CHECK(s.contains(p));
    p.src = ip("192.168.1.10");
    CHECK_FALSE(s.contains(p));
    p.src = ip("10.0.0.1");
    p.protocol = 132;  // sctp: not in the list
    CHECK_FALSE(s.contains(p));
    // 2 protocols x (2^24 + 9) sources x 2^32 destinations x 2^16 source ports x 1002 ports x
    // states, flags and interfaces: the same as the set built by hand.
    PacketSet by_hand = PacketSet::ipv4() & PacketSet::where(Field::protocol, {{6, 6}, {17, 17}}) &
                        PacketSet::where(Field::src_addr, {{ip("10.0.0.0"), ip("10.255.255.255")},
                                                           {ip("192.168.1.1"), ip("192.168.1.9")}}) &
                        PacketSet::where(Field::dst_port, {{135, 135}, {445, 445}, {4000, 4999}});
    CHECK(s == by_hand);
    CHECK(s.size() == by_hand.size());
}

TEST_CASE("--where: a field the text does not give takes every value; no addresses means both families") {
    CHECK(where("any") == PacketSet::all());
    CHECK(where("any any -> any") == PacketSet::all());
    CHECK(where("tcp") == PacketSet::where(Field::protocol, 6));
    CHECK(where("tcp 0.0.0.0/0 -> any") == (PacketSet::ipv4() & PacketSet::where(Field::protocol, 6)));
    CHECK(where("udp [::/0] -> any") == (PacketSet::ipv6() & PacketSet::where(Field::protocol, 17)));
    // A port given keeps only protocols with ports, even port 0 (which other protocols carry as 0).
    CHECK_FALSE(where("any any -> any:0").contains([] {
        Packet p;
        p.protocol = 1;
        p.icmp_type = 8;
        return p;
    }()));
}

TEST_CASE("--where: options take lists: state, flags, interfaces with + and !, ICMP types by name") {
    PacketSet s = where("tcp [state new,established] [flags syn] [in eth+] [out !eth0,eth1]");
    Packet p = tcp("1.2.3.4", 1, "5.6.7.8", 80);
    p.in_interface = "eth7";
    p.out_interface = "wlan0";
    CHECK(s.contains(p));
    p.state = ConnState::established;
    CHECK(s.contains(p));
    p.state = ConnState::related;
    CHECK_FALSE(s.contains(p));
    p.state = ConnState::new_;
    p.tcp_flags = tcp_flag::syn | tcp_flag::ack;
    CHECK_FALSE(s.contains(p));
    p.tcp_flags = tcp_flag::syn;
    p.in_interface = "wlan0";
    CHECK_FALSE(s.contains(p));
    p.in_interface = "eth";
    p.out_interface = "eth1";
    CHECK_FALSE(s.contains(p));
    p.out_interface = "";  // no output interface: not eth0 or eth1
    CHECK(s.contains(p));
    CHECK(where("any [in -]") == PacketSet::where(Field::in_iface, 0));
    CHECK(where("tcp [flags 0-1,3-255]") == where("tcp") - where("tcp [flags syn]"));

    Packet echo;
    echo.protocol = 1;
    echo.icmp_type = 8;
    echo.dst = ip("10.9.9.9");
    CHECK(where("icmp any -> 10.0.0.0/8 type echo-request").contains(echo));
    echo.icmp_type = 0;
    CHECK_FALSE(where("icmp any -> 10.0.0.0/8 type echo-request").contains(echo));
    Packet echo6;
    echo6.family = 6;
    echo6.protocol = 58;
    echo6.icmp_type = 128;
    CHECK(where("icmpv6 any -> any type echo-request").contains(echo6));
    CHECK(where("icmp,icmpv6 [code 0-3]").contains(echo6));
    CHECK(where("icmpv6 [2001:db8::/32] -> fe80::1-fe80::ff") ==
          (PacketSet::ipv6() & PacketSet::where(Field::protocol, 58) &
           PacketSet::where(Field::src_addr, *parse_ipv6("2001:db8::"),
                            *parse_ipv6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")) &
           PacketSet::where(Field::dst_addr, *parse_ipv6("fe80::1"), *parse_ipv6("fe80::ff"))));
}

TEST_CASE("--where: errors point at the offending word") {
    CHECK(error_column("") == 1);
    CHECK(error_column("  foo any -> any") == 3);               // unknown protocol
    CHECK(error_column("10.0.0.1 -> any") == 1);                // no protocol
    CHECK(error_column("tcp any -> 10.0.0.0/33:22") == 21);     // prefix length
    CHECK(error_column("tcp 10.0.0.1 10.0.0.2") == 14);         // expected '->'
    CHECK(error_column("tcp 10.0.0.300 -> any") == 5);          // invalid address
    CHECK(error_column("tcp any -> 10.0.0.9-10.0.0.1") == 21);  // range ends below its start
    CHECK(error_column("icmp any -> any:22") == 16);            // icmp has no ports (the ':')
    CHECK(error_column("tcp any -> any:70000") == 16);          // port out of range
    CHECK(error_column("tcp any -> any:") == 16);               // expected port
    CHECK(error_column("tcp any -> any [state bogus]") == 23);
    CHECK(error_column("udp [flags syn]") == 6);               // flags only for tcp
    CHECK(error_column("tcp any -> any type 8") == 16);        // type only for icmp
    CHECK(error_column("tcp [state new] [state new]") == 18);  // given twice
    CHECK(error_column("tcp 10.0.0.1 -> [::1]") == 17);        // families differ
    CHECK(error_column("tcp foo") == 5);
    CHECK(error_column("any [in eth0,!eth1]") == 14);  // the second '!'
    CHECK(error_column("any [in abcdefghijklmnopq]") == 9);
    CHECK(parse_packet_set("tcp foo").error.message.find("expected addresses") != std::string::npos);
    CHECK(parse_packet_set("tcp any -> 10.0.0.0/33:22").error.where.file == "<where>");
}

TEST_CASE("--where leaves explain's packet syntax as it was") {
    PacketParseResult p = parse_packet("tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state new] [in eth0]");
    REQUIRE(p);
    CHECK(p.packet->dst_port == 135);
    CHECK_FALSE(parse_packet("tcp any -> 10.2.0.2:135"));  // sets are for --where only
    CHECK_FALSE(parse_packet("tcp 10.1.0.2:4001 -> 10.2.0.2:1-2"));
}

TEST_CASE("disjoint_ranges: exact, disjoint, canonical, and read back by --where") {
    const std::vector<PacketSet> sets = {
        PacketSet::all(),
        where("tcp any -> 131.159.14.0/23:22"),
        where("tcp,udp 10.0.0.0/8,192.168.1.1-192.168.1.9 -> any:135,445,4000-4999 [state new,established]"),
        where("any [in eth+] [out !eth0]"),
        where("icmp,icmpv6 any -> any type echo-request [code 0-3]"),
        where("tcp [flags syn]") | where("udp 10.0.0.0/8 -> any:53"),
        where("any") - where("tcp any -> 10.0.0.1:22") - where("udp [in lo]"),
    };
    for (std::size_t i = 0; i < sets.size(); ++i) {
        const PacketSet& s = sets[i];
        HeaderRanges r = s.disjoint_ranges(1000);
        INFO("set #" << i << ": " << to_string(s));
        REQUIRE_FALSE(r.truncated());
        PacketSet covered;
        for (std::size_t a = 0; a < r.ranges.size(); ++a) {
            PacketSet m = members(r.ranges[a]);
            CHECK_FALSE(m.empty());
            CHECK_FALSE(covered.intersects(m));
            covered |= m;
            // The text of a range reads back as the same packets.
            std::string text = format_range(r.ranges[a]);
            PacketSetParseResult back = parse_packet_set(text);
            INFO("range " << text << ": " << back.error.to_string());
            REQUIRE(back);
            CHECK(*back.set == m);
            CHECK(r.ranges[a].find(Field::family) != nullptr);
        }
        CHECK(covered == s);
        // The same members cut into other boxes give the same ranges.
        PacketSet other =
            (s & PacketSet::where(Field::dst_port, 0, 99)) | (s - PacketSet::where(Field::dst_port, 0, 99));
        CHECK(other.disjoint_ranges(1000).ranges == r.ranges);
        // A limit keeps the first ranges and the total.
        HeaderRanges cut = s.disjoint_ranges(1);
        CHECK(cut.total == r.total);
        CHECK(cut.ranges.size() == 1);
        CHECK(cut.ranges.front() == r.ranges.front());
        CHECK(cut.truncated() == (r.total > 1));
    }
    // Every packet: one range per family, naming nothing else.
    HeaderRanges all = PacketSet::all().disjoint_ranges(10);
    REQUIRE(all.ranges.size() == 2);
    CHECK(all.ranges[0].fields.size() == 1);
    CHECK(format_range(all.ranges[0]) == "any 0.0.0.0/0 -> any");
    CHECK(format_range(all.ranges[1]) == "any [::/0] -> any");
    HeaderRanges ssh = where("tcp any -> 131.159.14.0/23:22 [in eth1.110]").disjoint_ranges(10);
    REQUIRE(ssh.ranges.size() == 1);
    CHECK(format_range(ssh.ranges[0]) == "tcp any -> 131.159.14.0/23:22 [in eth1.110]");
    CHECK(PacketSet().disjoint_ranges(10).total == 0);
}
