// Where a packet parse stands: the text's start (for offsets) and the first error found.
#pragma once

#include <string>
#include <string_view>

#include "parsers/common/first_error.hpp"

namespace rulegap::packet {

struct parse_state_tag;

using ParseState = common::FirstError;

// "expected <what>" for a rule name from an expectation failure.
inline std::string expected_message(std::string_view which) {
    if (which == "port") return "expected port after ':'";
    if (which == "IPv6 address") return "expected IPv6 address after '['";
    if (which == "option value") return "expected a value after the option name";
    return "expected " + std::string(which);
}

}  // namespace rulegap::packet
