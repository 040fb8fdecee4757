// rulegap catalog reader — the grammar of one catalog line, as callers see it.
//
// Callers include this and config.hpp, never grammar_def.hpp (compiled once, in grammar.cpp).
#pragma once

#include <string>

#include <boost/spirit/home/x3.hpp>

#include "parsers/catalog/ast.hpp"

namespace rulegap::catalog {

namespace x3 = boost::spirit::x3;

// What the line rule's error handler leaves behind; reached through `state_tag` in the context.
struct state_tag;
struct ParseState {
    const char* error_at = nullptr;  // where the expectation failed
    std::string expected;            // the name of what was expected there ("flow", "remark", ...)
};

struct line_class;
using line_type = x3::rule<line_class, boost::optional<catalog::ast::Statement>>;
BOOST_SPIRIT_DECLARE(line_type)

// One line without its line end: empty, a comment, or a statement (plus an optional comment).
line_type const& line();

}  // namespace rulegap::catalog
