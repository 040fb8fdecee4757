// rulegap checks — the one list of checks, and check() which runs them in that order.
#include <algorithm>
#include <tuple>

#include "lib/checks/detail.hpp"

namespace rulegap {

namespace check_detail {

const std::vector<CheckDef>& registry() {
    static const std::vector<CheckDef> list = {
        {"reachability", "every required flow, along every path of the site, hop by hop", run_reachability},
        {"rpc-pairing", "RPC endpoint mapper (TCP 135) open while its session port is not", run_rpc_pairing},
        {"broad", "accept rules admitting more than the requirements crossing their hop", run_broad},
        {"inputs", "disabled firewalls, and unreadable or undecided inputs that touched a verdict", run_inputs},
    };
    return list;
}

}  // namespace check_detail

std::string_view to_string(FlowStatus s) {
    switch (s) {
        case FlowStatus::allowed: return "allowed";
        case FlowStatus::partial: return "partial";
        case FlowStatus::unknown: return "unknown";
        case FlowStatus::blocked: return "blocked";
        default: return "skipped";
    }
}

std::string_view to_string(Judged j) {
    switch (j) {
        case Judged::established: return "established";
        case Judged::mixed: return "mixed";
        default: return "new";
    }
}

std::string_view to_string(FindingKind k) {
    switch (k) {
        case FindingKind::blocked: return "blocked";
        case FindingKind::partial: return "partial";
        case FindingKind::unknown: return "unknown";
        case FindingKind::rpc_session: return "rpc-session";
        case FindingKind::broad_any: return "broad-any";
        case FindingKind::broad_sensitive: return "broad-sensitive";
        case FindingKind::broad: return "broad";
        case FindingKind::firewall_disabled: return "firewall-disabled";
        case FindingKind::input: return "input";
        default: return "not-checked";
    }
}

std::string_view to_string(FindingSeverity s) {
    switch (s) {
        case FindingSeverity::error: return "error";
        case FindingSeverity::warning: return "warning";
        default: return "info";
    }
}

FindingSeverity default_severity(FindingKind k) {
    switch (k) {
        case FindingKind::blocked:
        case FindingKind::partial:
        case FindingKind::rpc_session:
        case FindingKind::broad_any:
        case FindingKind::firewall_disabled: return FindingSeverity::error;
        case FindingKind::unknown:
        case FindingKind::broad_sensitive:
        case FindingKind::input: return FindingSeverity::warning;
        default: return FindingSeverity::info;
    }
}

const RequirementResult* Report::requirement(std::string_view id) const {
    for (const RequirementResult& r : requirements) if (r.id == id) return &r;
    return nullptr;
}

const Finding* Report::finding(std::string_view id) const {
    for (const Finding& f : findings) if (f.id == id) return &f;
    return nullptr;
}

std::vector<const Finding*> Report::of_kind(FindingKind k) const {
    std::vector<const Finding*> out;
    for (const Finding& f : findings) if (f.kind == k) out.push_back(&f);
    return out;
}

std::vector<CheckInfo> checks() {
    std::vector<CheckInfo> out;
    for (const check_detail::CheckDef& c : check_detail::registry()) out.push_back({c.name, c.description});
    return out;
}

Report check(const Site& site, const std::vector<Catalog>& catalogs, const CheckOptions& options) {
    Report report;
    report.site = site.name;
    auto add = [&](const Diagnostics& d) { report.diagnostics.items.insert(report.diagnostics.items.end(), d.items.begin(), d.items.end()); };
    add(site.diagnostics);
    for (const Catalog& c : catalogs) add(c.diagnostics);
    for (const Firewall& fw : site.firewalls)
        for (const Ruleset& rs : fw.rulesets) add(rs.diagnostics);
    check_detail::CheckContext cx{site, catalogs, options, {}};
    for (const check_detail::CheckDef& c : check_detail::registry()) {
        if (options.disabled_checks.count(std::string_view(c.name))) continue;
        try {
            c.run(cx, report);
        } catch (const std::exception& e) {   // never leave check() by an exception
            report.diagnostics.error({site.file, 0, 0}, std::string("check ") + c.name + " failed: " + e.what());
        }
    }
    std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tuple(static_cast<int>(a.severity), static_cast<int>(a.kind), a.rank, a.id) <
               std::tuple(static_cast<int>(b.severity), static_cast<int>(b.kind), b.rank, b.id);
    });
    ReportSummary& s = report.summary;
    for (const RequirementResult& r : report.requirements) {
        ++s.requirements;
        switch (r.status) {
            case FlowStatus::allowed: ++s.allowed; break;
            case FlowStatus::partial: ++s.partial; break;
            case FlowStatus::unknown: ++s.unknown; break;
            case FlowStatus::blocked: ++s.blocked; break;
            default: ++s.skipped; break;
        }
    }
    for (const Finding& f : report.findings)
        (f.severity == FindingSeverity::error ? s.errors : f.severity == FindingSeverity::warning ? s.warnings : s.infos)++;
    return report;
}

}  // namespace rulegap
