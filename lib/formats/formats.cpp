// rulegap — the one table of input formats, and load_firewall() that dispatches through it.
// The rows call each reader's public entry points (rulegap/<format>.hpp), never a parser's header.
#include "lib/formats/formats.hpp"

#include <optional>
#include <exception>
#include <utility>

namespace rulegap {

namespace formats {

namespace {

// ---- iptables-save / ip6tables-save: one ruleset per file ----------------------------------

constexpr std::string_view iptables_aliases[] = {"ip6tables", "iptables-save", "ip6tables-save"};
constexpr std::string_view iptables_recognises[] = {"iptables-save", "ip6tables-save"};

void load_iptables_files(std::vector<FirewallText> texts, const std::vector<std::string>&,
                         const FirewallOptions& options, LoadedFirewall& out) {
    for (FirewallText& t : texts)  // the ruleset keeps the text
        out.rulesets.push_back(read_iptables(std::move(t.bytes), std::move(t.file), options.iptables));
}

// ---- Windows Firewall: the exports of one host, combined -----------------------------------

constexpr std::string_view windows_aliases[] = {"wfw", "reg", "gpo-xml", "csv", "rule-strings"};
constexpr std::string_view windows_recognises[] = {"a Windows Firewall export"};

bool looks_like_windows(std::string_view bytes) { return detect_windows_form(bytes) != WindowsForm::unknown; }

void load_windows_files(std::vector<FirewallText> texts, const std::vector<std::string>& unread,
                        const FirewallOptions& options, LoadedFirewall& out) {
    std::vector<WindowsPolicy> policies;
    for (FirewallText& t : texts) policies.push_back(read_windows_policy(t.bytes, std::move(t.file)));
    // A part of the host's policy that could not be read may hold any rule: an unread
    // placeholder makes the verdicts it could touch unknown, never decided without it.
    for (const std::string& path : unread) {
        WindowsPolicy missing;
        missing.file = path;
        missing.files = {path};
        missing.store = WindowsStore::group_policy;  // whatever the other files say, it applies
        WindowsRule r;
        r.id = "(the file)";
        r.where = SourceLoc{path, 0, 0};
        r.readable = false;
        r.store = WindowsStore::group_policy;
        missing.rules.push_back(std::move(r));
        policies.push_back(std::move(missing));
    }
    out.windows = combine_windows_policies(std::move(policies));
    const WindowsPolicy& policy = *out.windows;
    const WindowsProfileSettings s = policy.settings(options.profile);
    if (!s.is_unreadable("EnableFirewall") && s.enable_firewall && !*s.enable_firewall)
        out.disabled = "the firewall is disabled for the " + std::string(to_string(options.profile)) +
                       " profile in " + (s.where.file.empty() ? policy.file : s.where.file) +
                       ": everything passes";
    out.rulesets.push_back(to_ruleset(policy, options.profile, options.windows));
}

// ---- the table ------------------------------------------------------------------------------

constexpr FormatRow table[] = {
    {FirewallFormat::iptables, "iptables", "iptables", iptables_aliases, iptables_recognises, false,
     looks_like_iptables, load_iptables_files},
    {FirewallFormat::windows, "windows", "Windows", windows_aliases, windows_recognises, true,
     looks_like_windows, load_windows_files},
};

// Row i is the format i + 1 (FirewallFormat::detect is 0).
constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < std::size(table); ++i)
        if (static_cast<std::size_t>(table[i].format) != i + 1) return false;
    return true;
}
static_assert(in_enum_order(), "one row per FirewallFormat value, in the enum's order");

std::string join(const std::vector<std::string>& items, std::string_view separator, std::string_view last) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? last : separator;
        out += items[i];
    }
    return out;
}

}  // namespace

std::span<const FormatRow> rows() { return table; }

const FormatRow& row(FirewallFormat format) { return table[static_cast<std::size_t>(format) - 1]; }

std::string recognised_list() {
    std::vector<std::string> all;
    for (const FormatRow& r : table)
        for (std::string_view what : r.recognises) all.emplace_back(what);
    return join(all, ", ", ", or ");
}

std::string neither_recognised() {
    std::vector<std::string> first;
    for (const FormatRow& r : table) first.emplace_back(r.recognises.front());
    return "neither " + join(first, " nor ", " nor ");
}

