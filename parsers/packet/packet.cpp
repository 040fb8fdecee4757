// parse_packet() and format_packet(): the packet syntax of rulegap/packet.hpp.
#include "parsers/packet/driver.hpp"
#include "parsers/packet/grammar.hpp"
#include "parsers/packet/lower.hpp"
#include "rulegap/packet.hpp"

namespace rulegap {

PacketParseResult parse_packet(std::string_view text) {
    using namespace packet;
    PacketParseResult result;
    result.packet = parse_and_lower(
        text, packet_rule(),
        [](const ast::packet& syntax, ParseState& state) { return lower(syntax, state); },
        TextNames{"<packet>", "could not read the packet", "expected protocol"}, result.error);
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
