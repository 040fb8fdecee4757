// Packets: protocol names, address text (RFC 5952), and the packet syntax with its errors.
#include <doctest/doctest.h>

#include <random>

#include "rulegap/packet.hpp"

using namespace rulegap;

namespace {

Packet parsed(std::string_view text) {
    PacketParseResult r = parse_packet(text);
    INFO(text << " -> " << r.error.to_string());
    REQUIRE(r);
    return *r.packet;
}

// The column of the error, or 0 when the text parsed.
std::uint32_t error_column(std::string_view text) {
    PacketParseResult r = parse_packet(text);
    if (r) return 0;
    INFO(text << " -> " << r.error.to_string());
    CHECK(r.error.where.line == 1);
    CHECK(r.error.severity == Severity::error);
    CHECK(!r.error.message.empty());
    CHECK(r.error.message.find('\n') == std::string::npos);
    return r.error.where.column;
}

uint128 v6(std::string_view text) {
    std::optional<uint128> v = parse_ipv6(text);
    REQUIRE(v);
    return *v;
}

}  // namespace

TEST_CASE("protocol names and numbers") {
    CHECK(protocol_number("tcp") == 6);
    CHECK(protocol_number("UDP") == 17);
    CHECK(protocol_number("icmp") == 1);
    CHECK(protocol_number("icmpv6") == 58);
    CHECK(protocol_number("ipv6-icmp") == 58);
    CHECK(protocol_number("sctp") == 132);
    CHECK(protocol_number("gre") == 47);
    CHECK(protocol_number("esp") == 50);
    CHECK(protocol_number("ah") == 51);
    CHECK(protocol_number("all") == 0);
    CHECK(protocol_number("47") == 47);
    CHECK_FALSE(protocol_number("256").has_value());
    CHECK_FALSE(protocol_number("nosuch").has_value());
    CHECK(protocol_name(6, 4) == "tcp");
    CHECK(protocol_name(58, 6) == "icmpv6");
    CHECK(protocol_name(47, 4) == "gre");
    CHECK(protocol_name(253, 4) == "253");
    for (int n = 0; n < 256; ++n) {
        auto p = static_cast<std::uint8_t>(n);
        CHECK(protocol_number(protocol_name(p, 4)) == p);
        CHECK(protocol_number(protocol_name(p, 6)) == p);
    }
    Packet p;
    p.protocol = 132;
    CHECK(p.has_ports());
    p.protocol = 58;
    CHECK_FALSE(p.is_icmp());
    p.family = 6;
    CHECK(p.is_icmp());
    CHECK(to_string(ConnState::established) == "established");
}

