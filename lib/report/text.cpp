// The report for a terminal: a one-line verdict, then missing, partial, unknown, broad, then
// what passed (compact); each finding with its rule location and witness.
#include <fmt/core.h>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

using report::location;
using report::one_line;

struct Paint {
    bool on = false;
    std::string operator()(std::string_view code, std::string_view text) const {
        return on ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
    }
    std::string severity(FindingSeverity s) const {
        std::string_view word = to_string(s);
        return (*this)(s == FindingSeverity::error     ? "1;31"
                       : s == FindingSeverity::warning ? "1;33"
                                                       : "36",
                       word);
    }
};

void print_finding(std::string& out, const Finding& f, const Paint& paint) {
    out += fmt::format("  {:<7}  {}\n", paint.severity(f.severity), paint("1", f.id));
    out += fmt::format("           {}\n", one_line(f.message));
    if (f.rule) out += fmt::format("           rule     {}  {}\n", location(*f.rule), one_line(f.rule_text));
    if (f.witness) out += fmt::format("           witness  {}\n", format_packet(*f.witness));
    for (const std::string& d : f.details) out += fmt::format("           - {}\n", one_line(d));
}

}  // namespace

std::string render_text(const Report& report, const TextStyle& style) {
    Paint paint{style.colour};
    const ReportSummary& s = report.summary;
    std::string out;
    std::string verdict = report::verdict_word(report);
    std::string_view code = verdict == "PASS" ? "1;32" : verdict == "FAIL" ? "1;31" : "1;33";
    out += fmt::format(
        "{} {}: {} requirements: {} allowed, {} partial, {} unknown, {} blocked, {} not checked; "
        "findings: {} errors, {} warnings, {} info\n",
        paint(code, verdict), report.site, s.requirements, s.allowed, s.partial, s.unknown, s.blocked,
        s.skipped, s.errors, s.warnings, s.infos);
    out += fmt::format("{} because {}\n", paint(code, verdict), one_line(report.verdict_reason));
    if (!report.assumptions.empty()) {  // they decide what is otherwise unknown: said first
        out += fmt::format("\n{} ({})\n", paint("1", "Assumed for undecided matches"),
                           report.assumptions.size());
        for (const AppliedAssumption& a : report.assumptions) out += "  " + report::assumption_text(a) + "\n";
    }

    for (const checks::KindDef& sec : report::sections) {
        std::vector<const Finding*> list = report.of_kind(sec.kind);
        if (list.empty()) continue;
        out += fmt::format("\n{} ({})\n", paint("1", sec.title), list.size());
        for (const Finding* f : list) print_finding(out, *f, paint);
    }

    if (style.show_passed) {
        std::vector<std::string> passed;
        for (const RequirementResult& r : report.requirements)
            if (r.status == FlowStatus::allowed) passed.push_back(r.id);
        if (!passed.empty()) {
            out += fmt::format("\n{} ({})\n ", paint("1", "Required flows allowed"), passed.size());
            std::size_t col = 1;
            for (const std::string& id : passed) {
                if (col + id.size() + 1 > 100) {
                    out += "\n ";
                    col = 1;
                }
                out += " " + id;
                col += id.size() + 1;
            }
            out += "\n";
        }
    }

    bool any_diag = false;
    for (const Diagnostic& d : report.diagnostics.items) {
        if (d.severity != Severity::error) continue;
        if (!any_diag) out += fmt::format("\n{}\n", paint("1", "Input errors"));
        any_diag = true;
        out += "  " + d.to_string() + "\n";
    }
    return out;
}

}  // namespace rulegap
