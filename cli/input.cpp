#include "cli/input.hpp"
#include "cli/memory.hpp"
#include "lib/formats/formats.hpp"
#include "lib/threads/tuning.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <limits>

#include <fmt/core.h>
#include <fmt/format.h>

namespace rulegap::cli {

namespace {

// Standard input to its end, never more than `max_size` bytes.
std::optional<std::string> read_stdin(std::uint64_t max_size, std::string& error) {
    std::string out;
    char buf[65536];
    for (;;) {
        std::size_t n = std::fread(buf, 1, sizeof buf, stdin);
        if (n > 0) {
            if (out.size() + n > max_size) {
                error = "input is over the " + format_input_size(max_size) +
                        " limit (raise it with --max-input-size)";
                return std::nullopt;
            }
            out.append(buf, n);
        }
        if (n < sizeof buf) {
            if (std::ferror(stdin)) {
                error = errno ? std::strerror(errno) : "read error";
                return std::nullopt;
            }
            return out;
        }
    }
}

}  // namespace

std::optional<std::string> read_file(const std::string& path, std::uint64_t max_size, std::string& error) {
    if (path == "-") return read_stdin(max_size, error);
    return read_input_file(path, max_size, error);
}

std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

namespace {

std::optional<Interval> parse_port_range(const std::string& text) {
    std::size_t dash = text.find('-');
    try {
        std::size_t used = 0;
        unsigned long lo = std::stoul(text.substr(0, dash), &used);
        if (used != (dash == std::string::npos ? text.size() : dash)) return std::nullopt;
        unsigned long hi = lo;
        if (dash != std::string::npos) {
            hi = std::stoul(text.substr(dash + 1), &used);
            if (used != text.size() - dash - 1) return std::nullopt;
        }
        if (lo > hi || hi > 65535) return std::nullopt;
        return Interval{lo, hi};
    } catch (const std::exception&) { return std::nullopt; }
}

}  // namespace

LoadedRuleset load_ruleset(const std::string& file, const LoadOptions& o) {
    LoadedRuleset out;
    std::string error;
    std::optional<std::string> text = read_file(file, o.max_input_size, error);
    const std::string path = input_name(file);  // "-": standard input, named <stdin>
    if (!text) {
        fmt::print(stderr, "{}: error: cannot read: {}\n", path, error);
        return out;
    }
    FirewallFormat format = FirewallFormat::detect;
    if (!o.format_name.empty()) {
        std::optional<FirewallFormat> named = parse_firewall_format(o.format_name);
        if (!named) {
            fmt::print(stderr, "rulegap: error: unknown input format '{}' ({})\n", o.format_name,
                       firewall_format_names());
            return out;
        }
        format = *named;
    } else {
        format = detect_firewall_format(*text);
        if (format == FirewallFormat::detect) {
            fmt::print(stderr, "{}: error: cannot tell the format of this file ({}); give --input-format\n",
                       path, formats::recognised_list());
            return out;
        }
    }
    const formats::FormatRow& row = formats::row(format);
    out.format = format;
    if (!row.combines_files && !o.also.empty()) {
        fmt::print(stderr,
                   "{}: error: --also combines Windows Firewall exports of one host; this is {} "
                   "(give one {} file)\n",
                   path, row.recognises.front(), row.name);
        return out;
    }
    FirewallOptions options;
    options.format = format;
    if (format == FirewallFormat::windows) {
        std::optional<WindowsProfile> profile = parse_windows_profile(o.profile);
        if (!profile) {
            fmt::print(stderr, "rulegap: error: unknown Windows profile '{}' (domain, private or public)\n",
                       o.profile);
            return out;
        }
        options.profile = *profile;
        if (!o.rpc_range.empty()) {
            std::optional<Interval> rpc = parse_port_range(o.rpc_range);
            if (!rpc) {
                fmt::print(stderr, "rulegap: error: --rpc takes a port range LO-HI, not '{}'\n", o.rpc_range);
                return out;
            }
            options.windows.rpc_range = *rpc;
        }
    }
    std::vector<FirewallText> texts;
    texts.push_back(FirewallText{path, std::move(*text)});  // the ruleset keeps the text
    for (const std::string& also : o.also) {
        std::optional<std::string> bytes = read_file(also, o.max_input_size, error);
        const std::string more = input_name(also);
        if (!bytes) {
            fmt::print(stderr, "{}: error: cannot read: {}\n", more, error);
            return out;
        }
        // Detected, it must be of FILE's format; with --input-format the reader says what it is not.
        if (o.format_name.empty() && !row.detect(*bytes)) {
            fmt::print(stderr, "{}: error: not {} (--also combines the exports of one Windows host)\n", more,
                       row.recognises.front());
            return out;
        }
        texts.push_back(FirewallText{more, std::move(*bytes)});
    }
    detail::ReadTuning tuning;
    tuning.on_thread_start = tune_thread_memory;
    options.iptables.threads = o.threads;
    options.iptables.tuning = &tuning;
    if (format == FirewallFormat::iptables && !o.ipset_path.empty()) {
        std::optional<std::string> sets = read_file(o.ipset_path, o.max_input_size, error);
        if (!sets) {
            fmt::print(stderr, "{}: error: cannot read: {}\n", input_name(o.ipset_path), error);
            return out;
        }
        out.ipsets = read_ipsets(*sets, input_name(o.ipset_path));
        options.iptables.ipsets = &out.ipsets;
    }
    LoadedFirewall loaded = read_firewall(std::move(texts), options);
    out.ruleset = std::move(loaded.rulesets.front());
    out.windows = std::move(loaded.windows);
    out.windows_context = options.windows;
    out.ok = true;
    return out;
}

std::size_t print_diagnostics(const Diagnostics& diagnostics, bool verbose, std::FILE* to) {
    std::size_t warnings = 0;
    // Written in blocks of 64 KiB (stderr is unbuffered: a write per line costs more than the
    // parse on files with thousands of warnings; one write for all would hold them all in memory).
    std::string out;
    out.reserve(65536 + 4096);
    auto flush = [&]() {
        std::fwrite(out.data(), 1, out.size(), to);
        out.clear();
    };
    for (const Diagnostic& d : diagnostics.items) {
        if (d.severity == Severity::error || verbose) {
            d.append_to(out);
            out += '\n';
            if (out.size() >= 65536) flush();
        } else {
            ++warnings;
        }
    }
    flush();
    if (warnings > 0)
        fmt::print(to,
                   "rulegap: {} warning{} and notes not shown (constructs read but not fully modelled); "
                   "--verbose lists them\n",
                   warnings, warnings == 1 ? "" : "s");
    return diagnostics.error_count();
}

LoadedRuleset& load_ruleset_until_exit(const std::string& path, const LoadOptions& options) {
    static std::vector<LoadedRuleset*>* kept = new std::vector<LoadedRuleset*>();
    kept->push_back(new LoadedRuleset(load_ruleset(path, options)));
    return *kept->back();
}

std::optional<Hook> hook_for(std::string_view command, const std::string& hook, const std::string& direction,
                             FirewallFormat format) {
    std::string hook_name = hook;
    if (!direction.empty()) {
        if (direction != "in" && direction != "out") {
            fmt::print(stderr, "rulegap {}: error: --direction takes in or out, not '{}'\n", command,
                       direction);
            return std::nullopt;
        }
        if (!hook.empty()) {
            fmt::print(stderr, "rulegap {}: error: give --hook or --direction, not both\n", command);
            return std::nullopt;
        }
        hook_name = direction == "in" ? "INPUT" : "OUTPUT";
    }
    if (hook_name.empty()) hook_name = format == FirewallFormat::windows ? "INPUT" : "FORWARD";
    std::optional<Hook> out = parse_hook(hook_name);
    if (!out) {
        fmt::print(stderr, "rulegap {}: error: unknown hook '{}' (INPUT, FORWARD or OUTPUT)\n", command,
                   hook_name);
        return std::nullopt;
    }
    if (format == FirewallFormat::windows && *out == Hook::forward) {
        fmt::print(stderr,
                   "rulegap {}: error: a Windows host firewall has no FORWARD hook; use --direction in|out\n",
                   command);
        return std::nullopt;
    }
    return out;
}

}  // namespace rulegap::cli
