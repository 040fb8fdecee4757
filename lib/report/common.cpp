#include "lib/report/common.hpp"

#include <algorithm>

#include "rulegap/report.hpp"

namespace rulegap {

std::optional<FailOn> parse_fail_on(std::string_view t) {
    if (t == "error") return FailOn::error;
    if (t == "warning") return FailOn::warning;
    if (t == "info") return FailOn::info;
    if (t == "never") return FailOn::never;
    return std::nullopt;
}

bool fails(const Report& report, FailOn threshold) {
    if (report.checked() == 0) return true;   // nothing checked is never a pass
    if (threshold == FailOn::never) return false;
    auto limit = static_cast<int>(threshold);   // error 0, warning 1, info 2
    return std::any_of(report.findings.begin(), report.findings.end(),
                       [&](const Finding& f) { return static_cast<int>(f.severity) <= limit; });
}

namespace report_detail {

std::string location(const SourceLoc& where) {
    std::string out = where.file.empty() ? std::string("<input>") : where.file;
    if (where.line > 0) out += ":" + std::to_string(where.line);
    else if (!where.name.empty()) out += "[" + where.name + "]";
    return out;
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return text;
}

std::string verdict_word(const Report& report) { return std::string(to_string(report.verdict)); }

std::string assumption_text(const AppliedAssumption& a) {
    const Assumption& x = a.assumption;
    return to_string(x) + " (" + (x.where.file.empty() ? std::string("--assume") : location(x.where)) + "): " +
           std::to_string(a.rules) + (a.rules == 1 ? " rule" : " rules");
}

}  // namespace report_detail
}  // namespace rulegap
