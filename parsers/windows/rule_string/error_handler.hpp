// Where a rule-string parse stands: the string's start (for offsets) and the first error found.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rulegap::windows_rule_string {

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

}  // namespace rulegap::windows_rule_string
