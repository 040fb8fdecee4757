// Where a packet parse stands: the text's start (for offsets) and the first error found.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rulegap::packet_syntax {

struct parse_state_tag;

struct ParseState {
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

// "expected <what>" for a rule name from an expectation failure.
inline std::string expected_message(std::string_view which) {
    if (which == "port") return "expected port after ':'";
    if (which == "IPv6 address") return "expected IPv6 address after '['";
    if (which == "option value") return "expected a value after the option name";
    return "expected " + std::string(which);
}

}  // namespace rulegap::packet_syntax
