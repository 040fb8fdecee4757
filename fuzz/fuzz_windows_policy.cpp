// libFuzzer target: any Windows form, detected from the content (read_windows_policy).
#include "fuzz/fuzz_windows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    fuzz::exercise(read_windows_policy(fuzz::as_text(data, size), "fuzz.policy"));
    return 0;
}
