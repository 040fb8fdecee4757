// The packet-set grammar's top rule (`rulegap query --where`): a set of packets, the whole text.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/ast.hpp"

namespace rulegap::packet {

namespace x3 = boost::spirit::x3;

struct packet_set_class;
using packet_set_type = x3::rule<packet_set_class, ast::packet_set>;
BOOST_SPIRIT_DECLARE(packet_set_type)

const packet_set_type& packet_set_rule();

}  // namespace rulegap::packet
