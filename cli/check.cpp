// rulegap check — a site's firewalls against requirement catalogs; the gap report.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/memory.hpp"
#include "lib/threads/tuning.hpp"
#include "rulegap/catalog.hpp"
#include "rulegap/check.hpp"
#include "rulegap/report.hpp"
#include "rulegap/site.hpp"

namespace rulegap::cli {
namespace {

std::optional<FindingKind> parse_kind(std::string_view name) {
    for (int k = 0; k < finding_kind_count; ++k)
        if (to_string(static_cast<FindingKind>(k)) == name) return static_cast<FindingKind>(k);
    return std::nullopt;
}

std::optional<FindingSeverity> parse_severity(std::string_view name) {
    if (name == "error") return FindingSeverity::error;
    if (name == "warning") return FindingSeverity::warning;
    if (name == "info") return FindingSeverity::info;
    return std::nullopt;
}

// "22,3389,5985-5986": sorted port ranges; nullopt when a part is not a port or a range.
std::optional<std::vector<Interval>> parse_ports(std::string_view text) {
    std::vector<Interval> out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        std::string_view part = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        const std::size_t dash = part.find('-');
        auto number = [](std::string_view v) -> std::optional<std::uint32_t> {
            if (v.empty() || v.size() > 5) return std::nullopt;
            std::uint32_t n = 0;
            for (char c : v) {
                if (c < '0' || c > '9') return std::nullopt;
                n = n * 10 + static_cast<std::uint32_t>(c - '0');
            }
            return n <= 65535 ? std::optional(n) : std::nullopt;
        };
        auto lo = number(part.substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : number(part.substr(dash + 1));
        if (!lo || !hi || *lo > *hi) return std::nullopt;
        out.push_back({*lo, *hi});
    }
    if (out.empty()) return std::nullopt;
    std::sort(out.begin(), out.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    return out;
}

// `--catalog NAME`: a file as given; a bare name (letters, digits, '-', '_') that names no file
// here is a catalog shipped with rulegap, PREFIX/share/rulegap/rules/NAME.catalog, found from
// the running executable's place (PREFIX/bin).
std::string catalog_path(const std::string& given) {
    namespace fs = std::filesystem;
    std::error_code error;
    if (fs::exists(given, error)) return given;
    const bool bare = !given.empty() && std::all_of(given.begin(), given.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!bare) return given;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    if (error) return given;
    const fs::path shipped =
        (exe.parent_path() / RULEGAP_RULES_FROM_BIN / (given + ".catalog")).lexically_normal();
    return fs::exists(shipped, error) ? shipped.string() : given;
}

}  // namespace

std::string finding_kind_names(std::size_t per_line) {
    std::string out;
    for (int k = 0; k < finding_kind_count; ++k) {
        const bool wrap = per_line && k > 0 && static_cast<std::size_t>(k) % per_line == 0;
        out += (k == 0 ? "" : wrap ? ",\n" : ", ") + std::string(to_string(static_cast<FindingKind>(k)));
    }
    return out;
}

int run_check(const CheckCommandOptions& o) {
    if (o.list_checks) {
        for (const CheckInfo& c : all_checks()) fmt::print("{:<14} {}\n", c.name, c.description);
        return 0;
    }
    if (o.site.empty()) {
        fmt::print(stderr, "rulegap check: error: give a SITE file (see rulegap check --help)\n");
        return 2;
    }
    std::optional<FailOn> fail_on = parse_fail_on(o.fail_on);
    if (!fail_on) {
        fmt::print(stderr, "rulegap check: error: --fail-on takes error, warning, info or never, not '{}'\n",
                   o.fail_on);
        return 2;
    }
    static constexpr std::string_view formats[] = {"text",  "json",  "markdown", "html",
                                                   "sarif", "junit", "github",   "gitlab"};
    if (std::find(std::begin(formats), std::end(formats), o.format) == std::end(formats)) {
        fmt::print(stderr,
                   "rulegap check: error: unknown format '{}' (text, json, markdown, html, sarif, junit, "
                   "github or gitlab)\n",
                   o.format);
        return 2;
    }
    CheckOptions options;
    options.assume = o.assume;
    options.max_nodes = o.max_nodes;
    options.fail_on = *fail_on;
    if (!o.sensitive_ports.empty()) {
        options.sensitive_ports = parse_ports(o.sensitive_ports);
        if (!options.sensitive_ports) {
            fmt::print(
                stderr,
                "rulegap check: error: --sensitive-ports takes ports and ranges such as 22,3389,5985-5986, "
                "not '{}'\n",
                o.sensitive_ports);
            return 2;
        }
    }
    for (const std::string& spec : o.severities) {
        std::size_t eq = spec.find('=');
        std::optional<FindingKind> kind =
            eq == std::string::npos ? std::nullopt : parse_kind(spec.substr(0, eq));
        std::optional<FindingSeverity> sev =
            eq == std::string::npos ? std::nullopt : parse_severity(spec.substr(eq + 1));
        if (!kind || !sev) {
            fmt::print(
                stderr,
                "rulegap check: error: --severity takes KIND=error|warning|info (kinds: {}), not '{}'\n",
                finding_kind_names(), spec);
            return 2;
        }
        options.severity[*kind] = *sev;
    }
    for (const std::string& name : o.disabled) {
        bool known = false;
        for (const CheckInfo& c : all_checks()) known = known || c.name == name;
        if (!known) {
            fmt::print(stderr,
                       "rulegap check: error: no check named '{}' (see rulegap check --list-checks)\n", name);
            return 2;
        }
        options.disabled_checks.insert(name);
    }
    if (o.no_broad) options.disabled_checks.insert("broad");  // --no-broad: an alias

    const auto started = std::chrono::steady_clock::now();
    detail::ReadTuning tuning;
    tuning.on_thread_start = tune_thread_memory;
    SiteOptions site_options;
    site_options.max_input_size = o.max_input_size;
    site_options.iptables.threads = o.threads;
    site_options.iptables.tuning = &tuning;
    ProgressLine progress(!o.quiet);
    progress.set("reading " + o.site + " and its firewalls");
    Site site = load_site(o.site, site_options);
    std::vector<Catalog> catalogs;
    std::vector<std::string> paths = site.catalogs;
    for (const std::string& c : o.catalogs) paths.push_back(catalog_path(c));
    std::size_t input_errors = site.diagnostics.error_count();
    for (const std::string& p : paths) {
        catalogs.push_back(load_catalog(p, CatalogOptions{o.max_input_size}));
        input_errors += catalogs.back().diagnostics.error_count();
    }
    for (const Diagnostic& d : site.diagnostics.items)
        if (d.severity == Severity::error) fmt::print(stderr, "{}\n", d.to_string());
    for (const Catalog& c : catalogs)
        for (const Diagnostic& d : c.diagnostics.items)
            if (d.severity == Severity::error) fmt::print(stderr, "{}\n", d.to_string());
    if (paths.empty()) {
        fmt::print(stderr, "{}: error: no catalog to check against: add a `catalog` line or give --catalog\n",
                   o.site);
        return 2;
    }
    bool site_readable = !site.name.empty() || !site.roles.empty() || !site.firewalls.empty();
    if (!site_readable && site.diagnostics.has_errors()) return 2;

    options.progress = [&progress](std::string_view what) { progress.set(what); };
    Report report = check(site, catalogs, options);
    progress.done();
    // Warnings about the site (its own, and names no catalog or rule knows) go to stderr too.
    std::vector<const Diagnostic*> warnings;
    for (const Diagnostic& d : report.diagnostics.items)
        if (d.severity == Severity::warning && d.where.file == site.file) warnings.push_back(&d);
    std::stable_sort(warnings.begin(), warnings.end(), [](const Diagnostic* a, const Diagnostic* b) {
        return std::pair(a->where.line, a->where.column) < std::pair(b->where.line, b->where.column);
    });
    for (const Diagnostic* d : warnings) fmt::print(stderr, "{}\n", d->to_string());

    CiReportOptions ci;
    ci.base_dir = o.base_dir;
    ci.site_file = o.site;
    ci.tool_version = o.version;
    ci.fail_on = *fail_on;
    ci.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string text;
    if (o.format == "json")
        text = render_json(report);
    else if (o.format == "sarif")
        text = render_sarif(report, ci);
    else if (o.format == "junit")
        text = render_junit(report, ci);
    else if (o.format == "github")
        text = render_github(report, ci);
    else if (o.format == "gitlab")
        text = render_gitlab(report, ci);
    else if (o.format == "markdown")
        text = render_markdown(report);
    else if (o.format == "html") {
        HtmlOptions html;
        html.max_input_size = o.max_input_size;
        text = render_html(report, html);
    } else
        text = render_text(
            report, TextStyle{o.output.empty() && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"), true});

    if (o.output.empty()) {
        fmt::print("{}", text);
    } else {
        std::ofstream out(o.output, std::ios::binary);
        out << text;
        if (!out) {
            fmt::print(stderr, "{}: error: cannot write the report\n", o.output);
            return 2;
        }
    }
    // Firewall files' own errors reach the report's diagnostics.
    std::size_t errors = report.diagnostics.error_count();
    if (errors > 0 || input_errors > 0) {
        fmt::print(stderr,
                   "rulegap check: the inputs have errors (listed in the report); the verdicts they touch "
                   "are unknown\n");
        return 2;
    }
    return fails(report, *fail_on) ? 1 : 0;
}

}  // namespace rulegap::cli
