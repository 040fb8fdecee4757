#include "lib/report/common.hpp"

#include <algorithm>
#include <filesystem>

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
    if (report.checked() == 0) return true;  // nothing checked is never a pass
    if (threshold == FailOn::never) return false;
    auto limit = static_cast<int>(threshold);  // error 0, warning 1, info 2
    return std::any_of(report.findings.begin(), report.findings.end(),
                       [&](const Finding& f) { return static_cast<int>(f.severity) <= limit; });
}

namespace report {

std::string location(const SourceLoc& where) {
    std::string out = where.file.empty() ? std::string("<input>") : where.file;
    if (where.line > 0)
        out += ":" + std::to_string(where.line);
    else if (!where.name.empty())
        out += "[" + where.name + "]";
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
    return to_string(x) + " (" + (x.where.file.empty() ? std::string("--assume") : location(x.where)) +
           "): " + std::to_string(a.rules) + (a.rules == 1 ? " rule" : " rules");
}

std::string path_from(const std::string& file, const std::string& base_dir) {
    namespace fs = std::filesystem;
    if (base_dir.empty() || file.empty() || file == "<stdin>") return file;
    std::error_code ec;
    const fs::path abs = fs::absolute(fs::path(file), ec).lexically_normal();
    const fs::path base = fs::absolute(fs::path(base_dir), ec).lexically_normal();
    if (ec) return file;
    const fs::path rel = abs.lexically_relative(base);
    const std::string r = rel.generic_string();
    if (rel.empty() || r == ".." || r.starts_with("../")) return abs.generic_string();
    return r;
}

std::string fingerprint(std::string_view id) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : id) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

SourceLoc finding_place(const Report& report, const Finding& finding, const std::string& site_file) {
    if (finding.rule && !finding.rule->file.empty()) return *finding.rule;
    if (const RequirementResult* r =
            finding.requirement.empty() ? nullptr : report.requirement(finding.requirement))
        if (!r->where.file.empty()) return r->where;
    return SourceLoc{site_file, 0, 0};
}

std::string finding_text(const Finding& finding) {
    std::string out = one_line(finding.message);
    if (finding.rule && finding.rule->line == 0 && !finding.rule->name.empty() &&
        out.find(finding.rule->name) == std::string::npos)
        out += " (rule " + finding.rule->name + ")";
    if (finding.witness) out += ". Witness: " + format_packet(*finding.witness);
    return out;
}

}  // namespace report
}  // namespace rulegap