TEST_CASE("addresses") {
    CHECK(parse_ipv4("10.0.0.1") == uint128{0x0a000001});
    CHECK(parse_ipv4("255.255.255.255") == uint128{0xffffffff});
    for (const char* bad : {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.", "", "a.b.c.d", "1..2.3"})
        CHECK_FALSE(parse_ipv4(bad).has_value());
    CHECK(format_address(0x0a000001, 4) == "10.0.0.1");
    // RFC 5952 section 4.
    CHECK(format_address(v6("2001:0db8:0000:0000:0000:0000:0000:0001"), 6) == "2001:db8::1");
    CHECK(format_address(v6("2001:db8:0:1:1:1:1:1"), 6) == "2001:db8:0:1:1:1:1:1");  // one zero group stays
    CHECK(format_address(v6("2001:0:0:1:0:0:0:1"), 6) == "2001:0:0:1::1");           // longest run
    CHECK(format_address(v6("2001:db8:0:0:1:0:0:1"), 6) == "2001:db8::1:0:0:1");     // first of equal runs
    CHECK(format_address(v6("2001:DB8::AB"), 6) == "2001:db8::ab");
    CHECK(format_address(0, 6) == "::");
    CHECK(format_address(1, 6) == "::1");
    CHECK(format_address(v6("1::"), 6) == "1::");
    CHECK(format_address(v6("::ffff:192.0.2.1"), 6) == "::ffff:192.0.2.1");
    CHECK(v6("::ffff:192.0.2.1") == ((uint128{0xffff} << 32) | 0xc0000201));
    CHECK(v6("1:2:3:4:5:6:7::") == (v6("1:2:3:4:5:6:7:0")));
    for (const char* bad : {"1:2:3:4:5:6:7:8:9", ":1", "1:::2", "12345::", "1::2::3",
                            "g::", "1:2:3:4:5:6:7:8::", "1:", "::1.2.3", "fe80::1%eth0"})
        CHECK_FALSE(parse_ipv6(bad).has_value());
    std::mt19937_64 rng(5);
    for (int i = 0; i < 300; ++i) {
        uint128 a = (uint128{rng()} << 64) | rng();
        // Make zero runs common.
        for (int g = 0; g < 8; ++g)
            if (rng() % 2) a &= ~(uint128{0xffff} << (16 * g));
        std::string text = format_address(a, 6);
        CHECK(parse_ipv6(text) == a);
        CHECK(text.find(":::") == std::string::npos);
    }
}

TEST_CASE("packet syntax: examples") {
    Packet p = parsed("tcp 10.1.0.2:4001 -> 10.2.0.2:135");
    CHECK(p.family == 4);
    CHECK(p.protocol == 6);
    CHECK(p.src == 0x0a010002);
    CHECK(p.dst == 0x0a020002);
    CHECK(p.src_port == 4001);
    CHECK(p.dst_port == 135);
    CHECK(p.state == ConnState::new_);
    CHECK(p.tcp_flags == tcp_flag::syn);
    CHECK_FALSE(p.in_interface.has_value());

    p = parsed("tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state established] [in eth0] [out eth1]");
    CHECK(p.state == ConnState::established);
    CHECK(p.tcp_flags == tcp_flag::ack);
    CHECK(p.in_interface == "eth0");
    CHECK(p.out_interface == "eth1");

    p = parsed("  TCP 10.1.0.2:1 -> 10.2.0.2:2 out eth1 flags syn,ack state related  ");
    CHECK(p.tcp_flags == (tcp_flag::syn | tcp_flag::ack));
    CHECK(p.state == ConnState::related);
    CHECK(parsed("tcp 1.1.1.1:1 -> 2.2.2.2:2 flags none").tcp_flags == 0);

    p = parsed("udp [2001:db8::1]:53 -> [2001:db8::2]:5353");
    CHECK(p.family == 6);
    CHECK(p.protocol == 17);
    CHECK(p.src == v6("2001:db8::1"));
    CHECK(p.dst_port == 5353);

    p = parsed("icmp 10.0.0.1 -> 10.0.0.2 type 8");
    CHECK(p.is_icmp());
    CHECK(p.icmp_type == 8);
    CHECK(p.icmp_code == 0);
    CHECK(parsed("icmp 10.0.0.1 -> 10.0.0.2 type 3 code 4").icmp_code == 4);
    CHECK(parsed("icmp 10.0.0.1 -> 10.0.0.2 type 3 [code 4]").icmp_code == 4);
    CHECK(parsed("icmp 10.0.0.1 -> 10.0.0.2 type echo-request").icmp_type == 8);
    CHECK(parsed("icmpv6 [fe80::1] -> [fe80::2] type echo-request").icmp_type == 128);
    p = parsed("icmpv6 [fe80::1] -> [fe80::2] type 128");
    CHECK(p.family == 6);
    CHECK(p.protocol == 58);
    CHECK(p.icmp_type == 128);
    CHECK(parsed("ipv6-icmp fe80::1 -> fe80::2 type 135").icmp_type == 135);

    p = parsed("47 10.0.0.1 -> 10.0.0.2");
    CHECK(p.protocol == 47);
    CHECK(parsed("gre 10.0.0.1 -> 10.0.0.2") == p);
    CHECK(parsed("esp [2001:db8::1] -> 2001:db8::2").protocol == 50);
    CHECK(parsed("sctp 10.0.0.1:5 -> 10.0.0.2:6").protocol == 132);
    CHECK(parsed("dccp 10.0.0.1:5 -> 10.0.0.2:6").protocol == 33);
    CHECK(parsed("udplite 10.0.0.1:5 -> 10.0.0.2:6").protocol == 136);
}

TEST_CASE("packet syntax: format") {
    CHECK(format_packet(parsed("tcp 10.1.0.2:4001 -> 10.2.0.2:135")) == "tcp 10.1.0.2:4001 -> 10.2.0.2:135");
    CHECK(format_packet(parsed("tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state established] [in eth0]")) ==
          "tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state established] [in eth0]");
    CHECK(format_packet(parsed("tcp 1.1.1.1:1 -> 2.2.2.2:2 flags ack,syn")) ==
          "tcp 1.1.1.1:1 -> 2.2.2.2:2 [flags syn,ack]");
    CHECK(format_packet(parsed("udp [2001:DB8:0::1]:53 -> [2001:db8::2]:5353")) ==
          "udp [2001:db8::1]:53 -> [2001:db8::2]:5353");
    CHECK(format_packet(parsed("icmpv6 fe80::1 -> fe80::2 type 1 code 3")) ==
          "icmpv6 [fe80::1] -> [fe80::2] type 1 code 3");
    CHECK(format_packet(parsed("gre 10.0.0.1 -> 10.0.0.2 state invalid")) ==
          "gre 10.0.0.1 -> 10.0.0.2 [state invalid]");
}

TEST_CASE("packet syntax: round trip on random packets") {
    std::mt19937 rng(2024);
    const std::uint8_t protos[] = {6, 17, 33, 132, 136, 1, 58, 47, 50, 0, 253, 41};
    const char* names[] = {"eth0", "wlan0", "br-lan", "veth1.100", "x"};
    for (int i = 0; i < 400; ++i) {
        Packet p;
        p.family = rng() % 2 ? 4 : 6;
        p.protocol = protos[rng() % 12];
        if (p.family == 4) {
            p.src = rng();
            p.dst = rng();
        } else {
            p.src = (uint128{rng()} << 96) | (rng() % 4 ? 0 : rng());
            p.dst = (uint128{rng()} << 64) | rng();
        }
        p.state = static_cast<ConnState>(rng() % 5);
        if (p.has_ports()) {
            p.src_port = static_cast<std::uint16_t>(rng());
            p.dst_port = static_cast<std::uint16_t>(rng());
        }
        if (p.is_icmp()) {
            p.icmp_type = static_cast<std::uint8_t>(rng());
            p.icmp_code = static_cast<std::uint8_t>(rng() % 3 ? 0 : rng());
        }
        if (p.protocol == 6)
            p.tcp_flags =
                static_cast<std::uint8_t>(rng() % 3 ? (p.state == ConnState::new_ ? 2 : 16) : rng());
        if (rng() % 2) p.in_interface = names[rng() % 5];
        if (rng() % 2) p.out_interface = names[rng() % 5];
        std::string text = format_packet(p);
        PacketParseResult r = parse_packet(text);
        INFO(text << " : " << r.error.to_string());
        REQUIRE(r);
        CHECK(*r.packet == p);
    }
}

TEST_CASE("packet syntax: errors carry the column") {
    CHECK(error_column("tcp 10.0.0.1: -> 10.0.0.2:80") == 15);  // expected port after ':'
    CHECK(parse_packet("tcp 10.0.0.1: -> 10.0.0.2:80").error.message == "expected port after ':'");
    CHECK(parse_packet("tcp 10.0.0.1:1 -> 10.0.0.2:80").error.where.file == "");  // success: no error
    CHECK(parse_packet("tcp 10.0.0.1: -> 10.0.0.2:80").error.where.file == "<packet>");
    CHECK(error_column("tcp 10.0.0.1 -> 10.0.0.2:80") == 13);  // tcp needs a port
    CHECK(error_column("tcp 10.0.0.1:1 10.0.0.2:80") == 16);   // expected '->'
    CHECK(error_column("tcp 10.0.0.1:1 -> ") == 19);           // expected destination
    CHECK(error_column("") == 1);
    CHECK(error_column("   ") == 4);
    CHECK(error_column("foo 10.0.0.1 -> 10.0.0.2") == 1);             // unknown protocol
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:70000") == 28);    // port out of range
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.256:80") == 19);     // invalid IPv4
    CHECK(error_column("tcp 10.0.0.1:1 -> [2001:db8::1]:80") == 19);  // families differ
    CHECK(error_column("udp [2001:db8::x]:1 -> [::1]:2") == 16);      // expected ']', at the 'x'
    CHECK(error_column("udp [2001:db8::1:1 -> [::1]:2") == 20);       // expected ']', at "->"
    CHECK(error_column("udp 2001:db8::1:53 -> [::1]:2") == 19);       // IPv6 with port needs brackets
    CHECK(error_column("gre 10.0.0.1:5 -> 10.0.0.2") == 13);          // gre has no ports
    CHECK(error_column("icmp 10.0.0.1 -> 10.0.0.2") == 26);           // icmp needs a type
    CHECK(error_column("icmp 10.0.0.1 -> 10.0.0.2 type 300") == 32);
    CHECK(error_column("icmp 10.0.0.1 -> 10.0.0.2 type 8 flags syn") == 34);  // flags only for tcp
    CHECK(error_column("udp 10.0.0.1:1 -> 10.0.0.2:2 type 8") == 30);         // type only for icmp
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 state bogus") == 36);
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 state new state new") == 40);  // twice
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 flags syn,bogus") == 40);
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 in eth0 junk") == 38);
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 [in eth0") == 38);             // expected ']'
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 in") == 32);                   // expected a value
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 in abcdefghijklmnop") == 33);  // 16 bytes
    CHECK(error_column("all 10.0.0.1 -> 10.0.0.2") == 1);
    CHECK(error_column("icmp [::1] -> [::2] type 8") == 21);              // icmp on IPv6 is not icmpv6
    CHECK(error_column("tcp \xc3\xa9 -> 10.0.0.2") == 5);                 // bytes above 0x7f are no trouble
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 STATE new") == 30);  // options are lower case
    // Columns count characters: a two-byte character before the error counts once.
    CHECK(error_column("tcp 10.0.0.1:1 -> 10.0.0.2:2 in \xc3\xa9th0 junk") == 38);
}

TEST_CASE("an option without a value says so in words, not a parser's type name") {
    for (const char* text : {"tcp 1.2.3.4:1 -> 5.6.7.8:22 [out ]", "tcp 1.2.3.4:1 -> 5.6.7.8:22 [in ]",
                             "tcp 1.2.3.4:1 -> 5.6.7.8:22 flags"}) {
        PacketParseResult r = parse_packet(text);
        REQUIRE_FALSE(r);
        INFO(text << " -> " << r.error.to_string());
        CHECK(r.error.message.find("boost") == std::string::npos);
        CHECK(r.error.message.find("value") != std::string::npos);
    }
}
