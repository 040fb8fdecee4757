#include "cli/input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

namespace rulegap::cli {

std::optional<std::string> read_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return std::move(buffer).str();
}

std::optional<InputFormat> parse_input_format(const std::string& name) {
    if (name == "iptables" || name == "ip6tables" || name == "iptables-save" || name == "ip6tables-save")
        return InputFormat::iptables;
    return std::nullopt;
}

LoadedRuleset load_ruleset(const std::string& path, const std::string& format_name,
                           const std::string& ipset_path) {
    LoadedRuleset out;
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
        fmt::print(stderr, "{}: error: cannot read: {}\n", path, error);
        return out;
    }
    std::optional<InputFormat> format;
    if (!format_name.empty()) {
        format = parse_input_format(format_name);
        if (!format) {
            fmt::print(stderr, "rulegap: error: unknown input format '{}' (known: iptables)\n", format_name);
            return out;
        }
    } else if (looks_like_iptables(*text)) {
        format = InputFormat::iptables;
    } else {
        fmt::print(stderr, "{}: error: cannot tell the format of this file; give --input-format\n", path);
        return out;
    }
    IptablesOptions options;
    if (!ipset_path.empty()) {
        std::optional<std::string> sets = read_file(ipset_path, error);
        if (!sets) {
            fmt::print(stderr, "{}: error: cannot read: {}\n", ipset_path, error);
            return out;
        }
        out.ipsets = read_ipsets(*sets, ipset_path);
        options.ipsets = &out.ipsets;
    }
    out.ruleset = read_iptables(*text, path, options);
    out.ok = true;
    return out;
}

std::size_t print_diagnostics(const Diagnostics& diagnostics, bool verbose) {
    std::size_t warnings = 0;
    for (const Diagnostic& d : diagnostics.items) {
        if (d.severity == Severity::error || verbose) {
            fmt::print(stderr, "{}\n", d.to_string());
        } else {
            ++warnings;
        }
    }
    if (warnings > 0)
        fmt::print(stderr, "rulegap: {} warning{} and notes not shown (constructs read but not fully modelled); "
                           "--verbose lists them\n", warnings, warnings == 1 ? "" : "s");
    return diagnostics.error_count();
}

}  // namespace rulegap::cli
