// rulegap fuzz targets — shared helpers. Each target is one libFuzzer entry point feeding the
// raw input to one reader; a crash, a sanitizer report, a leak or a timeout is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rulegap/source.hpp"

namespace rulegap::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Readers promise: every diagnostic is one line with a message. A violation is a bug, so
// make it a crash libFuzzer reports.
inline void check_diagnostics(const Diagnostics& d) {
    for (const Diagnostic& x : d.items) {
        if (x.message.empty()) std::abort();
        if (x.message.find('\n') != std::string::npos) std::abort();
    }
}

}  // namespace rulegap::fuzz
