// From the packet-set AST (`rulegap query --where`) to a PacketSet, with errors at their word.
#pragma once

#include <optional>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/error_handler.hpp"
#include "rulegap/packet_set.hpp"

namespace rulegap::packet {

// The set, or nullopt with the error recorded in state (offset and message).
std::optional<PacketSet> lower(const ast::packet_set& syntax, ParseState& state);

}  // namespace rulegap::packet
