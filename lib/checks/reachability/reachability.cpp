// rulegap checks — reachability: is every required flow open along every path of the site?
// The flow stage (../flow_stage.cpp) has evaluated them; this check turns what is not open into
// findings. See README.md in this folder.
#include <algorithm>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

std::string hook_name(Hook h) { return std::string(to_string(h)); }

// Rules the firewall read but does not enforce (a disabled Windows rule) that would allow `w`,
// which the chain's default blocked: "a disabled rule at dc.reg:14, 'NTP (UDP-In)', would allow it".
std::vector<std::string> inactive_allowing(const Firewall& fw, Hook hook, const Packet& w,
                                           const Assumptions& assume) {
    std::vector<std::string> out;
    for (const Ruleset& rs : fw.rulesets) {
        if (rs.family != 0 && rs.family != w.family) continue;
        for (const InactiveRule& ir : rs.inactive) {
            if (ir.chain != to_string(hook) || ir.rule.target.action != Action::accept) continue;
            bool fails = false;
            std::string undecided;
            for (const Condition& c : ir.rule.conditions) {
                std::optional<bool> m = c.undecided ? assume.value(c) : c.matches(w);
                if (m && !*m)
                    fails = true;
                else if (!m && undecided.empty())
                    undecided = c.undecided ? c.reason : "the packet does not say";
            }
            if (fails) continue;
            SourceLoc at = rs.where(ir.rule);
            at.column = 0;
            std::string d = "a " + ir.why + " rule at " + at.to_string() +
                            (ir.name.empty() ? "" : ", '" + ir.name + "',") +
                            (undecided.empty() ? " would allow it" : " might allow it (" + undecided + ")");
            if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
        }
    }
    return out;
}

void hop_findings(const CheckContext& cx, Report& report, const RequirementResult& rr, const PathResult& pr) {
    bool path_kind_reported = false;
    for (const HopResult& h : pr.hops) {
        if (h.status == FlowStatus::allowed) continue;
        Finding f;
        f.kind = h.status == FlowStatus::blocked   ? FindingKind::blocked
                 : h.status == FlowStatus::partial ? FindingKind::partial
                                                   : FindingKind::unknown;
        if (h.status == pr.status) path_kind_reported = true;
        f.id = std::string(to_string(f.kind)) + "/" + rr.id + "/" + h.firewall;
        f.requirement = rr.id;
        f.firewall = h.firewall;
        const std::string what =
            rr.id + " (" + rr.flows + ", " + rr.source_role + " to " + rr.destination_role + ")";
        const std::string at = h.firewall + " (" + hook_name(h.hook) + (h.reply ? ", echo reply" : "") + ")";
        if (f.kind == FindingKind::blocked)
            f.message = what + " is blocked at " + at;
        else if (f.kind == FindingKind::partial)
            f.message =
                what + " is only partly open at " + at + ": " + h.open + " open, " + h.closed + " closed";
        else
            f.message = what + " cannot be decided at " + at;
        for (const HopPart& p : h.parts) {
            if (p.verdict == Verdict::accept) continue;
            if (!f.rule) {
                f.rule = p.where;
                f.rule_text = p.rule_text;
                f.witness = p.witness;
                if (f.kind == FindingKind::unknown && p.reason.starts_with("program: ")) {
                    // A Windows rule scoped to a program opens the flow for that program only:
                    // say so, and keep it unknown (never counted as allowed).
                    std::string who = p.reason.substr(9);
                    if (who.starts_with("only for ")) who = who.substr(9);
                    f.message = what + " is allowed at " + at + " only for " + who;
                } else if (f.kind == FindingKind::unknown && !p.reason.empty()) {
                    f.message += ": " + p.reason;
                }
            }
            std::string d = p.summary + ": " + std::string(to_string(p.verdict)) + " by " +
                            (p.by_policy ? "policy " : "") + p.where.to_string() +
                            (p.rule_text.empty() ? "" : " " + p.rule_text);
            if (!p.reason.empty()) d += " (" + p.reason + ")";
            if (p.witness) d += "; e.g. " + format_packet(*p.witness);
            f.details.push_back(std::move(d));
            if (p.by_policy && p.witness && (p.verdict == Verdict::drop || p.verdict == Verdict::reject))
                for (std::string& i :
                     inactive_allowing(cx.site.firewalls[static_cast<std::size_t>(h.firewall_index)], h.hook,
                                       *p.witness, cx.assume))
                    f.details.push_back(std::move(i));
        }
        f.details.push_back("path: " + pr.path);
        add_finding(report, cx.options, std::move(f));
    }
    if (!path_kind_reported && pr.status != FlowStatus::allowed) {
        Finding f;
        f.kind = pr.status == FlowStatus::blocked   ? FindingKind::blocked
                 : pr.status == FlowStatus::partial ? FindingKind::partial
                                                    : FindingKind::unknown;
        f.id = std::string(to_string(f.kind)) + "/" + rr.id + "/path";
        f.requirement = rr.id;
        f.message = rr.id + " (" + rr.flows + ") is " + std::string(to_string(pr.status)) + " along " +
                    pr.path + ": each hop opens a different part";
        if (!pr.open.empty())
            f.details.push_back(pr.open + " passes every hop, " + pr.closed + " passes none");
        add_finding(report, cx.options, std::move(f));
    }
}

