// rulegap checks — rules: the rules of every firewall that never apply, or not as written
// (find_rule_findings, rulegap/rule_findings.hpp). See README.md in this folder.
#include <fmt/format.h>

#include "lib/checks/detail.hpp"
#include "rulegap/rule_findings.hpp"

namespace rulegap::checks {

namespace {

FindingKind kind_of(const RuleFinding& f) {
    switch (f.kind) {
        case RuleFindingKind::unreachable:
            return f.reason == UnreachableReason::shadowed    ? FindingKind::shadowed
                   : f.reason == UnreachableReason::redundant ? FindingKind::redundant
                                                              : FindingKind::unreachable;
        case RuleFindingKind::possibly_unreachable:
            return FindingKind::possibly_unreachable;
        case RuleFindingKind::unmatchable:
            return FindingKind::unmatchable;
        case RuleFindingKind::unreferenced:
        case RuleFindingKind::partly_shadowed:  // not asked for: see run_rules
        case RuleFindingKind::redundant_later:
            break;
    }
    return FindingKind::unreferenced;
}

std::string at(const RuleRef& r) {
    const std::string where = r.where().to_string();
    return where.empty() ? r.file : where;
}

}  // namespace

void run_rules(const CheckContext& cx, Report& report) {
    RuleFindingOptions o;
    o.assume = cx.assume;
    o.max_nodes = cx.options.max_nodes;
    for (const Firewall& fw : cx.site.firewalls)
        for (const Ruleset& rs : fw.rulesets) {
            std::vector<RuleFinding> found;
            try {
                found = find_rule_findings(rs, o);
            } catch (const DiagramTooLarge& e) {
                // This ruleset alone is not judged; the others still are. An error, so the
                // run is not complete.
                report.diagnostics.error(
                    {rs.file, 0, 0},
                    fmt::format("firewall {}: rule findings not computed: {}; raise --max-nodes", fw.name, e.what()));
                continue;
            }
            for (const RuleFinding& rf : found) {
                Finding f;
                f.kind = kind_of(rf);
                f.firewall = fw.name;
                f.id = fmt::format("{}/{}/{}/{}", to_string(f.kind), fw.name, rf.rule.chain,
                                   rf.rule.line ? std::to_string(rf.rule.line) : rf.rule.name);
                f.rule = rf.rule.where();
                f.rule_text = rf.rule.text;
                f.witness = rf.witness;
                f.message = fmt::format("firewall {}: {}", fw.name, rf.message);
                for (const RuleRef& c : rf.covering)
                    f.details.push_back(fmt::format("covered by {}: {}", at(c), c.text));
                if (rf.more_covering > 0)
                    f.details.push_back(fmt::format("and {} more covering rules", rf.more_covering));
                for (const RuleRef& d : rf.depends_on) f.depends_on.push_back(d.where());
                add_finding(report, cx.options, std::move(f));
            }
        }
}

}  // namespace rulegap::checks
