// Iterator and context types of the packet grammar; they match the call in packet.cpp:
//   phrase_parse(first, last, with<parse_state_tag>(std::ref(state))[packet_rule()], ascii::space)
#pragma once

#include <functional>

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/error_handler.hpp"

namespace rulegap::packet {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<x3::ascii::space_type>::type;
using context_type = x3::context<parse_state_tag, std::reference_wrapper<ParseState>, phrase_context_type>;

}  // namespace rulegap::packet
