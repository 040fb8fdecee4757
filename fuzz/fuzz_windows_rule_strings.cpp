// libFuzzer target: Windows Firewall policy, form rule_strings (read_windows_rule_strings), then lowering
// every profile to a ruleset.
#include "fuzz/fuzz_common.hpp"
#include "fuzz/fuzz_windows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    fuzz::exercise(read_windows_rule_strings(fuzz::as_text(data, size), "fuzz.rule_strings"));
    return 0;
}
