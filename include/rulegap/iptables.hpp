// rulegap — reading iptables-save / ip6tables-save output (and ipset save dumps).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/ruleset.hpp"
#include "rulegap/workers.hpp"

namespace rulegap {

// Named sets from `ipset save`, for `-m set --match-set NAME src|dst`.
struct IpSet {
    std::string name;
    std::string type;                 // "hash:ip", "hash:net", ...
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

struct IptablesOptions {
    const IpSets* ipsets = nullptr;   // without it, `-m set` is undecided
    // Threads that read a large file: 1, the calling thread only; N, N threads (at most 8) for
    // files of parallel_from_bytes or more; 0, one per core the calling thread may run on (its
    // affinity: taskset, a container's cpuset; at most 8) for files from
    // parallel_from_bytes up to automatic_threads_up_to_bytes. The result is the same whatever the
    // number. A thread's rules live in its own heap, which glibc grows by 4 KiB pages beyond what
    // on_thread_start prepares, so by default the largest files are read on one thread.
    unsigned threads = 0;
    std::size_t parallel_from_bytes = std::size_t{1} << 20;
    std::size_t automatic_threads_up_to_bytes = std::size_t{16} << 20;
    // Called first on each further thread the reader starts (a program can prepare its heap
    // there). Not on `workers`, which have their own.
    std::function<void()> on_thread_start;
    // Threads started ahead of time (workers.hpp): the reader lends its parts to idle workers
    // first, and starts threads only for the parts none took.
    Workers* workers = nullptr;

    // How many threads read a text of this size (1: the calling thread alone).
    unsigned threads_for(std::size_t text_size) const;
};

// Reads an iptables-save or ip6tables-save file. Never throws on bad input: problems land in
// the result's diagnostics (file:line:column), unreadable rules become rules with an undecided
// condition, so they make the verdicts they touch `unknown`. The result is linked. The Ruleset
// keeps the text (its rules' texts are views into it): given a std::string rvalue it takes it
// over, otherwise it copies.
Ruleset read_iptables(std::string_view text, std::string file_name, const IptablesOptions& options = {});
Ruleset read_iptables(std::string&& text, std::string file_name, const IptablesOptions& options = {});
Ruleset read_iptables(const char* text, std::string file_name, const IptablesOptions& options = {});
Ruleset load_iptables(const std::string& path, const IptablesOptions& options = {});

IpSets read_ipsets(std::string_view text, std::string file_name);
IpSets load_ipsets(const std::string& path);

// True when the text looks like iptables-save output (for format detection).
bool looks_like_iptables(std::string_view text);

}  // namespace rulegap
