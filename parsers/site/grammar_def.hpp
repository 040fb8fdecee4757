// rulegap site reader — the rules. Included by grammar.cpp only.
//
// Every leaf is captured with raw[] as a Span into the line, so lowering can both read the value
// and point at it. `>` marks committed points: after a statement's keyword, after `=`, after
// `via`, `and`, `on`, `in`. The one on_error sits on `line`.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/lexical.hpp"
#include "parsers/site/ast.hpp"
#include "parsers/site/ast_adapted.hpp"
#include "parsers/site/grammar.hpp"

namespace rulegap::site {
using common::kw;
using x3::ascii::alnum;  // ascii classes test ischar first: safe on any byte (UTF-8 too)
using x3::ascii::alpha;
using x3::char_;
using x3::eoi;
using x3::lexeme;
using x3::lit;
using x3::omit;
using x3::raw;

// The line rule's ID: an expectation failure becomes a ParseState entry (one per line).
struct line_class : common::record_line_error<state_tag, ParseState> {};

// Lexical rules (names are what a user reads in "expected ...").
x3::rule<struct quoted_class, ast::Span> const quoted = "quoted string";
x3::rule<struct file_class, ast::Span> const file = "file name (a quoted string)";
x3::rule<struct role_name_class, ast::Span> const role_name = "role name (a quoted string)";
x3::rule<struct name_class, ast::Span> const name = "name";
x3::rule<struct zone_name_class, ast::Span> const zone_name = "zone name";
x3::rule<struct id_class, ast::Span> const id = "requirement id or prefix";
x3::rule<struct item_class, ast::Span> const item =
    "address or port (10.0.0.0/8, 10.0.0.1-10.0.0.9, 4000-4999, any)";
x3::rule<struct word_class, ast::Span> const word = "value";
x3::rule<struct interface_class, ast::Span> const interface = "interface name";
x3::rule<struct equals_class> const equals = "'='";
x3::rule<struct comment_class> const comment = "comment";
x3::rule<struct end_of_line_class> const end_of_line = "end of line";

auto const quoted_def = raw[common::quoted_string()];
auto const file_def = quoted;
auto const role_name_def = quoted;
auto const name_def = raw[lexeme[alpha >> *(alnum | char_("-_"))]];
auto const zone_name_def = name;
auto const id_def = raw[lexeme[alpha >> *(alnum | char_("-_."))]];
auto const item_def = raw[lexeme[+(alnum | char_(":./-"))]];
auto const word_def = raw[lexeme[+(alnum | char_("-_./:"))]];
auto const interface_def = raw[lexeme[+(alnum | char_("._+@-"))]];
auto const equals_def = lit('=');
auto const comment_def = lexeme['#' >> *char_];
auto const end_of_line_def = eoi;

BOOST_SPIRIT_DEFINE(quoted, file, role_name, name, zone_name, id, item, word, interface, equals, comment,
                    end_of_line)

// Lists and parts.
x3::rule<struct items_class, std::vector<ast::Span>> const items = "addresses or ports";
x3::rule<struct files_class, std::vector<ast::Span>> const files = "firewall file (a quoted string)";
x3::rule<struct zones_class, std::vector<ast::Span>> const zones = "zone names";
x3::rule<struct side_class, ast::Side> const side = "zone (NAME [via INTERFACE])";
x3::rule<struct sides_class, std::vector<ast::Side>> const sides = "zones (A [via IF] and B [via IF])";
x3::rule<struct on_role_class, ast::OnRole> const on_role = "on";
x3::rule<struct between_class, ast::Between> const between = "between";
x3::rule<struct placement_class, ast::Placement> const placement =
    "placement (on \"Role\" or between ZONE and ZONE)";
x3::rule<struct option_class, ast::Option> const option = "option (format, profile or rpc)";

auto const items_def = item % ',';
auto const files_def = file % ',';
auto const zones_def = zone_name % ',';
auto const side_def = zone_name >> -(kw("via") > interface);
auto const sides_def = side >> +(kw("and") > side);
auto const on_role_def = raw[kw("on")] > role_name;
auto const between_def = raw[kw("between")] > sides;
auto const placement_def = on_role | between;
auto const option_def = raw[kw("format") | kw("profile") | kw("rpc")] > word;

BOOST_SPIRIT_DEFINE(items, files, zones, side, sides, on_role, between, placement, option)

// Statements.
x3::rule<struct site_stmt_class, ast::NamedStmt> const site_stmt = "site";
x3::rule<struct catalog_stmt_class, ast::NamedStmt> const catalog_stmt = "catalog";
x3::rule<struct zone_stmt_class, ast::ZoneStmt> const zone_stmt = "zone";
x3::rule<struct role_stmt_class, ast::RoleStmt> const role_stmt = "role";
x3::rule<struct firewall_stmt_class, ast::FirewallStmt> const firewall_stmt = "firewall";
x3::rule<struct bind_stmt_class, ast::BindStmt> const bind_stmt = "bind";
x3::rule<struct use_stmt_class, ast::UseStmt> const use_stmt = "use";
x3::rule<struct sensitive_stmt_class, ast::SensitiveStmt> const sensitive_stmt = "sensitive";
x3::rule<struct assume_stmt_class, ast::AssumeStmt> const assume_stmt = "assume";
x3::rule<struct statement_class, ast::Statement> const statement =
    "statement (site, catalog, zone, role, firewall, bind, use, sensitive or assume)";

auto const site_stmt_def = raw[kw("site")] > quoted;
auto const catalog_stmt_def = raw[kw("catalog")] > file;
auto const zone_stmt_def = raw[kw("zone")] > zone_name > equals > items;
auto const role_stmt_def = (raw[kw("role")] > role_name > equals > items) >> -(kw("in") > zones);
auto const firewall_stmt_def = raw[kw("firewall")] > -name > files > placement > *option;
auto const bind_stmt_def = (raw[kw("bind")] > quoted > equals > items) >> -(kw("on") > role_name);
x3::rule<struct corrected_class> const corrected_keyword = "'corrected'";
auto const corrected_keyword_def = kw("corrected");
BOOST_SPIRIT_DEFINE(corrected_keyword)
auto const use_stmt_def = raw[kw("use")] > corrected_keyword > +id;
auto const sensitive_stmt_def = raw[kw("sensitive")] > items;
x3::rule<struct assumed_module_class, ast::Span> const assumed_module =
    "module (recent, limit, mac, ..., unknown)";
x3::rule<struct assumed_value_class, ast::Span> const assumed_value = "match or nomatch";
auto const assumed_module_def = name;
auto const assumed_value_def = name;
BOOST_SPIRIT_DEFINE(assumed_module, assumed_value)
auto const assume_stmt_def = raw[kw("assume")] > assumed_module > assumed_value;
auto const statement_def = site_stmt | catalog_stmt | zone_stmt | role_stmt | firewall_stmt | bind_stmt |
                           use_stmt | sensitive_stmt | assume_stmt;

BOOST_SPIRIT_DEFINE(site_stmt, catalog_stmt, zone_stmt, role_stmt, firewall_stmt, bind_stmt, use_stmt,
                    sensitive_stmt, assume_stmt, statement)

// The line: nothing, a comment, or one statement; then the end.
line_type const line_rule = "line";
auto const not_blank = !(lit('#') | eoi);
auto const line_rule_def = -(not_blank > statement) >> omit[-comment] > end_of_line;

BOOST_SPIRIT_DEFINE(line_rule)

line_type const& line() { return line_rule; }

}  // namespace rulegap::site
