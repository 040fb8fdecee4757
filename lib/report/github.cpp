// The report as GitHub Actions workflow commands: one ::error / ::warning / ::notice line per
// finding, annotating the rule's line in the pull request; then the verdict as a plain line.
#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {

std::string github_escape_data(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else
            out += c;
    }
    return out;
}

std::string github_escape_property(std::string_view text) {
    std::string out;
    for (char c : github_escape_data(text)) {
        if (c == ':')
            out += "%3A";
        else if (c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

std::string render_github(const Report& report, const CiReportOptions& o) {
    std::string out;
    for (const Finding& f : report.findings) {
        const SourceLoc place = report::finding_place(report, f, o.site_file);
        const char* command = f.severity == FindingSeverity::error     ? "error"
                              : f.severity == FindingSeverity::warning ? "warning"
                                                                       : "notice";
        out += "::";
        out += command;
        out += " file=" + github_escape_property(report::path_from(place.file, o.base_dir));
        if (place.line > 0) out += ",line=" + std::to_string(place.line);
        if (place.column > 0) out += ",col=" + std::to_string(place.column);
        out += ",title=" + github_escape_property("rulegap " + std::string(to_string(f.kind)) + ": " + f.id);
        out += "::" + github_escape_data(report::finding_text(f)) + "\n";
    }
    out += report::verdict_word(report) + " " + report.site + ": " + report.verdict_reason + "\n";
    return out;
}

}  // namespace rulegap
