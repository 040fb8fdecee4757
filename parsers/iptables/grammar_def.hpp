// rulegap — iptables-save reader: definition of the line grammar. Included by grammar.cpp only.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/line_grammar.hpp"
#include "parsers/iptables/ast.hpp"
#include "parsers/iptables/ast_adapted.hpp"
#include "parsers/iptables/grammar.hpp"

namespace rulegap::iptables::parser {

namespace x3 = boost::spirit::x3;
using x3::lit;
using x3::lexeme;

// ----- commands -----
struct chain_commands_ : x3::symbols<char> {
    chain_commands_() {
        add("-A", 'A')("--append", 'A')("-I", 'I')("--insert", 'I')("-N", 'N')("--new-chain", 'N')("-P", 'P')(
            "--policy", 'P')("-D", 'D')("--delete", 'D')("-E", 'E')("--rename-chain", 'E')("-R", 'R')(
            "--replace", 'R');
    }
};
struct table_commands_ : x3::symbols<char> {
    table_commands_() {
        add("-F", 'F')("--flush", 'F')("-X", 'X')("--delete-chain", 'X')("-Z", 'Z')("--zero", 'Z');
    }
};
chain_commands_ const chain_commands;
table_commands_ const table_commands;

// ----- semantic actions -----
template <ast::LineKind K> struct set_kind_f {
    template <typename Context> void operator()(Context& ctx) const { x3::_val(ctx).kind = K; }
};
template <ast::LineKind K> constexpr set_kind_f<K> set_kind{};

// (Boost 1.74's _where is the rest of the input, not the match: ranges come from raw[].)
auto const make_token = [](auto& ctx) {
    auto const& r = x3::_attr(ctx);
    ast::Token& t = x3::_val(ctx);
    t.begin = &*r.begin();
    t.size = static_cast<std::uint32_t>(r.end() - r.begin());
    t.kind = std::memchr(t.begin, '"', t.size) ? ast::TokenKind::quoted : ast::TokenKind::word;
};
auto const set_head = [](auto& ctx) { x3::_val(ctx).head = x3::_attr(ctx); };
auto const set_policy = [](auto& ctx) { x3::_val(ctx).policy = x3::_attr(ctx); };
auto const set_counters = [](auto& ctx) { x3::_val(ctx).counters = x3::_attr(ctx); };
auto const set_command = [](auto& ctx) {
    ast::Line& line = x3::_val(ctx);
    line.kind = ast::LineKind::command;
    line.command = x3::_attr(ctx);
};
auto const set_command_token = [](auto& ctx) {
    auto const& r = x3::_attr(ctx);
    ast::Token& t = x3::_val(ctx).command_token;
    t.begin = &*r.begin();
    t.size = static_cast<std::uint32_t>(r.end() - r.begin());
};

// ----- rules -----
x3::rule<class token_class, ast::Token> const token = "token";
x3::rule<class table_name_class, ast::Token> const table_name = "table name";
x3::rule<class chain_name_class, ast::Token> const chain_name = "chain name";
x3::rule<class policy_class, ast::Token> const policy = "policy";
x3::rule<class counters_class, ast::Token> const counters = "counters";
x3::rule<class end_of_line_class> const end_of_line = "end of line";
line_type const line = "line";

// 0: part of a token, 1: a blank (ends it), 2: a quote (starts a quoted part).
inline constexpr auto token_stops = [] {
    std::array<std::uint8_t, 256> t{};
    t[' '] = t['\t'] = 1;
    t['"'] = 2;
    return t;
}();

// A token: a run of non-blank characters in which "..." parts may hold blanks, with escapes (\" and a
// doubled backslash) inside them. Written as one loop (tokens are most of a file, and the equivalent
// `raw[lexeme[+(('"' > *(('\\' > char_) | (char_ - '"')) > '"') | +(char_ - blank - '"'))]]`
// tests its parsers character by character); an unterminated part fails as an expectation.
struct token_parser : x3::parser<token_parser> {
    using attribute_type = ast::Token;
    static bool const has_attribute = true;
    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        Iterator i = first;
        bool quoted = false;
        while (i != last) {
            std::uint8_t k = token_stops[static_cast<unsigned char>(*i)];
            if (k == 0) {
                ++i;
                continue;
            }
            if (k == 1) break;
            ++i;
            quoted = true;
            while (true) {
                if (i == last) throw x3::expectation_failure<Iterator>(i, "closing quote");
                char c = *i++;
                if (c == '"') break;
                if (c != '\\') continue;
                if (i == last) throw x3::expectation_failure<Iterator>(i, "character after '\\'");
                ++i;
            }
        }
        if (i == first) return false;
        ast::Token& t = attr;
        t.begin = &*first;
        t.size = static_cast<std::uint32_t>(i - first);
        t.kind = quoted ? ast::TokenKind::quoted : ast::TokenKind::word;
        first = i;
        return true;
    }
};
token_parser const token_body{};

