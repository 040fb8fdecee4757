// rulegap CLI — reading input files and detecting their format.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/load_options.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/firewall.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/limits.hpp"
#include "rulegap/ruleset.hpp"
#include "rulegap/windows.hpp"

namespace rulegap::cli {

// Whole file into memory, refusing files over `max_size` bytes; nullopt (and a one-line
// message in `error`) when it cannot be read. The path "-" is standard input, read to its end
// within the same limit.
std::optional<std::string> read_file(const std::string& path, std::uint64_t max_size, std::string& error);

// The name of an input in messages and reports: "<stdin>" for "-", otherwise the path.
std::string input_name(const std::string& path);

struct LoadedRuleset {
    Ruleset ruleset;
    IpSets ipsets;
    FirewallFormat format = FirewallFormat::iptables;
    std::optional<WindowsPolicy> windows;  // Windows: the policy as read (all profiles), before lowering
    WindowsContext windows_context;        // Windows: what lowered it (--rpc), for other profiles
    bool ok = false;                       // false: could not be read at all (message already printed)
};

// Reads FILE (format given or detected: the format table, lib/formats/) with read_firewall(), with
// an optional ipset dump; Windows: with the `also` exports combined into one policy. Prints what it cannot do
// to stderr as "file: error: ...". Diagnostics of the files themselves are left in the ruleset.
LoadedRuleset load_ruleset(const std::string& path, const LoadOptions& options);

// The same, for a command that ends the process: the model is left for the exit to free instead
// of being taken apart block by block (a twentieth of `lint` on 100,000 rules). It stays
// reachable, so leak checkers do not count it.
LoadedRuleset& load_ruleset_until_exit(const std::string& path, const LoadOptions& options);

// Prints diagnostics to stderr: every error, and warnings only when `verbose` (otherwise one
// summary line counting them). Returns the number of errors. `to`: where they go (lint's
// diagnostics are its output: standard output).
std::size_t print_diagnostics(const Diagnostics& diagnostics, bool verbose, std::FILE* to = stderr);

// Where the packets meet the firewall (explain, query): --hook for iptables (INPUT, FORWARD or
// OUTPUT; default FORWARD), --direction for Windows (in: INPUT, the destination is this host;
// out: OUTPUT; default in). nullopt, with "rulegap COMMAND: error: ..." printed to stderr, when
// they are wrong, given both, or FORWARD for Windows.
std::optional<Hook> hook_for(std::string_view command, const std::string& hook, const std::string& direction,
                             FirewallFormat format);

}  // namespace rulegap::cli
