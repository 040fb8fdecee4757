// The report as SARIF 2.1.0 (GitHub code scanning and other SARIF viewers): one rule per finding
// kind (finding_kinds()), one result per finding, located at its rule (or catalog row) relative
// to the base directory (%SRCROOT%).
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

using json = nlohmann::ordered_json;
using report::path_from;

// A relative reference or file:// URI: every byte outside RFC 3986's unreserved set and '/'
// percent-encoded.
std::string uri_of(const std::string& path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (plain)
            out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string_view level_of(FindingSeverity s) {
    return s == FindingSeverity::error ? "error" : s == FindingSeverity::warning ? "warning" : "note";
}

json physical(const SourceLoc& where, const CiReportOptions& o) {
    const std::string path = path_from(where.file, o.base_dir);
    json artifact;
    if (!o.base_dir.empty() && std::filesystem::path(path).is_absolute())
        artifact = {{"uri", "file://" + uri_of(path)}};
    else if (!o.base_dir.empty())
        artifact = {{"uri", uri_of(path)}, {"uriBaseId", "%SRCROOT%"}};
    else
        artifact = {{"uri", uri_of(path)}};
    json p = {{"artifactLocation", artifact}};
    if (where.line > 0) {
        json region = {{"startLine", where.line}};
        if (where.column > 0) region["startColumn"] = where.column;
        p["region"] = region;
    }
    return p;
}

json rule_json(const FindingKindInfo& k) {
    json tags = json::array();
    for (std::string_view t : k.tags) tags.push_back(t);
    char severity[16];
    std::snprintf(severity, sizeof severity, "%.1f", k.security_severity);
    return {{"id", k.id},
            {"name", k.name},
            {"shortDescription", {{"text", k.short_description}}},
            {"fullDescription", {{"text", k.full_description}}},
            {"help", {{"text", k.help}}},
            {"defaultConfiguration", {{"level", k.level}}},
            {"properties", {{"security-severity", std::string(severity)}, {"tags", tags}}}};
}

}  // namespace

std::string render_sarif(const Report& report, const CiReportOptions& o) {
    json rules = json::array();
    for (const FindingKindInfo& k : finding_kinds()) rules.push_back(rule_json(k));
    json results = json::array();
    for (const Finding& f : report.findings) {
        const SourceLoc place = report::finding_place(report, f, o.site_file);
        json related = json::array();
        std::vector<SourceLoc> seen = {place};
        auto relate = [&](const SourceLoc& w, const std::string& what) {
            if (w.file.empty()) return;
            for (const SourceLoc& s : seen)
                if (s.file == w.file && s.line == w.line && s.name == w.name) return;
            seen.push_back(w);
            related.push_back({{"id", related.size() + 1},
                               {"physicalLocation", physical(w, o)},
                               {"message", {{"text", what}}}});
        };
        const RequirementResult* req = f.requirement.empty() ? nullptr : report.requirement(f.requirement);
        if (req)
            relate(req->where,
                   "catalog row " + req->id + " (" + req->table_key + " row " + req->row_label + ")");
        for (const SourceLoc& d : f.depends_on) relate(d, "undecided rule " + d.to_string());
        if (req)
            for (const PathResult& p : req->paths)
                for (const HopResult& h : p.hops)
                    for (const HopPart& part : h.parts)
                        if (part.verdict != Verdict::accept)
                            relate(part.where, h.firewall + " (" + std::string(to_string(h.hook)) + "): " +
                                                   std::string(to_string(part.verdict)) + " " + part.summary);
        json props = {{"findingId", f.id},
                      {"kind", std::string(to_string(f.kind))},
                      {"severity", std::string(to_string(f.severity))}};
        props["requirement"] = f.requirement.empty() ? json(nullptr) : json(f.requirement);
        props["firewall"] = f.firewall.empty() ? json(nullptr) : json(f.firewall);
        props["witness"] = f.witness ? json(format_packet(*f.witness)) : json(nullptr);
        if (f.rule && f.rule->line == 0 && !f.rule->name.empty()) props["ruleName"] = f.rule->name;
        if (!f.rule_text.empty()) props["ruleText"] = f.rule_text;
        props["details"] = f.details;
        json result = {{"ruleId", std::string(to_string(f.kind))},
                       {"ruleIndex", static_cast<int>(f.kind)},
                       {"level", level_of(f.severity)},
                       {"message", {{"text", report::finding_text(f)}}},
                       {"locations", json::array({{{"physicalLocation", physical(place, o)}}})}};
        if (!related.empty()) result["relatedLocations"] = related;
        result["partialFingerprints"] = {{"rulegapFindingId/v1", report::fingerprint(f.id)}};
        result["properties"] = props;
        results.push_back(result);
    }
    json run = {{"tool",
                 {{"driver",
                   {{"name", "rulegap"},
                    {"informationUri", "https://github.com/rulegap/rulegap"},
                    {"rules", rules}}}}}};
    if (!o.tool_version.empty()) {
        run["tool"]["driver"]["version"] = o.tool_version;
        run["tool"]["driver"]["semanticVersion"] = o.tool_version;
    }
    if (!o.base_dir.empty()) {
        std::error_code ec;
        std::string base = std::filesystem::absolute(o.base_dir, ec).lexically_normal().generic_string();
        if (!base.ends_with('/')) base += '/';
        run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", "file://" + uri_of(base)}}}};
    }
    // The inputs' errors and warnings: the run is not successful when an input has errors (the
    // CLI exits 2), and each is a notification at its place.
    json notes = json::array();
    for (const Diagnostic& d : report.diagnostics.items) {
        if (d.severity == Severity::note) continue;
        json n = {{"level", d.severity == Severity::error ? "error" : "warning"},
                  {"message", {{"text", report::one_line(d.message)}}}};
        if (!d.where.file.empty())
            n["locations"] = json::array({{{"physicalLocation", physical(d.where, o)}}});
        notes.push_back(n);
    }
    json invocation = {{"executionSuccessful", !report.diagnostics.has_errors()}};
    if (!notes.empty()) invocation["toolExecutionNotifications"] = notes;
    run["invocations"] = json::array({invocation});
    run["results"] = results;
    run["columnKind"] = "unicodeCodePoints";
    run["properties"] = {{"site", report.site},
                         {"verdict", report::verdict_word(report)},
                         {"verdictReason", report.verdict_reason}};
    json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", json::array({run})}};
    return log.dump(2) + "\n";
}

}  // namespace rulegap
