// The rule-string grammar ([MS-GPFAS] 2.2.2). Included by grammar.cpp only.
//
//   rule    = 'v' > version > '|' > +field > end
//   field   = key > '=' > value > '|'
//   key     = +(alnum | '_')
//   value   = *(char - '|')
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/windows/rule_string/ast.hpp"
#include "parsers/windows/rule_string/ast_adapted.hpp"
#include "parsers/windows/rule_string/error_handler.hpp"
#include "parsers/windows/rule_string/grammar.hpp"

namespace rulegap::windows::rule_string {

namespace grammar {

using x3::char_;
using x3::lit;
using x3::raw;

// The outermost rule turns an expectation failure into the parse's one error.
struct report_error {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, const Iterator&, const Exception& x,
                                      const Context& context) const {
        ParseState& state = x3::get<parse_state_tag>(context).get();
        state.fail(static_cast<std::size_t>(x.where() - state.begin), "expected " + x.which());
        return x3::error_handler_result::fail;
    }
};

struct version_class {};
struct key_class {};
struct value_class {};
struct field_class {};
struct bar_class {};
struct equals_class {};
struct end_class {};

const x3::rule<version_class, ast::text> version = "version number (as in v2.30)";
const x3::rule<key_class, ast::text> key = "key (as in Action)";
const x3::rule<value_class, ast::text> value = "value";
const x3::rule<field_class, ast::field> field = "key=value field";
const x3::rule<bar_class> bar = "'|'";
const x3::rule<equals_class> equals = "'=' after the key";
const x3::rule<end_class> end = "another key=value| field or the end of the rule string";

// A text and where it starts.
const auto set_text = [](auto& context) {
    const auto& range = x3::_attr(context);
    const ParseState& state = x3::get<parse_state_tag>(context).get();
    x3::_val(context).value.assign(range.begin(), range.end());
    x3::_val(context).offset = static_cast<std::size_t>(range.begin() - state.begin);
};

const auto version_def = raw[+x3::ascii::digit >> *(char_('.') >> +x3::ascii::digit)][set_text];
const auto key_def = raw[+(x3::ascii::alnum | char_('_'))][set_text];
const auto value_def = raw[*(char_ - '|')][set_text];
const auto bar_def = lit('|');
const auto equals_def = lit('=');
const auto field_def = key > equals > value > bar;
const auto end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(version, key, value, field, bar, equals, end)

}  // namespace grammar

// The top rule lives beside its BOOST_SPIRIT_DECLARE (grammar.hpp) and alone has on_error.
struct rule_string_class : grammar::report_error {};

const rule_string_type rule_string = "rule string (v2.NN|Key=Value|...|)";
const auto rule_string_def = x3::lit('v') > grammar::version > grammar::bar > +grammar::field > grammar::end;
BOOST_SPIRIT_DEFINE(rule_string)

const rule_string_type& rule_string_rule() { return rule_string; }

}  // namespace rulegap::windows::rule_string
