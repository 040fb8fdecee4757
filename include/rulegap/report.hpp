// rulegap — printing a check Report: for a terminal, for CI (JSON), for a review ticket
// (Markdown). The JSON schema is docs/report-schema.json (versioned by "schema_version").
#pragma once

#include <string>

#include "rulegap/check.hpp"

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

}  // namespace rulegap
