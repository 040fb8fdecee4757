// rulegap — reading iptables-save / ip6tables-save output (and ipset save dumps).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/limits.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap {

// Named sets from `ipset save`, for `-m set --match-set NAME src|dst`.
struct IpSet {
    std::string name;
    std::string type;  // "hash:ip", "hash:net", ...
    int family = 4;
    std::vector<Interval> addresses;  // for address types; empty otherwise
    bool addresses_only = true;       // false: a type rulegap cannot turn into addresses
    SourceLoc where;
};
struct IpSets {
    std::vector<IpSet> sets;
    Diagnostics diagnostics;
    const IpSet* find(std::string_view name) const;
};

namespace detail {
struct ReadTuning;  // internal (lib/threads/tuning.hpp)
}

struct IptablesOptions {
    const IpSets* ipsets = nullptr;  // without it, `-m set` is undecided
    // Threads that read a file of 1 MiB or more: 1, the calling thread only; N, N threads (at
    // most 8); 0, one per core the calling thread may run on (at most 8) up to 16 MiB, one
    // thread above. The result is the same whatever the number.
    unsigned threads = 0;
    // load_iptables: a larger file is refused (limits.hpp).
    std::uint64_t max_input_size = default_max_input_size;
    const detail::ReadTuning* tuning = nullptr;  // in-tree callers only; leave it null
};

// Reads an iptables-save or ip6tables-save file. Never throws on bad input: problems land in
// the result's diagnostics (file:line:column), unreadable rules become rules with an undecided
// condition, so they make the verdicts they touch `unknown`. The result is linked. The Ruleset
// keeps the text (its rules' texts are views into it): std::move a string in to spare a copy.
Ruleset read_iptables(std::string text, std::string file_name, const IptablesOptions& options = {});
// Reads an iptables-save file (UTF-8, or UTF-16 with a BOM). An unreadable or over-limit file
// gives one error diagnostic.
Ruleset load_iptables(const std::string& path, const IptablesOptions& options = {});

struct IpSetsOptions {
    std::uint64_t max_input_size = default_max_input_size;  // a larger file is refused (limits.hpp)
};

IpSets read_ipsets(std::string_view text, std::string file_name);
// Reads an `ipset save` file. An unreadable or over-limit file gives one error diagnostic.
IpSets load_ipsets(const std::string& path, const IpSetsOptions& options = {});

// True when the text looks like iptables-save output (for format detection).
bool looks_like_iptables(std::string_view text);

}  // namespace rulegap
