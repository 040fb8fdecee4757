// rulegap parsers — lexical conventions shared by the line-oriented languages of the catalog
// family (catalogs, site files): keywords, quoted strings and lines (columns: text.hpp).
//
// One statement per line; `#` starts a comment outside strings; blanks and tabs separate words;
// strings are in double quotes with `\"` and `\\` escapes; files are UTF-8 with LF or CRLF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/text.hpp"

namespace rulegap::common {

namespace x3 = boost::spirit::x3;

// A keyword: the word, not followed by a character that could continue a name.
inline auto kw(const char* word) {
    return x3::lexeme[x3::lit(word) >> !(x3::ascii::alnum | x3::char_("-_"))];
}

// The error handler of a language's `line` rule (its rule ID derives from this): an expectation
// failure leaves where it failed and what was expected in the parser's State, reached through
// Tag in the context, and the line fails (one error per line).
template <typename Tag, typename State> struct record_line_error {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, Iterator const& last, Exception const& x,
                                      Context const& context) const {
        State& state = x3::get<Tag>(context).get();
        Iterator at = x.where();  // before the skipper ran: point at the offending token
        while (at != last && (*at == ' ' || *at == '\t')) ++at;
        state.error_at = at;
        state.expected = x.which();
        return x3::error_handler_result::fail;
    }
};

// A double-quoted string with backslash escapes (the quotes included in what it spans).
inline auto quoted_string() {
    using x3::char_;
    return x3::lexeme['"' >> *(('\\' >> char_) | ~char_("\"\\")) >> '"'];
}

// The text of a quoted string without its quotes, with `\x` read as x.
inline std::string unquote(std::string_view v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        out += v[i];
    }
    return out;
}

// The lines of a text without their line ends (LF, CRLF or a lone CR), numbered from 1.
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r') continue;
        lines.push_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        start = i + 1;
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

// The opening quote of a string the line does not close, or nullptr. Quotes after `#` are
// comment text.
inline const char* unterminated_string(std::string_view line) {
    const char* open = nullptr;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (open) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                open = nullptr;
        } else if (c == '"') {
            open = line.data() + i;
        } else if (c == '#') {
            break;
        }
    }
    return open;
}

}  // namespace rulegap::common
