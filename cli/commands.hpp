// rulegap CLI — one function per subcommand; each returns the process exit status.
#pragma once

#include <string>

namespace rulegap::cli {

struct ExplainOptions {
    std::string file;
    std::string input_format;     // empty: detect
    std::string hook = "FORWARD";
    std::string ipset_file;
    std::string packet;           // --packet
    std::string packets_file;     // --packets
    std::string format = "text";
    bool timing = false;
    bool verbose = false;
};
int run_explain(const ExplainOptions& options);

struct LintOptions {
    std::string file;
    std::string input_format;
    std::string ipset_file;
    std::string format = "text";
    bool verbose = false;
};
int run_lint(const LintOptions& options);

}  // namespace rulegap::cli
