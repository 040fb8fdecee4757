// The packet grammar. Included by grammar.cpp only.
//
//   packet   = protocol > source > '->' > destination > *option > end
//   endpoint = address >> -(':' > port)
//   address  = '[' IPv6 ']' | dotted quad | bare IPv6 (no port then)
//   option   = '[' > key > value % ',' > ']' | key > value % ','
//
// Which protocol needs ports or an ICMP type, whether addresses are valid and agree, and what
// option values mean is decided in lower.cpp, so that those errors carry precise columns too.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/ast_adapted.hpp"
#include "parsers/packet/error_handler.hpp"
#include "parsers/packet/grammar.hpp"

namespace rulegap::packet_syntax {

namespace grammar {

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
struct address_class {};
struct port_class {};
struct key_class {};
struct value_class {};
struct ipv6_body_class {};
struct close_class {};
struct arrow_class {};
struct source_class {};
struct destination_class {};
struct option_body_class {};
struct option_class {};
struct end_class {};

const x3::rule<protocol_class, ast::word> protocol = "protocol";
const x3::rule<address_class, ast::word> address = "address";
const x3::rule<port_class, ast::word> port = "port";
const x3::rule<key_class, ast::word> key = "option (state, in, out, flags, type, code)";
const x3::rule<value_class, ast::word> value = "option value";
const x3::rule<ipv6_body_class> ipv6_body = "IPv6 address";
const x3::rule<close_class> close = "']'";
const x3::rule<arrow_class> arrow = "'->'";
const x3::rule<source_class, ast::endpoint> source = "source address";
const x3::rule<destination_class, ast::endpoint> destination = "destination address";
const x3::rule<option_body_class, ast::option> option_body = "option";
const x3::rule<option_class, ast::option> option = "option";
const x3::rule<end_class> end = "option (state, in, out, flags) or end of packet";

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
const auto keyword = lit("state") | lit("in") | lit("out") | lit("flags") | lit("type") | lit("code");

const auto protocol_def = raw[lexeme[+name_char]][set_text];
const auto ipv6_body_def = lexeme[+address_char];
const auto close_def = lit(']');
const auto address_def = raw[lexeme[lit('[') > ipv6_body > close]][set_text]
                       | raw[lexeme[+digit >> +(lit('.') >> +digit)]][set_text]
                       | raw[lexeme[+address_char]][set_text];
const auto port_def = raw[lexeme[+digit]][set_text];
const auto source_def = address >> -(lit(':') > port);
const auto destination_def = address >> -(lit(':') > port);
const auto arrow_def = lit("->");
const auto key_def = raw[lexeme[keyword >> !name_char]][set_text];
const auto value_def = raw[lexeme[+~char_(" \t\r\n\f\v[],")]][set_text];
const auto option_body_def = key > (value % ',');
const auto option_def = (lit('[') > option_body > close) | option_body;
const auto end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(protocol, address, port, key, value, ipv6_body, close, arrow, source, destination,
                    option_body, option, end)

}  // namespace grammar

// The top rule lives beside its BOOST_SPIRIT_DECLARE (grammar.hpp) and alone has on_error.
struct packet_class : grammar::report_error {};

const packet_type packet = "packet";
const auto packet_def = grammar::protocol > grammar::source > grammar::arrow > grammar::destination >
                        *grammar::option > grammar::end;
BOOST_SPIRIT_DEFINE(packet)

const packet_type& packet_rule() { return packet; }

}  // namespace rulegap::packet_syntax
