// libFuzzer target: evaluator robustness. Reads an iptables ruleset, then explains a few fixed
// packets through every hook; explain() must give a verdict (or unknown with a reason) whatever
// the ruleset (loops, deep nesting, undecided matches).
#include <array>

#include "fuzz/fuzz_common.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"

namespace {

const std::array<const char*, 5> packets = {
    "tcp 10.1.0.2:4001 -> 10.2.0.2:135",
    "tcp 10.1.0.2:135 -> 10.2.0.2:4001 state established in eth0 out eth1",
    "udp [2001:db8::1]:53 -> [2001:db8::2]:5353",
    "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0",
    "47 192.168.1.1 -> 10.0.0.2",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    Ruleset r = read_iptables(std::string(fuzz::as_text(data, size)), "fuzz.rules");
    for (const char* text : packets) {
        PacketParseResult p = parse_packet(text);
        if (!p) std::abort();
        for (Hook h : {Hook::input, Hook::forward, Hook::output}) {
            Decision d = explain(r, h, *p.packet);
            if (d.verdict == Verdict::unknown && d.reason.empty()) std::abort();
        }
    }
    return 0;
}
