// rulegap — ipset save reader: definition of the line grammar. Included by grammar.cpp only.
#pragma once

#include <cstring>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/line_grammar.hpp"
#include "parsers/ipset/ast.hpp"
#include "parsers/ipset/ast_adapted.hpp"
#include "parsers/ipset/grammar.hpp"

namespace rulegap::ipset::parser {

namespace x3 = boost::spirit::x3;
using x3::lit;
using x3::lexeme;

template <ast::LineKind K> struct set_kind_f {
    template <typename Context> void operator()(Context& ctx) const {
        ast::Line& line = x3::_val(ctx);
        line.kind = K;
        auto const& r = x3::_attr(ctx);  // from raw[] (Boost 1.74's _where is the rest of the input)
        line.command.begin = &*r.begin();
        line.command.size = static_cast<std::uint32_t>(r.end() - r.begin());
    }
};
template <ast::LineKind K> constexpr set_kind_f<K> set_kind{};

auto const make_token = [](auto& ctx) {
    auto const& r = x3::_attr(ctx);
    ast::Token& t = x3::_val(ctx);
    t.begin = &*r.begin();
    t.size = static_cast<std::uint32_t>(r.end() - r.begin());
    t.kind = std::memchr(t.begin, '"', t.size) ? common::TokenKind::quoted : common::TokenKind::word;
};
auto const set_name = [](auto& ctx) { x3::_val(ctx).name = x3::_attr(ctx); };
auto const set_value = [](auto& ctx) { x3::_val(ctx).value = x3::_attr(ctx); };
auto const push_arg = [](auto& ctx) { x3::_val(ctx).args.push_back(x3::_attr(ctx)); };

x3::rule<class token_class, ast::Token> const token = "token";
x3::rule<class set_name_class, ast::Token> const set_name_rule = "set name";
x3::rule<class set_type_class, ast::Token> const set_type = "set type";
x3::rule<class entry_class, ast::Token> const entry = "entry";
x3::rule<class closing_quote_class> const closing_quote = "closing quote";
x3::rule<class end_of_line_class> const end_of_line = "end of line";
line_type const line = "line";

auto const word_chars = +(x3::char_ - x3::ascii::blank - '"');
auto const quoted_part = '"' > *(('\\' > x3::char_) | (x3::char_ - '"')) > closing_quote;
auto const token_body = x3::omit[x3::raw[lexeme[+(quoted_part | word_chars)]][make_token]];
auto const token_def = token_body;
auto const set_name_rule_def = token_body;
auto const set_type_def = token_body;
auto const entry_def = token_body;
auto const closing_quote_def = lit('"');
auto const end_of_line_def = x3::eoi;
auto const word_end = !x3::ascii::graph;

auto const keyword = [](char const* k) { return lexeme[lit(k) >> word_end]; };

auto const create_line = x3::raw[keyword("create")][set_kind<ast::LineKind::create>] >
                         set_name_rule[set_name] > set_type[set_value] > *token[push_arg] > end_of_line;
auto const add_line = x3::raw[keyword("add")][set_kind<ast::LineKind::add>] > set_name_rule[set_name] >
                      entry[set_value] > *token[push_arg] > end_of_line;
auto const other_line = x3::raw[lexeme[+x3::ascii::lower >> word_end]][set_kind<ast::LineKind::other>] >>
                        *token[push_arg] > end_of_line;
auto const comment_line = x3::raw[lit('#')][set_kind<ast::LineKind::comment>] >> x3::omit[*x3::char_];
auto const blank_line = x3::eoi;

auto const line_def = x3::omit[create_line | add_line | other_line | comment_line | blank_line];

BOOST_SPIRIT_DEFINE(token, set_name_rule, set_type, entry, closing_quote, end_of_line, line)

// The one error handler, on the outermost rule: one diagnostic per bad line.
struct line_class : common::report_line_error {};

}  // namespace rulegap::ipset::parser

namespace rulegap::ipset {
parser::line_type const& line_grammar() { return parser::line; }
}  // namespace rulegap::ipset
