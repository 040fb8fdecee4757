// libFuzzer target: Windows Firewall policy, form reg (read_windows_reg), then lowering
// every profile to a ruleset.
#include "fuzz/fuzz_common.hpp"
#include "fuzz/fuzz_windows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    fuzz::exercise(read_windows_reg(fuzz::as_text(data, size), "fuzz.reg"));
    return 0;
}
