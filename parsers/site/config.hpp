// rulegap site reader — iterator and context types; they must match the call in reader.cpp:
//   x3::phrase_parse(first, last, x3::with<state_tag>(std::ref(state))[line()], x3::ascii::blank, attr)
#pragma once

#include <functional>

#include <boost/spirit/home/x3.hpp>

#include "parsers/site/grammar.hpp"

namespace rulegap::site {

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<x3::ascii::blank_type>::type;
using context_type = x3::context<state_tag, std::reference_wrapper<ParseState>, phrase_context_type>;

}  // namespace rulegap::site
