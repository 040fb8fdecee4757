// The rules that also match a packet but did not decide it (see evaluate.hpp).
#include "lib/eval/traversal.hpp"
#include "rulegap/evaluate.hpp"

namespace rulegap {
namespace {

// Whether every condition holds, or might (undecided); false when one fails.
bool may_match(const Rule& r, const Packet& p, const Assumptions& a) {
    for (const Condition& c : r.conditions) {
        std::optional<bool> m = c.undecided ? a.value(c) : c.matches(p);
        if (m && !*m) return false;
    }
    return true;
}

std::string_view kind(const Rule& r) {
    switch (r.target.action) {
        case Action::accept:
            return "allow";
        case Action::drop:
            return "block";
        case Action::reject:
            return "reject";
        default:
            return to_string(r.target.action);
    }
}

}  // namespace

std::vector<TraceStep> also_matching(const Ruleset& ruleset, const Packet& packet, const Decision& decision,
                                     const Assumptions& assume) {
    std::vector<TraceStep> out;
    if (!decision.decided_by || decision.by_policy) return out;
    const RuleRef& winner = *decision.decided_by;
    const Table* table = ruleset.table(winner.table);
    const Chain* chain = table ? table->chain(winner.chain) : nullptr;
    if (!chain || winner.rule < 0 || static_cast<std::size_t>(winner.rule) >= chain->rules.size()) return out;
    const Rule& won = chain->rules[static_cast<std::size_t>(winner.rule)];
    SourceLoc won_at = ruleset.where(won);
    won_at.column = 0;
    // The reason is said once, at the first rule that also matches; the others only say that
    // they match (a rule that many rules overlap would repeat it for each).
    bool said = false;
    // In raw, rules see the state as raw does (lib/eval/traversal.hpp, raw_view_state).
    Packet seen = packet;
    if (winner.table == "raw") {
        bool notracked = false;
        for (const TraceStep& s : decision.trace) notracked = notracked || s.action == "notrack";
        seen.state = eval::raw_view_state(notracked);
    }
    for (std::size_t i = static_cast<std::size_t>(winner.rule) + 1; i < chain->rules.size(); ++i) {
        const Rule& r = chain->rules[i];
        if (!may_match(r, seen, assume)) continue;
        SourceLoc at = ruleset.where(r);
        RuleRef ref{winner.table,        winner.chain,       static_cast<int>(i), r.line,
                    std::string(r.text), std::move(at.file), std::move(at.name)};
        std::string why = "also matches (" + std::string(kind(r)) + ")";
        if (!said) {
            why += ": the " + std::string(kind(won)) + " rule at " +
                   (ruleset.sources.empty() && won.line > 0 ? "line " + std::to_string(won.line)
                                                            : won_at.to_string()) +
                   " decides first";
            if (ruleset.family == 0)
                why += " (precedence: bypass, then block, then allow, then the profile default)";
            said = true;
        }
        out.push_back({std::move(ref), std::move(why)});
    }
    return out;
}

}  // namespace rulegap
