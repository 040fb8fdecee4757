// rulegap — iptables-save reader: the jumps between chains, as the reader resolves them.
//
// Checking a ruleset for loops of jumps (detail::report_jump_loops) walks every rule; the
// reader, which resolves each jump as its rule comes, keeps the jumps instead and walks only
// them. Only when they close a loop does it run the full check, for its exact diagnostics.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rulegap::iptables {

struct Jump {
    std::uint32_t table;
    std::uint32_t from, to;  // chain indices in the table
};

// Whether some jumps close a loop; chains[t] is how many chains table t has (a jump naming a
// chain or table out of range is ignored).
bool closes_loop(std::span<const Jump> jumps, std::span<const std::size_t> chains);

}  // namespace rulegap::iptables
