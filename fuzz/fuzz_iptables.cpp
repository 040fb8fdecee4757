// libFuzzer target: iptables-save / ip6tables-save text (read_iptables).
#include "fuzz/fuzz_common.hpp"
#include "rulegap/iptables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    Ruleset r = read_iptables(fuzz::as_text(data, size), "fuzz.rules");
    fuzz::check_diagnostics(r.diagnostics);
    (void)looks_like_iptables(fuzz::as_text(data, size));
    return 0;
}
