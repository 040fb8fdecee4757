// Iterator and context types of the rule-string grammar; they match the call in lower.cpp:
//   x3::parse(first, last, with<parse_state_tag>(std::ref(state))[rule_string_rule()], ast)
// (no skipper: blanks belong to values, as in "Name=Block FTP Port 80").
#pragma once

#include <functional>

#include <boost/spirit/home/x3.hpp>

#include "parsers/windows/rule_string/error_handler.hpp"

namespace rulegap::windows::rule_string {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;
using context_type = x3::context<parse_state_tag, std::reference_wrapper<ParseState>, x3::unused_type>;

}  // namespace rulegap::windows::rule_string
