// The rule-string grammar's top rule: one whole rule string.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/windows/rule_string/ast.hpp"

namespace rulegap::windows::rule_string {

namespace x3 = boost::spirit::x3;

struct rule_string_class;
using rule_string_type = x3::rule<rule_string_class, ast::rule>;
BOOST_SPIRIT_DECLARE(rule_string_type)

const rule_string_type& rule_string_rule();

}  // namespace rulegap::windows::rule_string
