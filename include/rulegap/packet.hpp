// rulegap — one concrete packet, and its text syntax.
//
//   tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state new] [in eth0] [out eth1] [flags syn]
//   udp [2001:db8::1]:53 -> [2001:db8::2]:5353
//   icmp 10.0.0.1 -> 10.0.0.2 type 8 [code 0]
//   icmpv6 [fe80::1] -> [fe80::2] type 128
//   47 10.0.0.1 -> 10.0.0.2            (any protocol by number; names gre, esp, ah, ... too)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rulegap/source.hpp"

namespace rulegap {

__extension__ typedef unsigned __int128 uint128;

// Connection-tracking state, as iptables's `state`/`conntrack` matches see it.
enum class ConnState : std::uint8_t { new_ = 0, established = 1, related = 2, invalid = 3, untracked = 4 };
constexpr int conn_state_count = 5;

std::string_view to_string(ConnState s);  // "new", "established", ...

// TCP flag bits, as in the TCP header.
namespace tcp_flag {
constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10, urg = 0x20, ece = 0x40,
                       cwr = 0x80;
}

// An inclusive range of field values.
struct Interval {
    uint128 lo = 0;
    uint128 hi = 0;
    bool contains(uint128 v) const { return lo <= v && v <= hi; }
    bool operator==(const Interval&) const = default;
};

struct Packet {
    int family = 4;             // 4 or 6
    std::uint8_t protocol = 6;  // IP protocol number (tcp 6, udp 17, icmp 1, ipv6-icmp 58)
    uint128 src = 0;            // IPv4 addresses use the low 32 bits
    uint128 dst = 0;
    std::uint16_t src_port = 0;  // only for protocols with ports (tcp, udp, sctp, dccp, udplite)
    std::uint16_t dst_port = 0;
    std::uint8_t icmp_type = 0;  // only for icmp (family 4) and ipv6-icmp (family 6)
    std::uint8_t icmp_code = 0;
    std::uint8_t tcp_flags = tcp_flag::syn;  // only for tcp
    ConnState state = ConnState::new_;
    std::optional<std::string> in_interface;  // absent: not given (a rule testing it is undecided)
    std::optional<std::string> out_interface;

    bool has_ports() const;  // tcp, udp, sctp, dccp, udplite
    bool is_icmp() const;    // icmp on IPv4, ipv6-icmp on IPv6
    bool operator==(const Packet&) const = default;
};

// Protocol numbers and names.
bool protocol_has_ports(std::uint8_t protocol);
std::optional<std::uint8_t> protocol_number(std::string_view name);  // "tcp" -> 6, "ipv6-icmp"/"icmpv6" -> 58
std::string protocol_name(std::uint8_t protocol, int family);  // 6 -> "tcp", 58 -> "icmpv6", 47 -> "gre"

// Addresses.
std::string format_address(uint128 address, int family);  // 10.0.0.1, 2001:db8::1 (RFC 5952)
std::optional<uint128> parse_ipv4(std::string_view text);
std::optional<uint128> parse_ipv6(std::string_view text);

// The packet syntax above. Errors carry the column (line is 1).
struct PacketParseResult {
    std::optional<Packet> packet;
    Diagnostic error;  // set when !packet
    explicit operator bool() const { return packet.has_value(); }
};
PacketParseResult parse_packet(std::string_view text);

// Prints in the syntax parse_packet reads; state, flags and interfaces only when they differ
// from the defaults (state new, flags syn for a new tcp packet, ack otherwise) or are given.
std::string format_packet(const Packet& packet);

}  // namespace rulegap
