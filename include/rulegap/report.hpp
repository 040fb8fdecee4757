// rulegap — printing a check Report: for a terminal, for CI (JSON), for a review ticket
// (Markdown), for a security review (HTML), and in the formats CI systems read (SARIF, JUnit,
// GitHub workflow commands, GitLab Code Quality). The JSON schema is docs/report-schema.json
// (versioned by "schema_version").
#pragma once

#include <span>
#include <string>

#include "rulegap/check.hpp"
#include "rulegap/limits.hpp"

namespace rulegap {

std::optional<FailOn> parse_fail_on(std::string_view text);  // "error", "warning", "info", "never"
// True when some finding's severity reaches the threshold, or when no requirement could be
// checked at all (whatever the threshold: nothing checked is never a pass).
bool fails(const Report& report, FailOn threshold);

constexpr int report_schema_version = 2;

struct TextStyle {
    bool colour = false;      // ANSI colours (only on a terminal)
    bool show_passed = true;  // list the requirements that passed, compactly
};

std::string render_text(const Report& report, const TextStyle& style = {});
std::string render_json(const Report& report);  // one JSON document, schema_version 2
std::string render_markdown(const Report& report);

// What a finding kind means, in one place: SARIF's rules read it (and the HTML report and the
// docs may). `id` is to_string(kind).
struct FindingKindInfo {
    FindingKind kind;
    std::string_view id;                 // "rpc-session"
    std::string_view name;               // "RpcSessionPortClosed" (SARIF reportingDescriptor.name)
    std::string_view title;              // the reports' section heading
    std::string_view short_description;  // one line
    std::string_view full_description;   // what the check looked at
    std::string_view help;               // what it means and how to fix it
    std::string_view level;              // SARIF level of default_severity(kind): error, warning, note
    double security_severity;            // 0.1-10 (GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9
                                         // medium, up to 3.9 low)
    std::span<const std::string_view> tags;
};
std::span<const FindingKindInfo> finding_kinds();  // in FindingKind order
const FindingKindInfo& finding_kind_info(FindingKind kind);

// Where the CI formats say a finding is. Files are named relative to base_dir (empty: as the site
// names them); a file outside base_dir keeps its absolute path (SARIF: a file:// URI).
struct CiReportOptions {
    std::string base_dir;            // the repository root (--base-dir; the CLI's default: ".")
    std::string site_file;           // where a finding with no rule and no catalog row is placed
    std::string tool_version;        // "0.1.0"
    double seconds = 0;              // the run's wall time (JUnit's time attributes)
    FailOn fail_on = FailOn::error;  // JUnit: findings reaching it are failures, others output
};

std::string render_sarif(const Report& report, const CiReportOptions& options);   // SARIF 2.1.0
std::string render_junit(const Report& report, const CiReportOptions& options);   // JUnit XML
std::string render_github(const Report& report, const CiReportOptions& options);  // ::error ...
std::string render_gitlab(const Report& report, const CiReportOptions& options);  // Code Quality

// GitHub workflow command escaping (actions/toolkit): the message escapes %, CR and LF; a
// property value also : and ,.
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

struct HtmlOptions {
    bool excerpts = true;           // show each deciding rule's line in its file, read again
    std::size_t context_lines = 2;  // ... with this many lines before and after
    std::uint64_t max_input_size = default_max_input_size;  // files larger are not excerpted
};
// One self-contained page (inline styles, no script, nothing fetched): the verdict, a role ×
// role matrix of the required flows, every requirement with its paths and deciding rules, the
// findings and the inputs. Files that are not UTF-8 text are named, not excerpted.
std::string render_html(const Report& report, const HtmlOptions& options = {});

}  // namespace rulegap
