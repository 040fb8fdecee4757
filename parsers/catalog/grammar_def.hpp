// rulegap catalog reader — the rules. Included by grammar.cpp only.
//
// Every leaf is captured with raw[] as a Span into the line, so lowering can both read the value
// and point at it. `>` marks committed points: after a statement's keyword, after `->`, after
// `from`. The one on_error sits on `line`.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/catalog/ast.hpp"
#include "parsers/catalog/ast_adapted.hpp"
#include "parsers/catalog/grammar.hpp"
#include "parsers/common/lexical.hpp"

namespace rulegap::catalog {
using common::kw;
using x3::ascii::alnum;  // ascii classes test ischar first: safe on any byte (UTF-8 too)
using x3::ascii::alpha;
using x3::char_;
using x3::ascii::digit;
using x3::eoi;
using x3::expect;
using x3::lexeme;
using x3::lit;
using x3::omit;
using x3::raw;

// The line rule's ID: an expectation failure becomes a ParseState entry (one per line).
struct line_class : common::record_line_error<state_tag, ParseState> {};

// Lexical rules (names are what a user reads in "expected ...").
x3::rule<struct quoted_class, ast::Span> const quoted = "quoted string";
x3::rule<struct number_class, ast::Span> const number = "number";
x3::rule<struct name_class, ast::Span> const name = "name";
x3::rule<struct protocol_class, ast::Span> const protocol = "protocol";
x3::rule<struct row_label_class, ast::Span> const row_label = "row number";
x3::rule<struct port_range_class, ast::Span> const port_range = "port or port range";
x3::rule<struct endpoint_class, ast::Span> const endpoint = "port (a number, a range, a \"class\", any or -)";
x3::rule<struct arrow_class> const arrow = "'->'";
x3::rule<struct equals_class> const equals = "'='";
x3::rule<struct to_class> const to_keyword = "'to'";
x3::rule<struct comment_class> const comment = "comment";
x3::rule<struct end_of_line_class> const end_of_line = "end of line";

auto const quoted_def = raw[lexeme['"' >> *(('\\' >> char_) | ~char_("\"\\")) >> '"']];
auto const number_def = raw[lexeme[+digit >> !(alnum | char_("-_"))]];
auto const name_def = raw[lexeme[alpha >> *(alnum | char_("-_"))]];
auto const protocol_def = raw[lexeme[alnum >> *(alnum | char_("-_"))]];
auto const row_label_def = raw[lexeme[+digit >> -alpha >> !(alnum | char_("-_"))]];
auto const port_range_def = raw[lexeme[+digit >> -('-' >> +digit) >> !(alnum | char_("-_"))]];
// A port may touch the arrow: `135->136`, `any->80`.
auto const endpoint_def = raw[lexeme['"' >> *(('\\' >> char_) | ~char_("\"\\")) >> '"'] |
                              lexeme[+digit >> -('-' >> +digit) >> !(alnum | '_')] |
                              lexeme[lit("any") >> !(alnum | '_')] | lexeme['-' >> !lit('>')]];
auto const arrow_def = lit("->");
auto const equals_def = lit('=');
auto const to_keyword_def = kw("to");
auto const comment_def = lexeme['#' >> *char_];
auto const end_of_line_def = eoi;

BOOST_SPIRIT_DEFINE(quoted, number, name, protocol, row_label, port_range, endpoint, arrow, equals,
                    to_keyword, comment, end_of_line)

// Flows and clauses.
x3::rule<struct roles_class, ast::Roles> const roles = "roles";
x3::rule<struct flow_class, ast::Flow> const flow = "flow";
x3::rule<struct flows_class, std::vector<ast::Flow>> const flows = "flow (PROTOCOL PORT -> PORT)";
x3::rule<struct remark_class, ast::Span> const remark = "remark (a quoted string)";
x3::rule<struct reply_of_class, ast::ReplyOf> const reply_of = "reply-of";
x3::rule<struct tags_class, ast::Tags> const tags = "tag";
x3::rule<struct note_class, ast::Note> const note = "note";
x3::rule<struct corrected_class, ast::Corrected> const corrected = "corrected";
x3::rule<struct clause_class, ast::Clause> const clause =
    "clause (reply-of, tag, note, footnote or corrected)";

auto const roles_def = kw("from") > quoted > to_keyword > quoted;
auto const flow_def = (protocol > endpoint > arrow > endpoint) >> -(kw("type") > number) >>
                      -(kw("code") > number) >> -(kw("reply-type") > number);
auto const flows_def = flow >> *(lit('|') > flow);
auto const remark_def = quoted;
auto const reply_of_def = raw[kw("reply-of")] > row_label;
auto const tags_def = raw[kw("tag")] > +name;
auto const note_def = raw[kw("note") | kw("footnote")] > quoted;
auto const corrected_def = (raw[kw("corrected")] > flows) >> -(kw("reply-of") > row_label);
auto const clause_def = reply_of | tags | note | corrected;

BOOST_SPIRIT_DEFINE(roles, flow, flows, remark, reply_of, tags, note, corrected, clause)

// Statements.
x3::rule<struct catalog_stmt_class, ast::CatalogStmt> const catalog_stmt = "catalog";
x3::rule<struct document_stmt_class, ast::DocumentStmt> const document_stmt = "document";
x3::rule<struct class_stmt_class, ast::ClassStmt> const class_stmt = "class";
x3::rule<struct table_stmt_class, ast::GroupStmt> const table_stmt = "table";
x3::rule<struct section_stmt_class, ast::GroupStmt> const section_stmt = "section";
x3::rule<struct row_stmt_class, ast::RowStmt> const row_stmt = "row";
x3::rule<struct clause_line_class, ast::ClauseLine> const clause_line = "clause";
x3::rule<struct statement_class, ast::Statement> const statement =
    "statement (catalog, document, class, table, section, row, or a row's clause)";

auto const catalog_stmt_def = raw[kw("catalog")] > name > quoted;
auto const document_stmt_def = raw[kw("document")] > quoted;
auto const class_stmt_def = (raw[kw("class")] > quoted > equals > (port_range % ',')) >> -quoted;
auto const table_stmt_def = (raw[kw("table")] > number > quoted) >> -roles;
auto const section_stmt_def = (raw[kw("section")] > name > quoted) >> -roles;
auto const row_stmt_def =
    (raw[kw("row")] > row_label) >> -roles >> expect[flows] >> expect[remark] >> *clause;
auto const clause_line_def = clause >> *clause;
auto const statement_def =
    catalog_stmt | document_stmt | class_stmt | table_stmt | section_stmt | row_stmt | clause_line;

BOOST_SPIRIT_DEFINE(catalog_stmt, document_stmt, class_stmt, table_stmt, section_stmt, row_stmt, clause_line,
                    statement)

// The line: nothing, a comment, or one statement; then the end.
line_type const line_rule = "line";
auto const not_blank = !(lit('#') | eoi);
auto const line_rule_def = -(not_blank > statement) >> omit[-comment] > end_of_line;

BOOST_SPIRIT_DEFINE(line_rule)

line_type const& line() { return line_rule; }

}  // namespace rulegap::catalog
