// rulegap lint — the rules that never apply (rulegap/rule_findings.hpp), as lint prints them.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rulegap/rule_findings.hpp"

namespace rulegap::cli {

// A ruleset to judge, and the Windows profile it is (empty for iptables).
struct ProfileRuleset {
    const Ruleset* ruleset = nullptr;
    std::string profile;
};

// A finding, and the profiles it holds in (one finding for all of them).
struct ProfileFinding {
    RuleFinding finding;
    std::vector<std::string> profiles;
};

// Every finding of every ruleset, the same finding from several profiles once, grouped by kind
// (unmatchable, unreachable, possibly-unreachable, unreferenced, partly-shadowed), in file order
// within a kind. Throws DiagramTooLarge.
std::vector<ProfileFinding> lint_rule_findings(const std::vector<ProfileRuleset>& rulesets,
                                               const RuleFindingOptions& options);

struct RuleFindingSummary {
    std::size_t unreachable = 0, shadowed = 0, redundant = 0, no_entry = 0;
    std::size_t possibly_unreachable = 0, unmatchable = 0, partly_shadowed = 0, unreferenced = 0;
    std::size_t redundant_later = 0;
    std::size_t errors = 0, warnings = 0, notes = 0;
};
RuleFindingSummary summarize(const std::vector<ProfileFinding>& findings);

// "4,921 rules: 37 unreachable (12 shadowed, 25 redundant, 0 in chains nothing enters), ..."
std::string summary_line(std::size_t rules, const RuleFindingSummary& summary, bool partly_shown);

// The findings grouped by kind: the rule, the message, the covering rules, the rules it depends
// on and a witness, a few indented lines each. Unless `all`, possibly-unreachable rules that
// depend on the same undecided rules are one group when there are more than a few.
void print_rule_findings(const std::vector<ProfileFinding>& findings, bool all, std::FILE* to);

nlohmann::ordered_json to_json(const std::vector<ProfileFinding>& findings);

}  // namespace rulegap::cli
