// libFuzzer target: the packet syntax of `explain` (parse_packet). A packet that parses must
// print back to text that parses to the same packet.
#include "fuzz/fuzz_common.hpp"
#include "rulegap/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    PacketParseResult r = parse_packet(fuzz::as_text(data, size));
    if (!r) {
        if (r.error.message.empty()) std::abort();
        return 0;
    }
    std::string again = format_packet(*r.packet);
    PacketParseResult back = parse_packet(again);
    if (!back || !(*back.packet == *r.packet)) std::abort();
    return 0;
}
