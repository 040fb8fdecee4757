// rulegap — loops of jumps in a linked Ruleset (internal; Ruleset::link() calls it).
#pragma once

#include "rulegap/ruleset.hpp"

namespace rulegap::detail {

// The second half of Ruleset::link(): an error diagnostic at each rule that closes a loop of
// jumps (iptables-restore refuses such a ruleset). For a reader that resolved every target
// itself.
void report_jump_loops(Ruleset& rs);

}  // namespace rulegap::detail
