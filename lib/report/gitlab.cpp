// The report as GitLab Code Quality JSON (artifacts:reports:codequality): one issue per finding,
// at its rule's line, with a fingerprint stable across runs.
#include <nlohmann/json.hpp>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {

std::string render_gitlab(const Report& report, const CiReportOptions& o) {
    using json = nlohmann::ordered_json;
    json issues = json::array();
    for (const Finding& f : report.findings) {
        const SourceLoc place = report::finding_place(report, f, o.site_file);
        const FindingKindInfo& k = finding_kind_info(f.kind);
        // GitLab's words: info, minor, major, critical, blocker.
        const char* severity = f.severity == FindingSeverity::info      ? "info"
                               : f.severity == FindingSeverity::warning ? "minor"
                               : k.security_severity > 9.0              ? "critical"
                                                                        : "major";
        bool security = false;
        for (std::string_view t : k.tags) security = security || t == "security";
        issues.push_back({{"type", "issue"},
                          {"check_name", std::string(to_string(f.kind))},
                          {"description", f.id + ": " + report::finding_text(f)},
                          {"categories", json::array({security ? "Security" : "Bug Risk"})},
                          {"fingerprint", report::fingerprint(f.id)},
                          {"severity", severity},
                          // A file without lines (a .wfw hive) is placed at its first line.
                          {"location",
                           {{"path", report::path_from(place.file, o.base_dir)},
                            {"lines", {{"begin", place.line > 0 ? place.line : 1}}}}}});
    }
    return issues.dump(2) + "\n";
}

}  // namespace rulegap
