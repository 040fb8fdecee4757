// Where a rule-string parse stands: the string's start (for offsets) and the first error found.
#pragma once

#include "parsers/common/first_error.hpp"

namespace rulegap::windows::rule_string {

struct parse_state_tag;

using ParseState = common::FirstError;

}  // namespace rulegap::windows::rule_string
