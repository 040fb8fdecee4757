// rulegap — printing a check Report: for a terminal, for CI (JSON), for a review ticket
// (Markdown), for a security review (HTML). The JSON schema is docs/report-schema.json
// (versioned by "schema_version").
#pragma once

#include <string>

#include "rulegap/check.hpp"
#include "rulegap/limits.hpp"

namespace rulegap {

std::optional<FailOn> parse_fail_on(std::string_view text);   // "error", "warning", "info", "never"
// True when some finding's severity reaches the threshold, or when no requirement could be
// checked at all (whatever the threshold: nothing checked is never a pass).
bool fails(const Report& report, FailOn threshold);

constexpr int report_schema_version = 2;

struct TextStyle {
    bool colour = false;       // ANSI colours (only on a terminal)
    bool show_passed = true;   // list the requirements that passed, compactly
};

std::string render_text(const Report& report, const TextStyle& style = {});
std::string render_json(const Report& report);       // one JSON document, schema_version 2
std::string render_markdown(const Report& report);

struct HtmlOptions {
    bool excerpts = true;             // show each deciding rule's line in its file, read again
    std::size_t context_lines = 2;    // ... with this many lines before and after
    std::uint64_t max_input_size = default_max_input_size;   // files larger are not excerpted
};
// One self-contained page (inline styles, no script, nothing fetched): the verdict, a role ×
// role matrix of the required flows, every requirement with its paths and deciding rules, the
// findings and the inputs. Files that are not UTF-8 text are named, not excerpted.
std::string render_html(const Report& report, const HtmlOptions& options = {});

}  // namespace rulegap
