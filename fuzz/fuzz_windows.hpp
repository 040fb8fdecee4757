// rulegap fuzz targets — what every Windows target does with a policy once read.
#pragma once

#include "fuzz/fuzz_common.hpp"
#include "rulegap/windows.hpp"

namespace rulegap::fuzz {

inline void exercise(const WindowsPolicy& policy) {
    check_diagnostics(policy.diagnostics);
    for (const WindowsRule& r : policy.rules) (void)r.rule_string();
    std::vector<std::string> conflicts;
    (void)policy.settings(WindowsProfile::domain, &conflicts);
    WindowsContext ctx;
    ctx.bind("LocalSubnet", WindowsAddressBinding{{Interval{0x0a000000, 0x0a0000ff}}, {}});
    for (WindowsProfile p : {WindowsProfile::domain, WindowsProfile::public_}) {
        Ruleset r = to_ruleset(policy, p, ctx);
        (void)r;
    }
}

}  // namespace rulegap::fuzz
