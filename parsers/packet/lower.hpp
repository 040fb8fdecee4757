// From the packet AST to a Packet: names, numbers, addresses, defaults, and their errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/error_handler.hpp"
#include "rulegap/packet.hpp"

namespace rulegap::packet {

// The packet, or nullopt with the error recorded in state (offset and message).
std::optional<Packet> lower(const ast::packet& syntax, ParseState& state);

// The words both lowerings (lower.cpp, set_lower.cpp) read alike.
std::string lower_case(std::string_view s);                              // ASCII letters only
std::optional<unsigned> small_number(std::string_view s, unsigned max);  // decimal 0..max, digits only
std::optional<ConnState> conn_state_named(std::string_view name);  // "new" -> ConnState::new_ (lower case)

// The flags byte of `flags syn,ack` (`none` alone: no flag); an unknown name fails at its word,
// with `names` (the names the syntax takes) in the message.
std::optional<std::uint8_t> tcp_flag_bits(const std::vector<ast::word>& words, ParseState& state,
                                          std::string_view names);

// ICMP / ICMPv6 type names ("echo-request" -> 8 on IPv4, 128 on IPv6).
std::optional<std::uint8_t> icmp_type_number(std::string_view name, int family);

}  // namespace rulegap::packet
