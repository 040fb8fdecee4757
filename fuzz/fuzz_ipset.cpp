// libFuzzer target: `ipset save` dumps (read_ipsets), then an iptables ruleset using them.
#include "fuzz/fuzz_common.hpp"
#include "rulegap/iptables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    IpSets sets = read_ipsets(fuzz::as_text(data, size), "fuzz.ipset");
    fuzz::check_diagnostics(sets.diagnostics);
    for (const IpSet& s : sets.sets) (void)sets.find(s.name);
    return 0;
}
