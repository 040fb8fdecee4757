// rulegap CLI — one function per subcommand; each returns the process exit status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/load_options.hpp"
#include "rulegap/assume.hpp"

namespace rulegap::cli {

// The ruleset explain, query and lint read, and how to read it (main.cpp: add_ruleset_input).
struct RulesetInputOptions {
    std::string file;
    LoadOptions input;   // --input-format, --also, --profile, --rpc, --ipset, --threads, --max-input-size
    Assumptions assume;  // --assume MODULE=match|nomatch
};

struct ExplainOptions : RulesetInputOptions {
    std::string hook;          // empty: FORWARD for iptables; see direction for Windows
    std::string direction;     // Windows: in (INPUT) or out (OUTPUT); default in
    std::string packet;        // --packet
    std::string packets_file;  // --packets
    std::string format = "text";
    bool timing = false;
    bool verbose = false;
};
int run_explain(const ExplainOptions& options);

struct QueryCommandOptions : RulesetInputOptions {
    std::string hook;             // empty: FORWARD for iptables; see direction for Windows
    std::string direction;        // Windows: in (INPUT) or out (OUTPUT); default in
    std::string where;            // --where: the set syntax
    bool where_given = false;     // without --where: every packet, both families
    std::string verdict = "any";  // --verdict: accept, drop, reject, unknown or any
    std::string format = "text";
    std::size_t limit = 20;              // --limit: ranges listed per part
    std::size_t max_nodes = 40'000'000;  // --max-nodes: diagram nodes (DiagramTooLarge past them)
    bool verbose = false;
};
int run_query(const QueryCommandOptions& options);

struct LintOptions : RulesetInputOptions {
    std::string format = "text";
    bool verbose = false;
    bool quiet = false;                  // --quiet: no progress line
    bool all = false;                    // --all: partly-shadowed rules too
    bool profile_given = false;          // Windows: --profile given (else all three profiles)
    std::string fail_on = "never";       // --fail-on: error, warning, note or never
    std::size_t max_nodes = 40'000'000;  // --max-nodes
};
int run_lint(const LintOptions& options);

struct CheckCommandOptions {
    std::string site;
    std::vector<std::string> catalogs;
    std::string format = "text";
    std::string output;
    std::string fail_on = "error";
    std::vector<std::string> severities;  // KIND=SEVERITY
    std::vector<std::string> disabled;    // check names
    bool no_broad = false;                // --no-broad: an alias of --disable broad
    bool list_checks = false;
    std::string sensitive_ports;  // --sensitive-ports: "22,3389,5985-5986" (empty: not given)
    Assumptions assume;           // --assume (over the site's assume statements)
    std::uint64_t max_input_size = 0;
    unsigned threads = 0;                // --threads: for reading a large iptables file (0: one per core)
    std::size_t max_nodes = 40'000'000;  // --max-nodes, per firewall hook evaluated
    bool quiet = false;                  // --quiet: no progress line
    std::string base_dir = ".";          // --base-dir: CI formats name files relative to it
    std::string version;                 // "0.1.0", for SARIF's tool.driver.version
};
int run_check(const CheckCommandOptions& options);
// "blocked, partial, ..., not-checked": every finding kind, in order, `per_line` to a line.
std::string finding_kind_names(std::size_t per_line = 0);

}  // namespace rulegap::cli
