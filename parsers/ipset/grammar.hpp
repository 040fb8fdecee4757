// rulegap — ipset save reader: the line grammar.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/ipset/ast.hpp"

namespace rulegap::ipset::parser {

namespace x3 = boost::spirit::x3;

struct line_class;
using line_type = x3::rule<line_class, ast::Line>;
BOOST_SPIRIT_DECLARE(line_type)

}  // namespace rulegap::ipset::parser

namespace rulegap::ipset {
parser::line_type const& line_grammar();
}
