// The report for a review ticket: a summary table per catalog table, then the findings.
#include <map>

#include <fmt/core.h>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

using report::location;
using report::one_line;

// Markdown table cells: pipes escaped, one line.
std::string cell(std::string text) {
    text = one_line(std::move(text));
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else
            out += c;
    }
    return out;
}

std::string code(const std::string& text) { return text.empty() ? std::string() : "`" + cell(text) + "`"; }

}  // namespace

std::string render_markdown(const Report& report) {
    const ReportSummary& s = report.summary;
    std::string out = fmt::format("# rulegap report: {}\n\n", report.site);
    out += fmt::format(
        "**{}** — {}. {} requirements: {} allowed, {} partial, {} unknown, {} blocked, {} not checked. "
        "Findings: {} errors, {} warnings, {} info.\n\n",
        report::verdict_word(report), cell(report.verdict_reason), s.requirements, s.allowed, s.partial,
        s.unknown, s.blocked, s.skipped, s.errors, s.warnings, s.infos);
    if (!report.assumptions.empty()) {
        out += "Assumed for undecided matches:";
        for (const AppliedAssumption& a : report.assumptions)
            out += " `" + cell(report::assumption_text(a)) + "`;";
        out.back() = '.';
        out += "\n\n";
    }

    // Summary per catalog table, in catalog order.
    struct Row {
        std::string catalog, key, title;
        std::size_t n = 0, allowed = 0, partial = 0, unknown = 0, blocked = 0, skipped = 0;
    };
    std::vector<Row> rows;
    std::map<std::string, std::size_t> index;
    for (const RequirementResult& r : report.requirements) {
        std::string k = r.catalog + "." + r.table_key;
        auto [it, fresh] = index.try_emplace(k, rows.size());
        if (fresh) rows.push_back({r.catalog, r.table_key, r.table_title});
        Row& row = rows[it->second];
        ++row.n;
        switch (r.status) {
            case FlowStatus::allowed:
                ++row.allowed;
                break;
            case FlowStatus::partial:
                ++row.partial;
                break;
            case FlowStatus::unknown:
                ++row.unknown;
                break;
            case FlowStatus::blocked:
                ++row.blocked;
                break;
            case FlowStatus::skipped:
                ++row.skipped;
                break;
        }
    }
    out += "| table | title | rows | allowed | partial | unknown | blocked | not checked |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const Row& r : rows)
        out += fmt::format("| {}.{} | {} | {} | {} | {} | {} | {} | {} |\n", r.catalog, r.key, cell(r.title),
                           r.n, r.allowed, r.partial, r.unknown, r.blocked, r.skipped);

    for (const checks::KindDef& sec : report::sections) {
        std::vector<const Finding*> list = report.of_kind(sec.kind);
        if (list.empty()) continue;
        out += fmt::format("\n## {} ({})\n\n", sec.title, list.size());
        for (const Finding* f : list) {
            out += fmt::format("- **{}** `{}` — {}\n", to_string(f->severity), f->id, cell(f->message));
            if (f->rule) out += fmt::format("  - rule: `{}` {}\n", location(*f->rule), code(f->rule_text));
            if (f->witness) out += fmt::format("  - witness: `{}`\n", format_packet(*f->witness));
            for (const std::string& d : f->details) out += fmt::format("  - {}\n", cell(d));
        }
    }

    out += "\n## Requirements\n\n| id | from | to | flow | remark | status |\n|---|---|---|---|---|---|\n";
    for (const RequirementResult& r : report.requirements)
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.id, cell(r.source_role),
                           cell(r.destination_role), cell(r.flows), cell(r.remark), to_string(r.status));

    bool any = false;
    for (const Diagnostic& d : report.diagnostics.items) {
        if (d.severity != Severity::error) continue;
        if (!any) out += "\n## Input errors\n\n";
        any = true;
        out += fmt::format("- `{}`\n", cell(d.to_string()));
    }
    return out;
}

}  // namespace rulegap
