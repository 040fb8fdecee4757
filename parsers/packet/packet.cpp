// parse_packet() and format_packet(): the packet syntax of rulegap/packet.hpp.
#include <boost/spirit/home/x3.hpp>

#include "parsers/packet/config.hpp"
#include "parsers/packet/grammar.hpp"
#include "parsers/packet/lower.hpp"
#include "rulegap/packet.hpp"

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

PacketParseResult parse_packet(std::string_view text) {
    namespace x3 = boost::spirit::x3;
    using namespace packet_syntax;
    ParseState state;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    state.begin = first;
    ast::packet syntax;
    bool ok = false;
    try {
        ok = x3::phrase_parse(first, last, x3::with<parse_state_tag>(std::ref(state))[packet_rule()],
                              x3::ascii::space, syntax);
    } catch (const std::exception&) {
        state.fail(static_cast<std::size_t>(first - text.data()), "could not read the packet");
    }
    PacketParseResult result;
    if (ok && !state.failed) result.packet = lower(syntax, state);
    if (!result.packet) {
        if (!state.failed) {  // the first word was not even a protocol
            std::size_t at = text.find_first_not_of(" \t\r\n\f\v");
            state.fail(at == std::string_view::npos ? text.size() : at, "expected protocol");
        }
        result.error.severity = Severity::error;
        result.error.where = SourceLoc{"<packet>", 1, column_of(text, state.error_offset)};
        result.error.message = state.message;
    }
    return result;
}

std::string format_packet(const Packet& p) {
    auto address = [&](uint128 a) {
        return p.family == 6 ? '[' + format_address(a, 6) + ']' : format_address(a, p.family);
    };
    std::string out = protocol_name(p.protocol, p.family) + ' ' + address(p.src);
    if (p.has_ports()) out += ':' + std::to_string(p.src_port);
    out += " -> " + address(p.dst);
    if (p.has_ports()) out += ':' + std::to_string(p.dst_port);
    if (p.is_icmp()) {
        out += " type " + std::to_string(p.icmp_type);
        if (p.icmp_code != 0) out += " code " + std::to_string(p.icmp_code);
    }
    if (p.state != ConnState::new_) out += " [state " + std::string(to_string(p.state)) + "]";
    if (p.protocol == 6) {
        std::uint8_t usual = p.state == ConnState::new_ ? tcp_flag::syn : tcp_flag::ack;
        if (p.tcp_flags != usual) {
            static constexpr const char* names[8] = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"};
            std::string list;
            for (int bit = 0; bit < 8; ++bit)
                if (p.tcp_flags & (1u << bit)) list += (list.empty() ? "" : ",") + std::string(names[bit]);
            out += " [flags " + (list.empty() ? std::string("none") : list) + "]";
        }
    }
    if (p.in_interface) out += " [in " + *p.in_interface + "]";
    if (p.out_interface) out += " [out " + *p.out_interface + "]";
    return out;
}

}  // namespace rulegap
