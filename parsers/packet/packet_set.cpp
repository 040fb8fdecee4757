// parse_packet_set(): the set syntax of rulegap/query.hpp (`rulegap query --where`).
#include "parsers/packet/driver.hpp"
#include "parsers/packet/set_grammar.hpp"
#include "parsers/packet/set_lower.hpp"
#include "rulegap/query.hpp"

namespace rulegap {

PacketSetParseResult parse_packet_set(std::string_view text) {
    using namespace packet;
    PacketSetParseResult result;
    result.set = parse_and_lower(
        text, packet_set_rule(),
        [](const ast::packet_set& syntax, ParseState& state) { return lower(syntax, state); },
        TextNames{"<where>", "could not read the set of packets",
                  "expected protocol (a name, a number or any)"},
        result.error);
    return result;
}

}  // namespace rulegap
