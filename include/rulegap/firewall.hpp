// rulegap — one firewall read from its files, whatever their format: the input formats, told
// by name or by content, and one loader for them all (iptables.hpp and windows.hpp each read one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/iptables.hpp"
#include "rulegap/limits.hpp"
#include "rulegap/ruleset.hpp"
#include "rulegap/windows.hpp"

namespace rulegap {

// The input formats; `detect`: not given, told from each file's content.
enum class FirewallFormat : std::uint8_t { detect, iptables, windows };
std::string_view to_string(FirewallFormat f);  // "detect", "iptables", "windows"
// A format by its name or an alias ("iptables", "ip6tables-save", "windows", "wfw", "reg", ...),
// spelled exactly; nullopt for any other word.
std::optional<FirewallFormat> parse_firewall_format(std::string_view name);
// The first format whose detector recognises the bytes; `detect` when none does.
FirewallFormat detect_firewall_format(std::string_view bytes);
std::string firewall_format_names();  // for messages: "iptables or windows"

struct FirewallOptions {
    FirewallFormat format = FirewallFormat::detect;         // detect: each file by its content
    std::uint64_t max_input_size = default_max_input_size;  // a larger file is not read
    IptablesOptions iptables{};                             // iptables: threads, an ipset dump's sets
    WindowsProfile profile = WindowsProfile::domain;        // Windows: the profile in force
    WindowsContext windows{};                               // Windows: RPC range, address keywords
};

// One file of a firewall, as the loader found it.
struct FirewallFile {
    enum class Problem : std::uint8_t {
        none,
        unreadable,    // `why` says why (over the size limit, no such file, ...)
        unrecognised,  // no format recognises it
        mixed,         // of another format than the files before it: left out
    };
    std::string path;
    FirewallFormat format = FirewallFormat::detect;  // given or detected; detect: not recognised
    Problem problem = Problem::none;
    std::string why;
    bool repeats_family = false;  // iptables: a second file of one family (the first one decides)
};

struct LoadedFirewall {
    FirewallFormat format = FirewallFormat::detect;  // the files' format; detect: none was read
    std::vector<FirewallFile> files;
    // iptables: one ruleset per file (one per family). Windows: one ruleset (family 0) for all the
    // files, combined as the exports of one host (combine_windows_policies). Empty when no file
    // could be read.
    std::vector<Ruleset> rulesets;
    std::optional<WindowsPolicy> windows;  // Windows: the policy as read (all profiles), before lowering
    std::optional<std::string> disabled;   // why it lets everything pass (Windows: the profile's
                                           // EnableFirewall off)
};

// Reads a firewall's files. Never throws on bad input: what could not be read is in `files`, the
// files' own problems in the rulesets' diagnostics. A Windows file that could not be read or
// recognised stands in the policy as an unreadable rule, so the verdicts it could touch are
// `unknown`, never decided without it.
LoadedFirewall load_firewall(const std::vector<std::string>& paths, const FirewallOptions& options = {});

// The same, for files already in memory.
struct FirewallText {
    std::string file;  // its name in diagnostics
    std::string bytes;
};
LoadedFirewall read_firewall(std::vector<FirewallText> texts, const FirewallOptions& options = {});

}  // namespace rulegap
