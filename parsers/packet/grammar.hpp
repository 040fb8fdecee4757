// The packet grammar's top rule: one packet, the whole text.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/ast.hpp"

namespace rulegap::packet {

namespace x3 = boost::spirit::x3;

struct packet_class;
using packet_type = x3::rule<packet_class, ast::packet>;
BOOST_SPIRIT_DECLARE(packet_type)

const packet_type& packet_rule();

}  // namespace rulegap::packet
