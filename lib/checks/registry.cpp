// rulegap checks — the one list of checks, and check() which runs them in that order.
#include <algorithm>
#include <tuple>

#include "lib/checks/detail.hpp"
#include "lib/checks/kinds.hpp"

namespace rulegap {

namespace checks {

const std::vector<CheckDef>& registry() {
    static const std::vector<CheckDef> list = {
        {"reachability", "every required flow, along every path of the site, hop by hop", run_reachability},
        {"rpc-pairing", "RPC endpoint mapper (TCP 135) open while its session port is not", run_rpc_pairing},
        {"broad", "accept rules admitting more than the requirements crossing their hop", run_broad},
        {"inputs", "disabled firewalls, and unreadable or undecided inputs that touched a verdict",
         run_inputs},
        {"rules", "rules that never apply: shadowed, redundant, unreachable, unmatchable, unreferenced",
         run_rules},
    };
    return list;
}

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

// Report::verdict (the rules are in check.hpp, RunVerdict).
void decide_verdict(Report& report, FailOn fail_on) {
    const ReportSummary& s = report.summary;
    const int limit = static_cast<int>(fail_on);
    std::size_t reaching = 0, definite = 0;
    for (const Finding& f : report.findings) {
        if (fail_on == FailOn::never || static_cast<int>(f.severity) > limit) continue;
        ++reaching;
        if (f.kind != FindingKind::unknown && f.kind != FindingKind::input &&
            f.kind != FindingKind::not_checked)
            ++definite;
    }
    const std::string threshold = fail_on == FailOn::error     ? "error"
                                  : fail_on == FailOn::warning ? "warning"
                                                               : "info";
    if (report.diagnostics.has_errors()) {
        report.verdict = RunVerdict::incomplete;
        report.verdict_reason =
            plural(report.diagnostics.error_count(), "input error", "input errors") +
            ": parts of the inputs could not be read (see below); their verdicts are unknown";
    } else if (report.checked() == 0) {
        report.verdict = RunVerdict::incomplete;
        std::vector<std::string> why;
        for (const RequirementResult& r : report.requirements)
            if (std::find(why.begin(), why.end(), r.skip_reason) == why.end()) why.push_back(r.skip_reason);
        report.verdict_reason = s.requirements == 0
                                    ? "no requirement to check: the catalogs have none"
                                    : "no requirement could be checked (" +
                                          plural(s.requirements, "requirement", "requirements") +
                                          " not checked): ";
        for (std::size_t i = 0; i < why.size() && i < 3; ++i)
            report.verdict_reason += (i ? "; " : "") + why[i];
        if (why.size() > 3)
            report.verdict_reason += "; and " + std::to_string(why.size() - 3) + " more reasons";
    } else if (s.blocked + s.partial > 0 || definite > 0) {
        report.verdict = RunVerdict::fail;
        std::string r;
        if (s.blocked) r += plural(s.blocked, "required flow blocked", "required flows blocked");
        if (s.partial)
            r += (r.empty() ? "" : ", ") +
                 plural(s.partial, "required flow only partly open", "required flows only partly open");
        if (definite)
            r += (r.empty() ? "" : "; ") + plural(reaching, "finding", "findings") + " at " + threshold +
                 (fail_on == FailOn::error ? "" : " or above");
        report.verdict_reason = r;
    } else if (s.unknown > 0) {
        report.verdict = RunVerdict::incomplete;
        report.verdict_reason = plural(s.unknown, "checked requirement cannot be decided",
                                       "checked requirements cannot be decided") +
                                " (unknown): never a pass";
    } else if (reaching > 0) {
        report.verdict = RunVerdict::fail;
        report.verdict_reason = plural(reaching, "finding", "findings") + " at " + threshold +
                                (fail_on == FailOn::error ? "" : " or above");
    } else {
        report.verdict = RunVerdict::pass;
        report.verdict_reason =
            (report.checked() == 1
                 ? std::string("the one checked requirement is allowed")
                 : "all " + std::to_string(report.checked()) + " checked requirements are allowed") +
            (s.skipped ? " (" + std::to_string(s.skipped) + " not checked)" : std::string());
    }
}

}  // namespace checks

std::string_view to_string(FlowStatus s) {
    switch (s) {
        case FlowStatus::allowed:
            return "allowed";
        case FlowStatus::partial:
            return "partial";
        case FlowStatus::unknown:
            return "unknown";
        case FlowStatus::blocked:
            return "blocked";
        default:
            return "skipped";
    }
}

std::string_view to_string(Judged j) {
    switch (j) {
        case Judged::established:
            return "established";
        case Judged::mixed:
            return "mixed";
        default:
            return "new";
    }
}

std::string_view to_string(FindingKind k) {
    const auto i = static_cast<std::size_t>(k);
    return i < std::size(checks::finding_kinds) ? checks::finding_kinds[i].name : "not-checked";
}

std::string_view to_string(FindingSeverity s) {
    switch (s) {
        case FindingSeverity::error:
            return "error";
        case FindingSeverity::warning:
            return "warning";
        default:
            return "info";
    }
}

FindingSeverity default_severity(FindingKind k) {
    const auto i = static_cast<std::size_t>(k);
    return i < std::size(checks::finding_kinds) ? checks::finding_kinds[i].severity : FindingSeverity::info;
}

std::string_view to_string(RunVerdict v) {
    switch (v) {
        case RunVerdict::pass:
            return "PASS";
        case RunVerdict::fail:
            return "FAIL";
        default:
            return "INCOMPLETE";
    }
}

std::vector<Interval> default_sensitive_ports() {
    return {{22, 23},     {135, 135},   {137, 139},   {389, 389},   {445, 445},   {636, 636},
            {1025, 1025}, {1433, 1433}, {3268, 3269}, {3389, 3389}, {5900, 5900}, {5985, 5986}};
}

const RequirementResult* Report::requirement(std::string_view id) const {
    for (const RequirementResult& r : requirements)
        if (r.id == id) return &r;
    return nullptr;
}

const Finding* Report::finding(std::string_view id) const {
    for (const Finding& f : findings)
        if (f.id == id) return &f;
    return nullptr;
}

std::vector<const Finding*> Report::of_kind(FindingKind k) const {
    std::vector<const Finding*> out;
    for (const Finding& f : findings)
        if (f.kind == k) out.push_back(&f);
    return out;
}

std::vector<CheckInfo> all_checks() {
    std::vector<CheckInfo> out;
    for (const checks::CheckDef& c : checks::registry()) {
        out.push_back({c.name, c.description, {}});
        for (const checks::KindDef& k : checks::finding_kinds)
            if (std::string_view(k.check) == c.name) out.back().kinds.push_back(k.kind);
    }
    return out;
}

Report check(const Site& site, const std::vector<Catalog>& catalogs, const CheckOptions& options) {
    Report report;
    report.site = site.name;
    auto add = [&](const Diagnostics& d) {
        report.diagnostics.items.insert(report.diagnostics.items.end(), d.items.begin(), d.items.end());
    };
    add(site.diagnostics);
    for (const Catalog& c : catalogs) add(c.diagnostics);
    for (const Firewall& fw : site.firewalls)
        for (const Ruleset& rs : fw.rulesets) add(rs.diagnostics);
    checks::CheckContext cx{site, catalogs, options, {}, site.assumptions};
    cx.assume.override_with(options.assume);
    cx.evaluators.max_nodes = options.max_nodes;
    for (const Assumption& a : cx.assume.list()) {
        AppliedAssumption applied{a, 0};
        for (const Firewall& fw : site.firewalls)
            for (const Ruleset& rs : fw.rulesets) applied.rules += rules_touched(rs, a.module);
        report.assumptions.push_back(std::move(applied));
    }
    checks::check_site_names(cx, report);
    try {
        checks::evaluate_flows(cx);
    } catch (const std::exception& e) {  // an input error; the name is the one it always had
        report.diagnostics.error({site.file, 0, 0}, std::string("check reachability failed: ") + e.what());
    }
    for (const checks::CheckDef& c : checks::registry()) {
        if (options.disabled_checks.count(std::string_view(c.name))) continue;
        if (options.progress) options.progress(std::string("check ") + c.name + ": " + c.description);
        try {
            c.run(cx, report);
        } catch (const std::exception& e) {  // never leave check() by an exception
            report.diagnostics.error({site.file, 0, 0},
                                     std::string("check ") + c.name + " failed: " + e.what());
        }
    }
    // Every requirement's verdict, whichever checks ran (lib/checks/README.md).
    for (checks::EvaluatedRequirement& e : cx.flows.requirements)
        report.requirements.push_back(std::move(e.result));
    std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tuple(static_cast<int>(a.severity), static_cast<int>(a.kind), a.rank, a.id) <
               std::tuple(static_cast<int>(b.severity), static_cast<int>(b.kind), b.rank, b.id);
    });
    ReportSummary& s = report.summary;
    for (const RequirementResult& r : report.requirements) {
        ++s.requirements;
        switch (r.status) {
            case FlowStatus::allowed:
                ++s.allowed;
                break;
            case FlowStatus::partial:
                ++s.partial;
                break;
            case FlowStatus::unknown:
                ++s.unknown;
                break;
            case FlowStatus::blocked:
                ++s.blocked;
                break;
            default:
                ++s.skipped;
                break;
        }
    }
    for (const Finding& f : report.findings)
        (f.severity == FindingSeverity::error     ? s.errors
         : f.severity == FindingSeverity::warning ? s.warnings
                                                  : s.infos)++;
    checks::decide_verdict(report, options.fail_on);
    return report;
}

}  // namespace rulegap
