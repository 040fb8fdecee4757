// Fusion adaptations of the packet AST (word is filled by semantic actions, not adapted).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/packet/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::endpoint, address, port)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::option, key, values)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::packet, protocol, source, destination, options)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::endpoint_set, addresses, ports)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::endpoints, source, destination)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::set_tail, between, options)
BOOST_FUSION_ADAPT_STRUCT(rulegap::packet::ast::packet_set, protocols, rest)
