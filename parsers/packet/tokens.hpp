// What the packet grammar and the packet-set grammar share (included by both _def files, as
// calc9's common.hpp is): the outer rule's error handler, the word action, the character
// classes and the option keywords, and the rules that read the same in both languages.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/ast.hpp"
#include "parsers/packet/ast_adapted.hpp"
#include "parsers/packet/error_handler.hpp"

namespace rulegap::packet::tokens {

namespace x3 = boost::spirit::x3;

using x3::char_;
using x3::lexeme;
using x3::lit;
using x3::raw;

// The outermost rule turns an expectation failure into the parse's one error.
struct report_error {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, const Iterator& last, const Exception& x,
                                      const Context& context) const {
        ParseState& state = x3::get<parse_state_tag>(context).get();
        Iterator at = x.where();  // point at what stands there instead, not at the blank before it
        while (at != last && (*at == ' ' || *at == '\t' || *at == '\r' || *at == '\n')) ++at;
        state.fail(static_cast<std::size_t>(at - state.begin), expected_message(x.which()));
        return x3::error_handler_result::fail;
    }
};

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
const auto keyword =
    (lit("state") | lit("in") | lit("out") | lit("flags") | lit("type") | lit("code")) >> !name_char;

//   option body = key > value % ','        state new   flags syn,ack   [in eth0]
struct key_class {};
struct value_class {};
struct values_class {};
struct close_class {};
struct arrow_class {};
struct option_body_class {};

const x3::rule<key_class, ast::word> key = "option (state, in, out, flags, type, code)";
const x3::rule<value_class, ast::word> value = "option value";
// Named, so that an expectation failure says "option value", not the list parser's type name.
const x3::rule<values_class, std::vector<ast::word>> values = "option value";
const x3::rule<close_class> close = "']'";
const x3::rule<arrow_class> arrow = "'->'";
const x3::rule<option_body_class, ast::option> option_body = "option";

const auto key_def = raw[lexeme[keyword]][set_text];
const auto value_def = raw[lexeme[+~char_(" \t\r\n\f\v[],")]][set_text];
const auto close_def = lit(']');
const auto arrow_def = lit("->");
const auto values_def = value % ',';
const auto option_body_def = key > values;

BOOST_SPIRIT_DEFINE(key, value, values, close, arrow, option_body)

}  // namespace rulegap::packet::tokens
