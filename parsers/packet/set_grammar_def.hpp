// The packet-set grammar. Included by set_grammar.cpp only.
//
//   set       = protocols >> ( endpoints >> *option > end | *option > end-or-address )
//   protocols = protocol % ','                 tcp,udp  6  any  0-255
//   endpoints = addresses >> -(':' > ports) > '->' > addresses >> -(':' > ports)
//   addresses = address % ','                  any  10.0.0.0/8  10.0.0.1-10.0.0.9  [2001:db8::/32]  fe80::1
//   ports     = port % ','                     any  22  4000-4999
//   option    = '[' > key > value % ',' > ']' | key > value % ','
//
// The single-packet grammar (grammar_def.hpp) is left as it is: explain's syntax and messages do
// not change. What a word means, and its errors, is decided in set_lower.cpp. The key, value,
// option body, ']' and '->' rules are the packet grammar's (tokens.hpp).
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/tokens.hpp"
#include "parsers/packet/set_grammar.hpp"

namespace rulegap::packet {

namespace set_grammar {

using namespace tokens;

struct protocol_class {};
struct protocols_class {};
struct address_class {};
struct addresses_class {};
struct port_class {};
struct ports_class {};
struct source_class {};
struct destination_class {};
struct endpoints_class {};
struct option_class {};
struct end_class {};
struct end_or_address_class {};
struct with_endpoints_class {};
struct without_endpoints_class {};

const x3::rule<protocol_class, ast::word> protocol = "protocol";
const x3::rule<protocols_class, std::vector<ast::word>> protocols = "protocol";
const x3::rule<address_class, ast::word> address = "address";
const x3::rule<addresses_class, std::vector<ast::word>> addresses = "address";
const x3::rule<port_class, ast::word> port = "port";
const x3::rule<ports_class, std::vector<ast::word>> ports = "port";
const x3::rule<source_class, ast::endpoint_set> source = "source address";
const x3::rule<destination_class, ast::endpoint_set> destination = "destination address";
const x3::rule<endpoints_class, ast::endpoints> endpoints = "source address";
const x3::rule<option_class, ast::option> option = "option";
const x3::rule<end_class> end = "option (state, in, out, flags, type, code) or end of the set";
const x3::rule<end_or_address_class> end_or_address =
    "addresses (SRC -> DST), option (state, in, out, flags, type, code) or end of the set";

const x3::rule<with_endpoints_class, ast::set_tail> with_endpoints = "source address";
const x3::rule<without_endpoints_class, ast::set_tail> without_endpoints = "option";

const auto any_word = lit("any") >> !name_char;
const auto dotted = +digit >> +(lit('.') >> +digit);
const auto ipv4_item = dotted >> -((lit('/') >> +digit) | (lit('-') >> dotted));
// A bare IPv6 address has a ':' before anything else that is not a hex digit.
const auto ipv6_item = *x3::ascii::xdigit >> lit(':') >> *address_char >> -(lit('/') >> +digit) >>
                       -(lit('-') >> +address_char);
const auto bracket_char = address_char | char_("/-");

const auto protocol_def = raw[lexeme[+name_char >> !char_(".:")]][set_text];
const auto protocols_def = protocol % ',';
const auto address_def = raw[lexeme[lit('[') >> !keyword >> +bracket_char > close]][set_text] |
                         raw[lexeme[any_word]][set_text] | raw[lexeme[ipv4_item]][set_text] |
                         raw[lexeme[!keyword >> ipv6_item]][set_text];
const auto addresses_def = address % ',';
const auto port_def = raw[lexeme[any_word | (+digit >> -(lit('-') >> +digit))]][set_text];
const auto ports_def = port % ',';
const auto source_def = addresses >> -(lit(':') > ports);
const auto destination_def = addresses >> -(lit(':') > ports);
const auto endpoints_def = source > arrow > destination;
const auto option_def = (lit('[') >> &key > option_body > close) | option_body;
const auto end_def = x3::eoi;
const auto end_or_address_def = x3::eoi;
const auto with_endpoints_def = endpoints >> *option > end;
const auto without_endpoints_def = x3::attr(boost::optional<ast::endpoints>()) >> *option > end_or_address;

BOOST_SPIRIT_DEFINE(protocol, protocols, address, addresses, port, ports, source, destination, endpoints,
                    option, end, end_or_address, with_endpoints, without_endpoints)

}  // namespace set_grammar

// The top rule lives beside its BOOST_SPIRIT_DECLARE (set_grammar.hpp) and alone has on_error.
struct packet_set_class : tokens::report_error {};

const packet_set_type packet_set = "packet set";
const auto packet_set_def = set_grammar::protocols >>
                            (set_grammar::with_endpoints | set_grammar::without_endpoints);
BOOST_SPIRIT_DEFINE(packet_set)

const packet_set_type& packet_set_rule() { return packet_set; }

}  // namespace rulegap::packet
