// libFuzzer target: Windows Firewall policy, form gpo_xml (read_windows_gpo_xml), then lowering
// every profile to a ruleset.
#include "fuzz/fuzz_common.hpp"
#include "fuzz/fuzz_windows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    fuzz::exercise(read_windows_gpo_xml(fuzz::as_text(data, size), "fuzz.gpo_xml"));
    return 0;
}