void not_checked(const CheckContext& cx, Report& report, const RequirementResult& rr,
                 const Requirement& req) {
    Finding f;
    f.kind = FindingKind::not_checked;
    f.id = "not-checked/" + rr.id;
    f.requirement = rr.id;
    f.message =
        rr.id + " (" + rr.source_role + " to " + rr.destination_role + ") was not checked: " + rr.skip_reason;
    if (req.corrected && !rr.corrected) {
        // The catalog's corrected reading may be checkable where the document's is not.
        std::string reading;
        for (const Flow& fl : req.corrected->alternatives) {
            reading += (reading.empty() ? "" : " | ") + fl.protocol_text;
            if (protocol_has_ports(fl.protocol))
                reading += " " + fl.source.text + " -> " + fl.destination.text;
        }
        f.message += "; the catalog has a corrected reading (" + reading +
                     "): check it with `use corrected " + rr.id + "`";
        f.details.push_back("corrected reading at " + req.corrected->where.to_string());
    }
    add_finding(report, cx.options, std::move(f));
}

// The finding for a requirement that unreadable site statements made unknown.
void unresolved(const CheckContext& cx, Report& report, const RequirementResult& rr,
                const std::vector<const UnresolvedStatement*>& hit) {
    Finding f;
    f.kind = FindingKind::unknown;
    f.id = "unknown/" + rr.id + "/site";
    f.requirement = rr.id;
    f.rule = hit.front()->where;
    f.message =
        rr.id + " (" + rr.flows + ", " + rr.source_role + " to " + rr.destination_role +
        ") cannot be decided: the site's " +
        (hit.front()->statement.empty() ? std::string("line") : hit.front()->statement + " statement") +
        " at " + hit.front()->where.to_string() + " could not be read" +
        (hit.size() > 1 ? " (and " + std::to_string(hit.size() - 1) + " more)" : std::string());
    f.details = rr.unresolved;
    add_finding(report, cx.options, std::move(f));
}

}  // namespace

void run_reachability(const CheckContext& cx, Report& report) {
    for (const EvaluatedRequirement& e : cx.flows.requirements) {
        const RequirementResult& rr = e.result;
        if (rr.status == FlowStatus::skipped) {
            not_checked(cx, report, rr, *e.requirement);
            continue;
        }
        for (const PathResult& pr : rr.paths) hop_findings(cx, report, rr, pr);
        if (!e.unresolved.empty()) unresolved(cx, report, rr, e.unresolved);
    }
}

}  // namespace rulegap::checks
