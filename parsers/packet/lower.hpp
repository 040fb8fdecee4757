// From the packet AST to a Packet: names, numbers, addresses, defaults, and their errors.
#pragma once

#include <optional>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/error_handler.hpp"
#include "rulegap/packet.hpp"

namespace rulegap::packet_syntax {

// The packet, or nullopt with the error recorded in state (offset and message).
std::optional<Packet> lower(const ast::packet& syntax, ParseState& state);

// ICMP / ICMPv6 type names ("echo-request" -> 8 on IPv4, 128 on IPv6).
std::optional<std::uint8_t> icmp_type_number(std::string_view name, int family);

}  // namespace rulegap::packet_syntax