std::string names(std::string_view before, std::string_view after) {
    std::vector<std::string> all;
    for (const FormatRow& r : table)
        all.push_back(std::string(before) + std::string(r.name) + std::string(after));
    return join(all, ", ", " or ");
}

}  // namespace formats

namespace fd = formats;

std::string_view to_string(FirewallFormat f) {
    return f == FirewallFormat::detect ? "detect" : fd::row(f).name;
}

std::optional<FirewallFormat> parse_firewall_format(std::string_view name) {
    for (const fd::FormatRow& r : fd::rows()) {
        if (name == r.name) return r.format;
        for (std::string_view alias : r.aliases)
            if (name == alias) return r.format;
    }
    return std::nullopt;
}

FirewallFormat detect_firewall_format(std::string_view bytes) {
    for (const fd::FormatRow& r : fd::rows())
        if (r.detect(bytes)) return r.format;
    return FirewallFormat::detect;
}

std::string firewall_format_names() { return fd::names("", ""); }

namespace {

// Each file read (`bytes` not nullopt) has a format: given, or detected and the same as the
// files' before it. Those that have go to the format's row; the others stay in out.files with
// their problem.
LoadedFirewall load_read(std::vector<FirewallFile> files, std::vector<std::optional<std::string>> bytes,
                         const FirewallOptions& options) {
    LoadedFirewall out;
    out.format = options.format;
    out.files = std::move(files);
    std::vector<FirewallText> kept;
    std::vector<std::size_t> kept_file;
    for (std::size_t i = 0; i < out.files.size(); ++i) {
        FirewallFile& f = out.files[i];
        if (!bytes[i]) continue;
        f.format = options.format;
        if (f.format == FirewallFormat::detect) f.format = detect_firewall_format(*bytes[i]);
        if (f.format == FirewallFormat::detect) {
            f.problem = FirewallFile::Problem::unrecognised;
            continue;
        }
        if (out.format != FirewallFormat::detect && out.format != f.format) {
            f.problem = FirewallFile::Problem::mixed;
            continue;
        }
        out.format = f.format;
        kept.push_back(FirewallText{f.path, std::move(*bytes[i])});
        kept_file.push_back(i);
    }
    if (kept.empty()) return out;
    std::vector<std::string> unread;  // in the files' order
    for (const FirewallFile& f : out.files)
        if (f.problem == FirewallFile::Problem::unreadable ||
            f.problem == FirewallFile::Problem::unrecognised)
            unread.push_back(f.path);
    const fd::FormatRow& row = fd::row(out.format);
    row.load(std::move(kept), unread, options, out);
    if (!row.combines_files)  // one ruleset per file
        for (std::size_t k = 0; k < out.rulesets.size() && k < kept_file.size(); ++k)
            for (std::size_t j = 0; j < k; ++j)
                if (out.rulesets[j].family == out.rulesets[k].family)
                    out.files[kept_file[k]].repeats_family = true;
    return out;
}

}  // namespace

LoadedFirewall read_firewall(std::vector<FirewallText> texts, const FirewallOptions& options) {
    std::vector<FirewallFile> files;
    std::vector<std::optional<std::string>> bytes;
    for (FirewallText& t : texts) {
        files.push_back(FirewallFile{std::move(t.file), FirewallFormat::detect, {}, {}, false});
        bytes.emplace_back(std::move(t.bytes));
    }
    return load_read(std::move(files), std::move(bytes), options);
}

LoadedFirewall load_firewall(const std::vector<std::string>& paths, const FirewallOptions& options) {
    std::vector<FirewallFile> files;
    std::vector<std::optional<std::string>> bytes;
    for (const std::string& path : paths) {
        FirewallFile f{path, FirewallFormat::detect, {}, {}, false};
        std::optional<std::string> b;
        try {
            // Within the input size limit: a site may name /dev/zero or a huge file.
            b = read_input_file(path, options.max_input_size, f.why);
        } catch (const std::exception& e) {
            b.reset();
            f.why = e.what();
        }
        if (!b) f.problem = FirewallFile::Problem::unreadable;
        files.push_back(std::move(f));
        bytes.push_back(std::move(b));
    }
    return load_read(std::move(files), std::move(bytes), options);
}

}  // namespace rulegap
