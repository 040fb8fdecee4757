// rulegap — iptables-save reader: the line grammar (one line of iptables-save output).
//
//   *filter                         table
//   :INPUT DROP [12:3400]           chain header
//   [5:300] -A INPUT -p tcp ...     command (-A -I -N -P -F -X -Z -D -E -R), optional counters
//   COMMIT
//   # comment                       (and blank lines)
//
// Options are not interpreted here: a command is its chain and a flat list of tokens (words
// and "quoted" parts), which lower.cpp interprets per match module.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/iptables/ast.hpp"

namespace rulegap::iptables::parser {

namespace x3 = boost::spirit::x3;

struct line_class;
using line_type = x3::rule<line_class, ast::Line>;
BOOST_SPIRIT_DECLARE(line_type)

}  // namespace rulegap::iptables::parser

namespace rulegap::iptables {
parser::line_type const& line_grammar();
}
