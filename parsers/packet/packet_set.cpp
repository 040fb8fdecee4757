// parse_packet_set(): the set syntax of rulegap/query.hpp (`rulegap query --where`).
#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/config.hpp"
#include "parsers/packet/set_grammar.hpp"
#include "parsers/packet/set_lower.hpp"
#include "rulegap/query.hpp"

namespace rulegap {

namespace {

std::uint32_t column_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::uint32_t col = 1;
    for (std::size_t i = 0; i < offset; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++col;  // count characters, not bytes
    return col;
}

}  // namespace

PacketSetParseResult parse_packet_set(std::string_view text) {
    namespace x3 = boost::spirit::x3;
    using namespace packet_syntax;
    ParseState state;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    state.begin = first;
    ast::packet_set syntax;
    bool ok = false;
    try {
        ok = x3::phrase_parse(first, last, x3::with<parse_state_tag>(std::ref(state))[packet_set_rule()],
                              x3::ascii::space, syntax);
    } catch (const std::exception&) {
        state.fail(static_cast<std::size_t>(first - text.data()), "could not read the set of packets");
    }
    PacketSetParseResult result;
    if (ok && !state.failed) result.set = lower(syntax, state);
    if (!result.set) {
        if (!state.failed) {  // the first word was not even a protocol
            std::size_t at = text.find_first_not_of(" \t\r\n\f\v");
            state.fail(at == std::string_view::npos ? text.size() : at, "expected protocol (a name, a number or any)");
        }
        result.error.severity = Severity::error;
        result.error.where = SourceLoc{"<where>", 1, column_of(text, state.error_offset)};
        result.error.message = state.message;
    }
    return result;
}

}  // namespace rulegap
