// rulegap lint — read a firewall export and say what was read, what was not, and what is not
// modelled. Exit 0 when it reads without error, 2 otherwise.
#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/input.hpp"

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

}  // namespace

int run_lint(const LintOptions& o) {
    if (o.format != "text" && o.format != "json") {
        fmt::print(stderr, "rulegap lint: error: unknown format '{}' (text or json)\n", o.format);
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
        nlohmann::ordered_json j = {{"file", rs.file},
                                    {"family", rs.family},
                                    {"tables", tables},
                                    {"chains", chains},
                                    {"rules", rules},
                                    {"unmodelled", undecided},
                                    {"unmodelled_by_module", by_module},
                                    {"errors", errors},
                                    {"warnings", diags.warning_count()},
                                    {"diagnostics", list}};
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
    }
    return errors > 0 ? 2 : 0;
}

}  // namespace rulegap::cli
