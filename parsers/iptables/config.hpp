// rulegap — iptables-save reader: iterator and context types of the grammars.
//
// The line grammar is called as
//   x3::phrase_parse(first, last, x3::with<error_handler_tag>(std::ref(handler))[line()],
//                    x3::ascii::blank, line_ast)
// and the value grammars as x3::parse(first, last, rule, attribute); the context types below
// nest exactly like those calls.
#pragma once

#include <functional>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/error_handler.hpp"

namespace rulegap::iptables {
using common::ErrorHandler;
using common::error_handler_tag;
}  // namespace rulegap::iptables

namespace rulegap::iptables::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<x3::ascii::blank_type>::type;
using context_type =
    x3::context<error_handler_tag, std::reference_wrapper<ErrorHandler>, phrase_context_type>;
using value_context_type = x3::unused_type;

}  // namespace rulegap::iptables::parser
