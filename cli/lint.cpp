// rulegap lint — read a firewall export and say what was read, what was not, and what is not
// modelled. Exit 0 when it reads without error, 2 otherwise.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/lint_rules.hpp"
#include "cli/progress.hpp"

namespace rulegap::cli {

namespace {

// Constructs that cannot be decided statically: undecided conditions, and unknown targets.
struct Undecided {
    std::size_t total = 0;
    std::map<std::string, std::size_t> by_module;
};

Undecided count_unmodelled(const std::vector<std::span<const Rule>>& parts) {
    Undecided out;
    for (std::span<const Rule> part : parts) {
        for (const Rule& r : part) {
            bool unread = false;  // a rule that could not be read counts once, as "unparsed"
            for (const Condition& cond : r.conditions) {
                if (!cond.undecided) continue;
                ++out.total;
                ++out.by_module[cond.module];
                unread = unread || cond.module == "unparsed";
            }
            if (r.target.action == Action::unknown && !unread) {
                ++out.total;
                ++out.by_module["target " + std::string(r.target.name)];
            }
        }
    }
    return out;
}

// A Windows policy in its own terms: its rules per direction and profile (enabled ones), and
// how many are disabled.
struct WindowsCounts {
    std::size_t rules = 0, disabled = 0, unreadable = 0;
    std::size_t enabled[2][3] = {};  // [inbound, outbound][domain, private, public]
};

WindowsCounts count_windows(const WindowsPolicy& p) {
    WindowsCounts c;
    for (const WindowsRule& r : p.rules) {
        ++c.rules;
        if (!r.has_action || !r.has_direction) {
            ++c.unreadable;
            continue;
        }
        if (r.readable && !r.active) {
            ++c.disabled;
            continue;
        }
        const int dir = r.direction == WindowsDirection::in ? 0 : 1;
        for (int k = 0; k < 3; ++k)
            if (r.profiles & (1u << k)) ++c.enabled[dir][k];
    }
    return c;
}

// "domain profile default: block inbound (file:line); ...": the chain ends, as lowered.
std::string windows_defaults(const Ruleset& rs) {
    std::string out;
    if (const Table* t = rs.table("filter"))
        for (const Chain& c : t->chains) {
            if (c.policy_text.empty()) continue;
            out += (out.empty() ? "" : "; ") + c.policy_text + " (" + rs.policy_where(c).to_string() + ")";
        }
    return out;
}

// The Windows rules in force in the lowered profile, per chain: the rules a Windows rule became
// share its text (one kept copy), so distinct texts count rules; the lowering's own rules (the
// stateful rule, settings that could not be read) have no id and a text in parentheses.
std::size_t windows_rules_in_force(const Ruleset& rs, const char* chain) {
    const Table* t = rs.table("filter");
    const Chain* c = t ? t->chain(chain) : nullptr;
    if (!c) return 0;
    std::vector<const char*> seen;
    for (const Rule& r : c->rules) {
        if (r.comment.empty() && r.text.starts_with("(")) continue;
        if (std::find(seen.begin(), seen.end(), r.text.data()) == seen.end()) seen.push_back(r.text.data());
    }
    return seen.size();
}

// --fail-on: the least severe finding that fails (exit 1), as the number of a Severity
// (error 0, warning 1, note 2); -1 for never. False for a word that is none of these.
bool fail_threshold(const std::string& word, int& out) {
    if (word == "never")
        out = -1;
    else if (word == "error")
        out = static_cast<int>(Severity::error);
    else if (word == "warning")
        out = static_cast<int>(Severity::warning);
    else if (word == "note" || word == "info")
        out = static_cast<int>(Severity::note);
    else
        return false;
    return true;
}

// The rulesets to judge: the one read, and for Windows without --profile the other two profiles.
struct Judged {
    std::vector<Ruleset> extra;
    std::vector<ProfileRuleset> list;
};

Judged rulesets_to_judge(const LintOptions& o, const LoadedRuleset& loaded) {
    Judged j;
    if (!loaded.windows) {
        j.list.push_back({&loaded.ruleset, ""});
        return j;
    }
    const std::string first = std::string(to_string(*parse_windows_profile(o.input.profile)));
    std::vector<std::pair<std::string, WindowsProfile>> more;
    if (!o.profile_given)
        for (WindowsProfile p : {WindowsProfile::domain, WindowsProfile::private_, WindowsProfile::public_})
            if (to_string(p) != first) more.emplace_back(std::string(to_string(p)), p);
    j.extra.reserve(more.size());
    for (const auto& [name, p] : more)
        j.extra.push_back(to_ruleset(*loaded.windows, p, loaded.windows_context));
    j.list.push_back({&loaded.ruleset, first});
    for (std::size_t k = 0; k < more.size(); ++k) j.list.push_back({&j.extra[k], more[k].first});
    return j;
}

}  // namespace

int run_lint(const LintOptions& o) {
    if (o.format != "text" && o.format != "json") {
        fmt::print(stderr, "rulegap lint: error: unknown format '{}' (text or json)\n", o.format);
        return 2;
    }
    int threshold = -1;
    if (!fail_threshold(o.fail_on, threshold)) {
        fmt::print(stderr, "rulegap lint: error: unknown --fail-on '{}' (error, warning, note or never)\n",
                   o.fail_on);
        return 2;
    }
    ProgressLine progress(!o.quiet);
    progress.set("reading " + o.file);
    LoadedRuleset& loaded = load_ruleset_until_exit(o.file, o.input);
    progress.done();
    if (!loaded.ok) return 2;
    const Ruleset& rs = loaded.ruleset;

    std::size_t chains = 0, rules = 0;
    std::vector<std::span<const Rule>> parts;
    for (const Table& t : rs.tables) {
        chains += t.chains.size();
        for (const Chain& c : t.chains) {
            rules += c.rules.size();
            if (!c.rules.empty()) parts.emplace_back(c.rules);
        }
    }
    const Undecided counted = count_unmodelled(parts);
    const std::size_t undecided = counted.total;
    const std::map<std::string, std::size_t>& by_module = counted.by_module;
    const Diagnostics& diags = rs.diagnostics;
    std::size_t errors = diags.error_count() + loaded.ipsets.diagnostics.error_count();

    // The rules that never apply, or not as written.
    const Judged judged = rulesets_to_judge(o, loaded);
    RuleFindingOptions fo;
    fo.assume = o.assume;
    fo.partly_shadowed = o.all;
    fo.max_nodes = o.max_nodes;
    std::vector<ProfileFinding> findings;
    progress.set("judging the rules of " + o.file);
    // Past the node limit the findings are not computed: said on standard output (and in the
    // summary line), never taken for "no finding"; with --fail-on it is an error (exit 2).
    std::string not_judged;
    try {
        findings = lint_rule_findings(judged.list, fo);
    } catch (const DiagramTooLarge& e) {
        not_judged = fmt::format("rule findings not computed: {}; raise --max-nodes", e.what());
        if (threshold >= 0) {
            progress.done();
            fmt::print(stderr, "rulegap lint: error: {}: {}\n", o.file, not_judged);
            return 2;
        }
    }
    progress.done();
    const RuleFindingSummary summary = summarize(findings);
    const bool failed = std::any_of(findings.begin(), findings.end(), [&](const ProfileFinding& f) {
        return static_cast<int>(f.finding.severity) <= threshold;
    });

    if (o.format == "json") {
        nlohmann::ordered_json tables = nlohmann::ordered_json::array();
        for (const Table& t : rs.tables) {
            std::size_t n = 0;
            for (const Chain& c : t.chains) n += c.rules.size();
            tables.push_back({{"name", t.name}, {"chains", t.chains.size()}, {"rules", n}});
        }
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const Diagnostics* ds : {static_cast<const Diagnostics*>(&loaded.ipsets.diagnostics), &diags})
            for (const Diagnostic& d : ds->items) {
                list.push_back({{"severity", d.severity == Severity::error     ? "error"
                                             : d.severity == Severity::warning ? "warning"
                                                                               : "note"},
                                {"file", d.where.file},
                                {"line", d.where.line},
                                {"column", d.where.column},
                                {"message", d.message}});
                if (!d.where.name.empty()) list.back()["name"] = d.where.name;
            }
        nlohmann::ordered_json j = {
            {"file", rs.file},
            {"family", rs.family},
            {"tables", tables},
            {"chains", chains},
            {"rules", rules},
            {"unmodelled", undecided},
            {"unmodelled_by_module", by_module},
            {"errors", errors},
            {"warnings", diags.warning_count()},
            {"diagnostics", list},
            {"rule_findings", not_judged.empty() ? to_json(findings) : nlohmann::ordered_json()},
            {"rule_findings_error", not_judged},
            {"rule_summary",
             {{"unreachable", summary.unreachable},
              {"shadowed", summary.shadowed},
              {"redundant", summary.redundant},
              {"no_entry", summary.no_entry},
              {"possibly_unreachable", summary.possibly_unreachable},
              {"unmatchable", summary.unmatchable},
              {"unreferenced", summary.unreferenced},
              {"partly_shadowed", summary.partly_shadowed},
              {"redundant_later", summary.redundant_later}}}};
        if (!o.assume.empty()) {  // only with --assume: how many rules each one touches
            nlohmann::ordered_json assumed = nlohmann::ordered_json::array();
            for (const Assumption& a : o.assume.list())
                assumed.push_back({{"module", std::string(to_string(a.module))},
                                   {"value", a.match ? "match" : "nomatch"},
                                   {"rules", rules_touched(rs, a.module)}});
            j["assumptions"] = assumed;
        }
        if (loaded.windows) {
            const WindowsCounts wc = count_windows(*loaded.windows);
            nlohmann::ordered_json enabled;
            for (int k = 0; k < 3; ++k)
                enabled[std::array{"domain", "private", "public"}[static_cast<std::size_t>(k)]] = {
                    {"inbound", wc.enabled[0][k]}, {"outbound", wc.enabled[1][k]}};
            j["windows"] = {{"rules", wc.rules},
                            {"disabled", wc.disabled},
                            {"unreadable", wc.unreadable},
                            {"enabled", enabled},
                            {"profile", o.input.profile},
                            {"in_force",
                             {{"inbound", windows_rules_in_force(rs, "INPUT")},
                              {"outbound", windows_rules_in_force(rs, "OUTPUT")}}},
                            {"defaults", windows_defaults(rs)}};
        }
        fmt::print("{}\n", j.dump());
    } else {
        // The diagnostics are lint's findings: its output, on standard output.
        print_diagnostics(loaded.ipsets.diagnostics, true, stdout);
        print_diagnostics(diags, true, stdout);
        if (loaded.windows) {
            const WindowsCounts wc = count_windows(*loaded.windows);
            fmt::print("{}: Windows Firewall ({}), {} rule{} read: {} disabled{}\n", rs.file,
                       to_string(loaded.windows->form), wc.rules, wc.rules == 1 ? "" : "s", wc.disabled,
                       wc.unreadable ? fmt::format(", {} unreadable", wc.unreadable) : std::string());
            fmt::print("  enabled rules  {:>8} {:>8} {:>8}\n", "domain", "private", "public");
            for (int dir = 0; dir < 2; ++dir)
                fmt::print("  {:<13}  {:>8} {:>8} {:>8}\n", dir == 0 ? "inbound" : "outbound",
                           wc.enabled[dir][0], wc.enabled[dir][1], wc.enabled[dir][2]);
            const std::size_t in = windows_rules_in_force(rs, "INPUT"),
                              out = windows_rules_in_force(rs, "OUTPUT");
            fmt::print("profile {}: {} rules in force ({} inbound, {} outbound); {}\n", o.input.profile,
                       in + out, in, out, windows_defaults(rs));
        } else {
            fmt::print("{}: IPv{}, {} table{}, {} chains, {} rules\n", rs.file, rs.family, rs.tables.size(),
                       rs.tables.size() == 1 ? "" : "s", chains, rules);
        }
        if (undecided == 0) {
            fmt::print("every match and target is modelled exactly\n");
        } else {
            fmt::print("{} construct{} cannot be decided statically (verdicts they touch are 'unknown'):\n",
                       undecided, undecided == 1 ? "" : "s");
            for (const auto& [module, n] : by_module) fmt::print("  {:>6}  {}\n", n, module);
        }
        if (!o.assume.empty()) {
            fmt::print("assumed (--assume), rules each one decides:\n");
            for (const Assumption& a : o.assume.list()) {
                const std::size_t n = rules_touched(rs, a.module);
                fmt::print("  {:>6}  {} rule{}\n", n, to_string(a), n == 1 ? "" : "s");
            }
        }
        fmt::print("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", diags.warning_count(),
                   diags.warning_count() == 1 ? "" : "s");
        print_rule_findings(findings, o.all, stdout);
        if (loaded.windows) {
            const WindowsCounts wc = count_windows(*loaded.windows);
            if (wc.disabled > 0)
                fmt::print("note: {} disabled rule{} not judged (they apply to no traffic)\n", wc.disabled,
                           wc.disabled == 1 ? "" : "s");
        }
        if (not_judged.empty())
            fmt::print("{}\n", summary_line(rules, summary, o.all));
        else
            fmt::print("{} rules: {}\n", rules, not_judged);
    }
    if (errors > 0) return 2;
    return failed ? 1 : 0;
}

}  // namespace rulegap::cli
