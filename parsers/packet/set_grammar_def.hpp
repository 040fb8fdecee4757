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
// not change. What a word means, and its errors, is decided in set_lower.cpp.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/ast_adapted.hpp"
#include "parsers/packet/error_handler.hpp"
#include "parsers/packet/set_grammar.hpp"

namespace rulegap::packet_syntax {

namespace set_grammar {

using x3::char_;
using x3::lexeme;
using x3::lit;
using x3::raw;

// The outermost rule turns an expectation failure into the parse's one error.
struct report_error {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, const Iterator& last, const Exception& x, const Context& context) const {
        ParseState& state = x3::get<parse_state_tag>(context).get();
        Iterator at = x.where();  // point at what stands there instead, not at the blank before it
        while (at != last && (*at == ' ' || *at == '\t' || *at == '\r' || *at == '\n')) ++at;
        state.fail(static_cast<std::size_t>(at - state.begin), expected_message(x.which()));
        return x3::error_handler_result::fail;
    }
};

struct protocol_class {};
struct protocols_class {};
struct address_class {};
struct addresses_class {};
struct port_class {};
struct ports_class {};
struct key_class {};
struct value_class {};
struct close_class {};
struct arrow_class {};
struct source_class {};
struct destination_class {};
struct endpoints_class {};
struct option_body_class {};
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
const x3::rule<key_class, ast::word> key = "option (state, in, out, flags, type, code)";
const x3::rule<value_class, ast::word> value = "option value";
const x3::rule<close_class> close = "']'";
const x3::rule<arrow_class> arrow = "'->'";
const x3::rule<source_class, ast::endpoint_set> source = "source address";
const x3::rule<destination_class, ast::endpoint_set> destination = "destination address";
const x3::rule<endpoints_class, ast::endpoints> endpoints = "source address";
const x3::rule<option_body_class, ast::option> option_body = "option";
const x3::rule<option_class, ast::option> option = "option";
const x3::rule<end_class> end = "option (state, in, out, flags, type, code) or end of the set";
const x3::rule<end_or_address_class> end_or_address =
    "addresses (SRC -> DST), option (state, in, out, flags, type, code) or end of the set";

const x3::rule<with_endpoints_class, ast::set_tail> with_endpoints = "source address";
const x3::rule<without_endpoints_class, ast::set_tail> without_endpoints = "option";

// A word's text and where it starts.
const auto set_text = [](auto& context) {
    const auto& range = x3::_attr(context);
    const ParseState& state = x3::get<parse_state_tag>(context).get();
    x3::_val(context).text.assign(range.begin(), range.end());
    x3::_val(context).offset = static_cast<std::size_t>(range.begin() - state.begin);
};

// ASCII character classes throughout: bytes above 0x7f are then simply not matched.
const auto name_char = x3::ascii::alnum | char_("-_");
const auto address_char = x3::ascii::xdigit | char_(":.");
const auto digit = x3::ascii::digit;
const auto keyword = (lit("state") | lit("in") | lit("out") | lit("flags") | lit("type") | lit("code")) >> !name_char;
const auto any_word = lit("any") >> !name_char;
const auto dotted = +digit >> +(lit('.') >> +digit);
const auto ipv4_item = dotted >> -((lit('/') >> +digit) | (lit('-') >> dotted));
// A bare IPv6 address has a ':' before anything else that is not a hex digit.
const auto ipv6_item = *x3::ascii::xdigit >> lit(':') >> *address_char >> -(lit('/') >> +digit) >>
                       -(lit('-') >> +address_char);
const auto bracket_char = address_char | char_("/-");

const auto protocol_def = raw[lexeme[+name_char >> !char_(".:")]][set_text];
const auto protocols_def = protocol % ',';
const auto close_def = lit(']');
const auto address_def = raw[lexeme[lit('[') >> !keyword >> +bracket_char > close]][set_text]
                       | raw[lexeme[any_word]][set_text]
                       | raw[lexeme[ipv4_item]][set_text]
                       | raw[lexeme[!keyword >> ipv6_item]][set_text];
const auto addresses_def = address % ',';
const auto port_def = raw[lexeme[any_word | (+digit >> -(lit('-') >> +digit))]][set_text];
const auto ports_def = port % ',';
const auto source_def = addresses >> -(lit(':') > ports);
const auto destination_def = addresses >> -(lit(':') > ports);
const auto arrow_def = lit("->");
const auto endpoints_def = source > arrow > destination;
const auto key_def = raw[lexeme[keyword]][set_text];
const auto value_def = raw[lexeme[+~char_(" \t\r\n\f\v[],")]][set_text];
const auto option_body_def = key > (value % ',');
const auto option_def = (lit('[') >> &key > option_body > close) | option_body;
const auto end_def = x3::eoi;
const auto end_or_address_def = x3::eoi;
const auto with_endpoints_def = endpoints >> *option > end;
const auto without_endpoints_def = x3::attr(boost::optional<ast::endpoints>()) >> *option > end_or_address;

BOOST_SPIRIT_DEFINE(protocol, protocols, address, addresses, port, ports, key, value, close, arrow, source,
                    destination, endpoints, option_body, option, end, end_or_address, with_endpoints, without_endpoints)

}  // namespace set_grammar

// The top rule lives beside its BOOST_SPIRIT_DECLARE (set_grammar.hpp) and alone has on_error.
struct packet_set_class : set_grammar::report_error {};

const packet_set_type packet_set = "packet set";
const auto packet_set_def = set_grammar::protocols >> (set_grammar::with_endpoints | set_grammar::without_endpoints);
BOOST_SPIRIT_DEFINE(packet_set)

const packet_set_type& packet_set_rule() { return packet_set; }

}  // namespace rulegap::packet_syntax
