// rulegap — ipset save reader: iterator and context types, matching the call
//   x3::phrase_parse(first, last, x3::with<error_handler_tag>(std::ref(handler))[line()],
//                    x3::ascii::blank, line_ast)
#pragma once

#include <functional>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/error_handler.hpp"

namespace rulegap::ipset::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<x3::ascii::blank_type>::type;
using context_type =
    x3::context<common::error_handler_tag, std::reference_wrapper<common::ErrorHandler>, phrase_context_type>;

}  // namespace rulegap::ipset::parser
