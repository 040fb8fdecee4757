// Fusion adaptations of the rule-string syntax tree.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/windows/rule_string/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::windows::rule_string::ast::field, key, value)
BOOST_FUSION_ADAPT_STRUCT(rulegap::windows::rule_string::ast::rule, version, fields)
