// Private to lib/lint: the packets that reach each rule of a ruleset, as decision diagrams over
// the packet fields and one free variable per undecided rule (rule_findings.hpp says what is
// judged and how).
//
// Each table on its own: every built-in chain is entered by all packets of the ruleset's family
// (raw: as raw sees the state, invalid; nat: state new only); a chain by the union of what its
// jumps and gotos send it, over every call site. Chains are walked callers first, so a chain's
// entering set is whole before its rules are judged. Along a chain, a rule is reached by what
// is left of the entering set; what a rule decides (accept, drop, reject, return, goto, a jump
// whose chain does not return the packet, an unknown target if its variable says so) is taken
// out of the rest. Non-terminating rules (LOG, MARK, ...) decide nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/dd/space.hpp"
#include "rulegap/evaluate.hpp"

namespace rulegap::lint {

struct RuleReach {
    dd::Ref match = dd::zero;              // its own condition (variables included), over the whole domain
    dd::Ref target = dd::zero;             // entering set ∧ match: what would reach it with no earlier rule
    dd::Ref reach = dd::zero;              // what reaches it: what is left of the entering set ∧ match
    dd::Ref reach_all = dd::zero;          // the same when every variable is 1 (no variables)
    dd::Ref taken = dd::zero;              // what it decides (out of reach)
    dd::Ref taken_before = dd::zero;       // of the entering set, decided by earlier rules (if asked)
    dd::Ref taken_before_same = dd::zero;  // ... by earlier rules with the same action (if asked)
    bool decided_later = false;            // built-in chain, accept/drop/reject: the rules after it
                                           // (and the policy) decide its packets alike (if asked)
    bool never = false;                    // not judged: an assumption makes it never match, or it matches
                                           // only fragments (-f), which the model leaves out
};

struct ChainReach {
    bool entered = false;     // some jump/goto reaches it, or it is built-in
    bool referenced = false;  // built-in, or some rule jumps or goes to it
    dd::Ref entering = dd::zero;
    dd::Ref entering_all = dd::zero;                               // every variable 1
    std::array<dd::Ref, 3> by_hook{dd::zero, dd::zero, dd::zero};  // entering, per Hook
    std::vector<RuleReach> rules;
};

struct TableReach {
    std::vector<ChainReach> chains;
};

// One free variable: the undecided part of a rule (or its unknown target).
struct ReachVariable {
    std::uint32_t level = 0;
    int table = -1, chain = -1, rule = -1;  // the first rule that tests it
};

// `-f`: the rule matches only second and later fragments, which the model leaves out.
bool fragments_only(const Rule& r);

class Reachability {
public:
    // taken_before: fill RuleReach::taken_before, taken_before_same and decided_later
    // (partly-shadowed and redundant-later rules need them; they cost diagram operations per rule).
    Reachability(dd::Space& space, const Ruleset& ruleset, const Assumptions& assume, bool taken_before);

    const std::vector<TableReach>& tables() const { return tables_; }
    const std::vector<ReachVariable>& variables() const { return vars_; }
    // Every variable level set to 1 (every undecided match matches, every unknown target decides).
    dd::Ref all_match(dd::Ref a);
    // The variables quantified away: packets for which some / every assignment is in `a`.
    dd::Ref some(dd::Ref a);
    dd::Ref every(dd::Ref a);
    // The variables `a` tests (indices into variables()), at most `limit` of them (more: set
    // when there are more).
    std::vector<std::uint32_t> variables_in(dd::Ref a, std::size_t limit, bool& more) const;
    // The key of a rule's action: rules with equal keys decide alike ("ACCEPT", "jump X", ...).
    static std::string action_key(const Rule& r);

private:
    struct Impl;
    dd::Space& s_;
    const Ruleset& rs_;
    std::vector<TableReach> tables_;
    std::vector<ReachVariable> vars_;
    std::vector<std::uint32_t> var_of_level_;
    bool taken_before_ = false;
    std::unordered_map<dd::Ref, dd::Ref> all_match_memo_, some_memo_, every_memo_;
    friend struct Impl;
};

}  // namespace rulegap::lint
