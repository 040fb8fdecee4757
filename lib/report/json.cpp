// The report as JSON (docs/report-schema.json): every requirement with its paths, hops and
// parts; every finding with its stable id; every input diagnostic.
#include <nlohmann/json.hpp>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

using json = nlohmann::ordered_json;

json loc_json(const SourceLoc& w) {
    json j = {{"file", w.file}, {"line", w.line}, {"column", w.column}};
    if (!w.name.empty()) j["name"] = w.name;
    return j;
}

json part_json(const HopPart& p) {
    json j = {{"verdict", std::string(to_string(p.verdict))},
              {"by_policy", p.by_policy},
              {"rule", loc_json(p.where)},
              {"rule_text", p.rule_text},
              {"covers", p.summary},
              {"packets", p.packets.size().to_string()}};
    j["witness"] = p.witness ? json(format_packet(*p.witness)) : json(nullptr);
    if (!p.reason.empty()) j["reason"] = p.reason;
    return j;
}

json hop_json(const HopResult& h) {
    json parts = json::array();
    for (const HopPart& p : h.parts) parts.push_back(part_json(p));
    return {{"firewall", h.firewall},
            {"hook", std::string(to_string(h.hook))},
            {"in_interface", h.in_interface},
            {"out_interface", h.out_interface},
            {"reply", h.reply},
            {"judged", std::string(to_string(h.judged))},
            {"status", std::string(to_string(h.status))},
            {"open", h.open},
            {"closed", h.closed},
            {"parts", parts}};
}

json requirement_json(const RequirementResult& r) {
    json paths = json::array();
    for (const PathResult& p : r.paths) {
        json hops = json::array();
        for (const HopResult& h : p.hops) hops.push_back(hop_json(h));
        paths.push_back({{"path", p.path},
                         {"status", std::string(to_string(p.status))},
                         {"alternative", p.alternative},
                         {"open", p.open},
                         {"closed", p.closed},
                         {"hops", hops}});
    }
    return {{"id", r.id},
            {"catalog", r.catalog},
            {"table", r.table_key},
            {"table_title", r.table_title},
            {"row", r.row_label},
            {"source_role", r.source_role},
            {"destination_role", r.destination_role},
            {"flows", r.flows},
            {"remark", r.remark},
            {"reply_of", r.reply_of},
            {"corrected", r.corrected},
            {"annotations", r.annotations},
            {"status", std::string(to_string(r.status))},
            {"skip_reason", r.skip_reason},
            {"unresolved", r.unresolved},
            {"paths", paths}};
}

json finding_json(const Finding& f) {
    json j = {{"id", f.id},
              {"kind", std::string(to_string(f.kind))},
              {"severity", std::string(to_string(f.severity))},
              {"rank", f.rank},
              {"requirement", f.requirement},
              {"firewall", f.firewall},
              {"message", f.message}};
    j["rule"] = f.rule ? loc_json(*f.rule) : json(nullptr);
    j["rule_text"] = f.rule_text;
    j["witness"] = f.witness ? json(format_packet(*f.witness)) : json(nullptr);
    j["details"] = f.details;
    json deps = json::array();
    for (const SourceLoc& d : f.depends_on) deps.push_back(loc_json(d));
    j["depends_on"] = deps;
    return j;
}

}  // namespace

std::string render_json(const Report& report) {
    const ReportSummary& s = report.summary;
    json requirements = json::array();
    for (const RequirementResult& r : report.requirements) requirements.push_back(requirement_json(r));
    json findings = json::array();
    for (const Finding& f : report.findings) findings.push_back(finding_json(f));
    json assumptions = json::array();
    for (const AppliedAssumption& a : report.assumptions) {
        const Assumption& x = a.assumption;
        assumptions.push_back({{"module", std::string(to_string(x.module))},
                               {"value", x.match ? "match" : "nomatch"},
                               {"where", x.where.file.empty() ? json(nullptr) : loc_json(x.where)},
                               {"rules", a.rules}});
    }
    json diagnostics = json::array();
    for (const Diagnostic& d : report.diagnostics.items) {
        const char* sev = d.severity == Severity::error     ? "error"
                          : d.severity == Severity::warning ? "warning"
                                                            : "note";
        diagnostics.push_back({{"severity", sev}, {"where", loc_json(d.where)}, {"message", d.message}});
    }
    json j = {{"schema", "rulegap-report"},
              {"schema_version", report_schema_version},
              {"site", report.site},
              {"verdict", report::verdict_word(report)},
              {"verdict_reason", report.verdict_reason},
              {"summary",
               {{"requirements", s.requirements},
                {"allowed", s.allowed},
                {"partial", s.partial},
                {"unknown", s.unknown},
                {"blocked", s.blocked},
                {"skipped", s.skipped},
                {"errors", s.errors},
                {"warnings", s.warnings},
                {"infos", s.infos}}},
              {"requirements", requirements},
              {"assumptions", assumptions},
              {"findings", findings},
              {"diagnostics", diagnostics}};
    return j.dump(2) + "\n";
}

}  // namespace rulegap
