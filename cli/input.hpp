// rulegap CLI — reading input files and detecting their format.
#pragma once

#include <optional>
#include <string>

#include "rulegap/iptables.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::cli {

// Whole file into memory; nullopt (and a message in `error`) when it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string& error);

enum class InputFormat { iptables };
std::optional<InputFormat> parse_input_format(const std::string& name);

struct LoadedRuleset {
    Ruleset ruleset;
    IpSets ipsets;
    bool ok = false;        // false: could not be read at all (message already printed)
};

// Reads FILE (format given or detected), with an optional ipset dump. Prints what it cannot do
// to stderr as "file: error: ...". Diagnostics of the file itself are left in the ruleset.
LoadedRuleset load_ruleset(const std::string& path, const std::string& format_name,
                           const std::string& ipset_path);

// Prints diagnostics to stderr: every error, and warnings only when `verbose` (otherwise one
// summary line counting them). Returns the number of errors.
std::size_t print_diagnostics(const Diagnostics& diagnostics, bool verbose);

}  // namespace rulegap::cli
