// rulegap checks — inputs: firewalls that let everything pass (a disabled Windows profile), and
// every unreadable or undecided input that touched a verdict. See README.md in this folder.
#include <set>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

void run_inputs(const CheckContext& cx, Report& report) {
    std::set<int> on_paths;
    for (const EvaluatedRequirement& e : cx.flows.requirements)
        for (const PathResult& p : e.result.paths)
            for (const HopResult& h : p.hops) on_paths.insert(h.firewall_index);
    for (std::size_t i = 0; i < cx.site.firewalls.size(); ++i) {
        const Firewall& fw = cx.site.firewalls[i];
        if (fw.disabled) {
            Finding f;
            f.kind = FindingKind::firewall_disabled;
            f.id = "firewall-disabled/" + fw.name;
            f.firewall = fw.name;
            f.rule = fw.where;
            f.message = "firewall " + fw.name + ": " + *fw.disabled;
            if (!on_paths.count(static_cast<int>(i))) f.details.push_back("no required flow crosses it");
            add_finding(report, cx.options, std::move(f));
        }
        if (fw.rulesets.empty() && !fw.files.empty() && on_paths.count(static_cast<int>(i))) {
            Finding f;
            f.kind = FindingKind::input;
            f.id = "input/" + fw.name;
            f.firewall = fw.name;
            f.rule = fw.where;
            f.message = "firewall " + fw.name + " could not be read; every verdict there is unknown";
            for (const std::string& file : fw.files) f.details.push_back(file);
            add_finding(report, cx.options, std::move(f));
        }
    }
    // Undecided rules and unreadable parts that decided some required packets.
    for (const EvaluatedRequirement& e : cx.flows.requirements)
        for (const PathResult& p : e.result.paths)
            for (const HopResult& h : p.hops)
                for (const HopPart& part : h.parts) {
                    if (part.verdict != Verdict::unknown) continue;
                    Finding f;
                    f.kind = FindingKind::input;
                    f.firewall = h.firewall;
                    f.id = "input/" + h.firewall + "/" +
                           (part.where.line            ? std::to_string(part.where.line)
                            : !part.where.name.empty() ? part.where.name
                                                       : part.reason);
                    if (part.where.line || !part.where.name.empty() || part.by_policy) {
                        f.rule = part.where;
                        f.rule_text = part.rule_text;
                    }
                    f.witness = part.witness;
                    f.message = "undecided input at " + h.firewall + ": " +
                                (part.reason.empty() ? part.rule_text : part.reason);
                    f.details.push_back("touches " + e.result.id);
                    add_finding(report, cx.options, std::move(f));
                }
}

}  // namespace rulegap::checks
