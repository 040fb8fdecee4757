// rulegap lint — the rules that never apply, or not as written (find_rule_findings), per Windows
// profile where there are profiles: grouped by kind, then one summary line; or as JSON.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/core.h>

#include "cli/lint_rules.hpp"

namespace rulegap::cli {

namespace {

constexpr RuleFindingKind kinds_in_order[] = {
    RuleFindingKind::unmatchable,  RuleFindingKind::unreachable,     RuleFindingKind::possibly_unreachable,
    RuleFindingKind::unreferenced, RuleFindingKind::partly_shadowed, RuleFindingKind::redundant_later};

std::string_view severity_word(Severity s) {
    return s == Severity::error ? "error" : s == Severity::warning ? "warning" : "note";
}

std::string place(const RuleRef& r) {
    const std::string at = r.where().to_string();
    return at.empty() ? r.file : at;
}

// The same finding from several profiles is one, naming them all.
using Key =
    std::tuple<RuleFindingKind, UnreachableReason, std::string, std::uint32_t, std::string, std::string>;
Key key_of(const RuleFinding& f) {
    return {f.kind, f.reason, f.rule.file, f.rule.line, f.rule.name, f.rule.text};
}

}  // namespace

std::vector<ProfileFinding> lint_rule_findings(const std::vector<ProfileRuleset>& rulesets,
                                               const RuleFindingOptions& options) {
    std::vector<ProfileFinding> out;
    std::map<Key, std::size_t> seen;
    for (const ProfileRuleset& pr : rulesets)
        for (RuleFinding& f : find_rule_findings(*pr.ruleset, options)) {
            auto [it, fresh] = seen.try_emplace(key_of(f), out.size());
            if (fresh) out.push_back({std::move(f), {}});
            if (!pr.profile.empty()) out[it->second].profiles.push_back(pr.profile);
        }
    std::stable_sort(out.begin(), out.end(), [](const ProfileFinding& a, const ProfileFinding& b) {
        const auto rank = [](RuleFindingKind k) {
            return std::find(std::begin(kinds_in_order), std::end(kinds_in_order), k) -
                   std::begin(kinds_in_order);
        };
        return rank(a.finding.kind) < rank(b.finding.kind);
    });
    return out;
}

RuleFindingSummary summarize(const std::vector<ProfileFinding>& findings) {
    RuleFindingSummary s;
    for (const ProfileFinding& pf : findings) {
        const RuleFinding& f = pf.finding;
        switch (f.kind) {
            case RuleFindingKind::unreachable:
                ++s.unreachable;
                s.shadowed += f.reason == UnreachableReason::shadowed;
                s.redundant += f.reason == UnreachableReason::redundant;
                s.no_entry += f.reason == UnreachableReason::no_entry;
                break;
            case RuleFindingKind::possibly_unreachable:
                ++s.possibly_unreachable;
                break;
            case RuleFindingKind::unmatchable:
                ++s.unmatchable;
                break;
            case RuleFindingKind::partly_shadowed:
                ++s.partly_shadowed;
                break;
            case RuleFindingKind::redundant_later:
                ++s.redundant_later;
                break;
            case RuleFindingKind::unreferenced:
                ++s.unreferenced;
                break;
        }
        if (f.severity == Severity::error)
            ++s.errors;
        else if (f.severity == Severity::warning)
            ++s.warnings;
        else
            ++s.notes;
    }
    return s;
}

std::string summary_line(std::size_t rules, const RuleFindingSummary& s, bool partly_shown) {
    std::string out = fmt::format(
        "{} rule{}: {} unreachable ({} shadowed, {} redundant, {} in chains nothing enters), "
        "{} possibly unreachable, {} unmatchable, {} unreferenced chain{}",
        rules, rules == 1 ? "" : "s", s.unreachable, s.shadowed, s.redundant, s.no_entry,
        s.possibly_unreachable, s.unmatchable, s.unreferenced, s.unreferenced == 1 ? "" : "s");
    if (partly_shown)
        out += fmt::format(", {} partly shadowed, {} redundant with later rules", s.partly_shadowed,
                           s.redundant_later);
    return out;
}

namespace {

// Possibly-unreachable rules of one chain, when there are more than a few: one group (a rate
// limit at the top of a chain makes every later rule one).
std::string depends_key(const RuleFinding& f) {
    return f.rule.file + '\n' + f.rule.table + '\n' + f.rule.chain;
}

constexpr std::size_t group_above = 3;  // more rules than this in a chain: a group
constexpr std::size_t group_shows = 8;  // rules named per group

void print_group(const std::vector<const ProfileFinding*>& group, std::FILE* to) {
    const RuleFinding& first = group.front()->finding;
    fmt::print(to,
               "  {} rules of chain {} ({} table): warning: no packet reaches them if undecided rules before "
               "them match\n",
               group.size(), first.rule.chain, first.rule.table);
    std::set<std::string> seen;
    for (const ProfileFinding* pf : group)
        for (const RuleRef& d : pf->finding.depends_on) {
            std::string at = place(d);
            if (seen.count(at)) continue;
            if (seen.size() < group_shows) fmt::print(to, "      depends on {}: {}\n", at, d.text);
            seen.insert(std::move(at));
        }
    if (seen.size() > group_shows)
        fmt::print(to, "      ... and {} more undecided rules\n", seen.size() - group_shows);
    std::string names;
    for (std::size_t k = 0; k < group.size() && k < group_shows; ++k)
        names += (k ? ", " : "") + place(group[k]->finding.rule);
    fmt::print(to, "      rules: {}{}\n", names,
               group.size() > group_shows
                   ? fmt::format(", ... ({} more; --all lists each)", group.size() - group_shows)
                   : std::string());
}

}  // namespace

void print_rule_findings(const std::vector<ProfileFinding>& findings, bool all, std::FILE* to) {
    for (RuleFindingKind kind : kinds_in_order) {
        const auto n = std::count_if(findings.begin(), findings.end(),
                                     [&](const ProfileFinding& pf) { return pf.finding.kind == kind; });
        if (n == 0) continue;
        fmt::print(to, "{} ({}):\n", to_string(kind), n);
        std::map<std::string, std::vector<const ProfileFinding*>> groups;
        if (kind == RuleFindingKind::possibly_unreachable && !all)
            for (const ProfileFinding& pf : findings)
                if (pf.finding.kind == kind) groups[depends_key(pf.finding)].push_back(&pf);
        for (const ProfileFinding& pf : findings) {
            const RuleFinding& f = pf.finding;
            if (f.kind != kind) continue;
            if (!groups.empty()) {
                const std::vector<const ProfileFinding*>& group = groups[depends_key(f)];
                if (group.size() > group_above) {
                    if (group.front() == &pf) print_group(group, to);
                    continue;
                }
            }
            std::string tag;
            if (f.reason != UnreachableReason::none) tag = std::string(to_string(f.reason)) + ": ";
            fmt::print(to, "  {}: {}: {}{}\n", place(f.rule), severity_word(f.severity), tag, f.rule.text);
            std::string profiles;
            for (const std::string& p : pf.profiles) profiles += (profiles.empty() ? "" : ", ") + p;
            fmt::print(to, "      {}{}\n", f.message,
                       profiles.empty() ? std::string()
                                        : " [profile" + std::string(pf.profiles.size() == 1 ? " " : "s ") +
                                              profiles + "]");
            const char* label = f.kind == RuleFindingKind::partly_shadowed   ? "taken by"
                                : f.kind == RuleFindingKind::redundant_later ? "decided alike by"
                                                                             : "covered by";
            for (const RuleRef& c : f.covering) fmt::print(to, "      {} {}: {}\n", label, place(c), c.text);
            if (f.more_covering > 0)
                fmt::print(to, "      ... and {} more rule{}\n", f.more_covering,
                           f.more_covering == 1 ? "" : "s");
            for (const RuleRef& d : f.depends_on)
                fmt::print(to, "      depends on {}: {}\n", place(d), d.text);
            if (f.witness)
                fmt::print(to, "      witness at {}: {}\n", to_string(f.hook), format_packet(*f.witness));
        }
    }
}

nlohmann::ordered_json to_json(const std::vector<ProfileFinding>& findings) {
    const auto ref = [](const RuleRef& r) {
        nlohmann::ordered_json j = {
            {"file", r.file}, {"line", r.line}, {"table", r.table}, {"chain", r.chain}, {"text", r.text}};
        if (!r.name.empty()) j["name"] = r.name;
        return j;
    };
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ProfileFinding& pf : findings) {
        const RuleFinding& f = pf.finding;
        nlohmann::ordered_json j = {{"kind", to_string(f.kind)}, {"severity", severity_word(f.severity)}};
        if (f.reason != UnreachableReason::none) j["reason"] = to_string(f.reason);
        j["rule"] = ref(f.rule);
        j["message"] = f.message;
        if (!pf.profiles.empty()) j["profiles"] = pf.profiles;
        nlohmann::ordered_json covering = nlohmann::ordered_json::array();
        for (const RuleRef& c : f.covering) covering.push_back(ref(c));
        j["covering"] = covering;
        if (f.more_covering > 0) j["more_covering"] = f.more_covering;
        if (!f.depends_on.empty()) {
            nlohmann::ordered_json deps = nlohmann::ordered_json::array();
            for (const RuleRef& d : f.depends_on) deps.push_back(ref(d));
            j["depends_on"] = deps;
        }
        if (f.witness) j["witness"] = {{"hook", to_string(f.hook)}, {"packet", format_packet(*f.witness)}};
        if (f.kind == RuleFindingKind::partly_shadowed)
            j["taken"] = {{"packets", f.taken.to_string()}, {"of", f.total.to_string()}};
        list.push_back(std::move(j));
    }
    return list;
}

}  // namespace rulegap::cli