// The blank-separated words of [first, last), a text without quotes, in order: `emit(begin,
// end)` for each. Sixteen characters at a time where SSE2 is there (a rule's tokens are short,
// and a character-by-character loop was a sixth of the reader's time).
template <typename Emit> void split_at_blanks(const char* first, const char* last, Emit&& emit) {
    const char* word = nullptr;  // where the word being read began; nullptr between words
    const char* p = first;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    for (; last - p >= 16; p += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const unsigned blanks = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab))));
        unsigned from = 0;  // the next position of this block to look at
        while (from < 16) {
            const unsigned ahead = 0xFFFFu & (0xFFFFu << from);
            // Between words: the next non-blank; in a word: the next blank.
            const unsigned wanted = (word == nullptr ? ~blanks : blanks) & ahead;
            if (wanted == 0) break;
            from = static_cast<unsigned>(std::countr_zero(wanted));
            if (word == nullptr) {
                word = p + from;
            } else {
                emit(word, p + from);
                word = nullptr;
            }
        }
    }
#endif
    for (; p != last; ++p) {
        const bool blank = *p == ' ' || *p == '\t';
        if (word == nullptr) {
            if (!blank) word = p;
        } else if (blank) {
            emit(word, p);
            word = nullptr;
        }
    }
    if (word != nullptr) emit(word, last);
}

// Every token to the end of the line, straight into the line's `args` (the rule's attribute):
// `*token[push_arg]` costs a rule call, an action and a container step per token, and a
// file is mostly tokens. A rest of line without quotes (most lines) is split at blanks (the
// line's skipper) in one pass; otherwise token by token.
struct token_list_parser : x3::parser<token_list_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               Attribute&) const {
        ast::Line& line = rcontext;
        if constexpr (std::is_same_v<Iterator, const char*>) {
            if (std::memchr(first, '"', static_cast<std::size_t>(last - first)) == nullptr) {
                split_at_blanks(first, last, [&](const char* begin, const char* end) {
                    line.args.push_back(
                        ast::Token{begin, static_cast<std::uint32_t>(end - begin), ast::TokenKind::word});
                });
                first = last;
                return true;
            }
        }
        ast::Token t;
        while (token_body.parse(first, last, context, rcontext, t)) line.args.push_back(t);
        return true;
    }
};
token_list_parser const token_list{};

auto const token_def = token_body;
auto const table_name_def = token_body;
auto const chain_name_def = token_body;
auto const policy_def = token_body;
auto const counters_def =
    x3::omit[x3::raw[lexeme['[' >> x3::ulong_long >> ':' >> x3::ulong_long >> ']']][make_token]];
auto const end_of_line_def = x3::eoi;

auto const word_end = !x3::ascii::graph;

auto const command_line = -counters[set_counters] >>
                          ((lexeme[x3::raw[chain_commands[set_command]][set_command_token] >> word_end] >
                            chain_name[set_head] > token_list) |
                           (lexeme[x3::raw[table_commands[set_command]][set_command_token] >> word_end] >>
                            -(chain_name[set_head] >> token_list))) > end_of_line;
auto const table_line = lit('*')[set_kind<ast::LineKind::table>] > table_name[set_head] > end_of_line;
auto const chain_line = lit(':')[set_kind<ast::LineKind::chain>] > chain_name[set_head] > policy[set_policy] >
                        -counters[set_counters] > end_of_line;
auto const commit_line = lexeme[lit("COMMIT") >> word_end][set_kind<ast::LineKind::commit>] > end_of_line;
auto const comment_line = lit('#')[set_kind<ast::LineKind::comment>] >> x3::omit[*x3::char_];
auto const blank_line = x3::eoi;

auto const line_def =
    x3::omit[command_line | table_line | chain_line | commit_line | comment_line | blank_line];

BOOST_SPIRIT_DEFINE(token, table_name, chain_name, policy, counters, end_of_line, line)

// The one error handler, on the outermost rule: one diagnostic per bad line.
struct line_class : common::report_line_error {};

}  // namespace rulegap::iptables::parser

namespace rulegap::iptables {
parser::line_type const& line_grammar() { return parser::line; }
}  // namespace rulegap::iptables
