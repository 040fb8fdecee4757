// The packet grammar. Included by grammar.cpp only.
//
//   packet   = protocol > source > '->' > destination > *option > end
//   endpoint = address >> -(':' > port)
//   address  = '[' IPv6 ']' | dotted quad | bare IPv6 (no port then)
//   option   = '[' > key > value % ',' > ']' | key > value % ','
//
// Which protocol needs ports or an ICMP type, whether addresses are valid and agree, and what
// option values mean is decided in lower.cpp, so that those errors carry precise columns too.
// The key, value, option body, ']' and '->' rules are shared with the set grammar (tokens.hpp).
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/tokens.hpp"
#include "parsers/packet/grammar.hpp"

namespace rulegap::packet {

namespace grammar {

using namespace tokens;

struct protocol_class {};
struct address_class {};
struct port_class {};
struct ipv6_body_class {};
struct source_class {};
struct destination_class {};
struct option_class {};
struct end_class {};

const x3::rule<protocol_class, ast::word> protocol = "protocol";
const x3::rule<address_class, ast::word> address = "address";
const x3::rule<port_class, ast::word> port = "port";
const x3::rule<ipv6_body_class> ipv6_body = "IPv6 address";
const x3::rule<source_class, ast::endpoint> source = "source address";
const x3::rule<destination_class, ast::endpoint> destination = "destination address";
const x3::rule<option_class, ast::option> option = "option";
const x3::rule<end_class> end = "option (state, in, out, flags) or end of packet";

const auto protocol_def = raw[lexeme[+name_char]][set_text];
const auto ipv6_body_def = lexeme[+address_char];
const auto address_def = raw[lexeme[lit('[') > ipv6_body > close]][set_text] |
                         raw[lexeme[+digit >> +(lit('.') >> +digit)]][set_text] |
                         raw[lexeme[+address_char]][set_text];
const auto port_def = raw[lexeme[+digit]][set_text];
const auto source_def = address >> -(lit(':') > port);
const auto destination_def = address >> -(lit(':') > port);
const auto option_def = (lit('[') > option_body > close) | option_body;
const auto end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(protocol, address, port, ipv6_body, source, destination, option, end)

}  // namespace grammar

// The top rule lives beside its BOOST_SPIRIT_DECLARE (grammar.hpp) and alone has on_error.
struct packet_class : tokens::report_error {};

const packet_type packet = "packet";
const auto packet_def = grammar::protocol > grammar::source > grammar::arrow > grammar::destination >
                        *grammar::option > grammar::end;
BOOST_SPIRIT_DEFINE(packet)

const packet_type& packet_rule() { return packet; }

}  // namespace rulegap::packet
