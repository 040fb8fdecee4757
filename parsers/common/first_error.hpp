// rulegap parsers — where a one-shot parse (a packet, a Windows rule string) stands: the text's
// start (for offsets) and the first error found, which is the one reported.
#pragma once

#include <cstddef>
#include <string>

namespace rulegap::common {

struct FirstError {
    const char* begin = nullptr;
    bool failed = false;
    std::size_t error_offset = 0;
    std::string message;

    void fail(std::size_t offset, std::string why) {
        if (failed) return;  // the first error is the one reported
        failed = true;
        error_offset = offset;
        message = std::move(why);
    }
};

}  // namespace rulegap::common
