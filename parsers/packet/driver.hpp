// The one driver of the packet grammars (parse_packet, parse_packet_set): the top rule over the
// whole text with the parse state in the context (the call config.hpp matches), then lowering,
// and the first error as a Diagnostic at <file>:1:column.
#pragma once

#include <algorithm>
#include <exception>
#include <functional>
#include <optional>
#include <string_view>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/lexical.hpp"
#include "parsers/packet/config.hpp"
#include "rulegap/source.hpp"

namespace rulegap::packet {

// What the messages call the text.
struct TextNames {
    const char* file;        // "<packet>": the file of the error's SourceLoc
    const char* unreadable;  // when X3 throws: "could not read the packet"
    const char* no_start;    // when even the first word does not parse: "expected protocol"
};

// Parses `text` with `rule` (its attribute is the AST) and lowers the AST with `lower(ast,
// state)`. Returns what `lower` returns (an optional); when that is empty, `error` holds the
// first error found.
template <typename Rule, typename Lower>
auto parse_and_lower(std::string_view text, const Rule& rule, Lower lower, const TextNames& names,
                     Diagnostic& error) {
    ParseState state;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    state.begin = first;
    typename Rule::attribute_type syntax;
    bool ok = false;
    try {
        ok = x3::phrase_parse(first, last, x3::with<parse_state_tag>(std::ref(state))[rule], x3::ascii::space,
                              syntax);
    } catch (const std::exception&) {
        state.fail(static_cast<std::size_t>(first - text.data()), names.unreadable);
    }
    decltype(lower(syntax, state)) result;
    if (ok && !state.failed) result = lower(syntax, state);
    if (!result) {
        if (!state.failed) {  // the first word was not even a protocol
            std::size_t at = text.find_first_not_of(" \t\r\n\f\v");
            state.fail(at == std::string_view::npos ? text.size() : at, names.no_start);
        }
        error.severity = Severity::error;
        const char* at = text.data() + std::min(state.error_offset, text.size());
        error.where = SourceLoc{names.file, 1, common::column_of(text, at)};
        error.message = state.message;
    }
    return result;
}

}  // namespace rulegap::packet
