// Private to lib/lint: the packets that reach each rule of a ruleset, as decision diagrams over
// the packet fields and one free variable per undecided rule (rule_findings.hpp says what is
// judged and how).
//
// Each table on its own, in two passes.
// 1. Each chain is walked locally, as if every packet entered it (callees first: a jump needs
//    what its chain returns). A rule's effect is what it would decide of the packets it matches
//    (accept, drop, reject, return, goto: all; a jump: those its chain does not return; an
//    unknown target: those its variable says; LOG, MARK, ...: none). Under first-match
//    semantics the rules before a rule decide exactly the union of their effects, so a rule is
//    reached by its match minus the effects of the earlier rules whose bounding boxes meet its
//    own: a chain of mostly disjoint rules costs O(n) diagram work, not a growing "rest" per
//    rule. Past a few such rules the reach set of a rule is left as "match minus these effects"
//    (lazy) and built only when a finding, or a chain it calls with many rules, needs it: the
//    catch-all at the end of a chain of a thousand jumps is reached by a large set that a test
//    of emptiness (dd::Manager::meets) answers without building.
// 2. Entering sets, callers first: every built-in chain is entered by all packets of the
//    ruleset's family (raw: as raw sees the state, invalid; nat: state new only); a chain by the
//    union of what its jumps and gotos send it. With a few built call sites that union is
//    built; otherwise the chain keeps its call sites, and a test of one of its rules goes up
//    through them (the leftovers of a thousand chains, sent to one log-and-drop chain, are
//    never built).
// The walk is pointwise (a packet's fate in a chain does not depend on which other packets
// enter), so the packets that reach a rule are its local set ∧ the chain's entering set. NOTRACK
// is not pointwise (the packets go on untracked): a chain with a NOTRACK rule is walked again,
// in order, from its built entering set, and its sets are the packets themselves (context one).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

#include "lib/dd/space.hpp"
#include "rulegap/evaluate.hpp"

namespace rulegap::lint {

// A rule's sets are local to its chain: ∧ the chain's entering set they are the packets (over
// the packet fields and the variables). Reachability::packets() builds that, reaches_rule() tests it.
struct RuleReach {
    dd::Ref match = dd::zero;   // its own condition (variables included), over the whole domain
    dd::Ref effect = dd::zero;  // of match, what it would decide (the rules before it decide the
                                // union of their effects)
    dd::Ref reach = dd::zero;   // what reaches it: match minus the earlier rules' effects (lazy: not built)
    dd::Ref taken = dd::zero;   // what it decides (reach ∧ effect; lazy: not built)
    dd::Ref taken_other = dd::zero;  // of match, what earlier rules with another action decide (if asked)
    bool lazy = false;               // reach is match minus the union of `outside`, built by reach_of()
    std::vector<dd::Ref> outside;
    bool decided_later = false;  // built-in chain, accept/drop/reject: the rules after it
                                 // (and the policy) decide its packets alike (if asked)
    bool never = false;          // not judged: an assumption makes it never match, or it matches
                                 // only fragments (-f), which the model leaves out
};

struct ChainReach {
    bool entered = false;     // some packet enters it
    bool referenced = false;  // built-in, or some rule jumps or goes to it
    // built: `entering` is its entering set (built-in chains, chains called from a few built
    // sites, chains on a jump loop, chains with a NOTRACK rule); otherwise it is the union, over
    // `sites` (chain, rule: the jumps and gotos of this table that reach it), of the packets
    // that reach the site, built only on demand (Reachability::packets).
    bool built = false;
    dd::Ref entering = dd::zero;
    std::vector<std::pair<int, int>> sites;
    dd::Ref context = dd::zero;                                    // built: entering, or one (NOTRACK walk)
    std::array<dd::Ref, 3> by_hook{dd::zero, dd::zero, dd::zero};  // built: entering, per Hook
    std::vector<RuleReach> rules;
};

struct TableReach {
    std::vector<ChainReach> chains;
};

// Past this many earlier rules that meet a rule's bounding box, the rule's reach set is left
// unbuilt (RuleReach::lazy); past this many call sites, a chain's entering set is.
inline constexpr std::size_t few_overlaps = 16;
// Past this many effects listed that way in one chain, its rules carry what the earlier rules
// leave along the chain instead (lists would grow with the square of a chain of broad rules).
inline constexpr std::size_t listed_budget = std::size_t{1} << 16;
// Rules are compared with every earlier rule of their chain by bounding box: a chain longer than
// this (a million rules) carries what the earlier rules leave along it from its first rule.
inline constexpr std::size_t max_scanned_chain = 16384;

// One free variable: the undecided part of a rule (or its unknown target).
struct ReachVariable {
    std::uint32_t level = 0;
    int table = -1, chain = -1, rule = -1;  // the first rule that tests it
};

// `-f`: the rule matches only second and later fragments, which the model leaves out.
bool fragments_only(const Rule& r);

class Reachability {
public:
    // taken_before: fill RuleReach::taken_other and decided_later
    // (partly-shadowed and redundant-later rules need them; they cost diagram operations per rule).
    Reachability(dd::Space& space, const Ruleset& ruleset, const Assumptions& assume, bool taken_before);

    const std::vector<TableReach>& tables() const { return tables_; }
    const std::vector<ReachVariable>& variables() const { return vars_; }
    const ChainReach& chain(int t, int c) const;
    // Whether some packet reaches rule k of chain c (all: with every variable 1, every
    // undecided match matching); nothing is built.
    bool reaches_rule(int t, int c, int k, bool all);
    // The rule's local reach set, built if it is lazy.
    dd::Ref reach_of(int t, int c, int k);
    // The packets of a local set of chain c's rules (RuleReach), built (for a finding).
    dd::Ref packets(int t, int c, dd::Ref local);
    // The packets of `a` that enter chain c (hook >= 0: through that Hook), built.
    dd::Ref packets_entering(int t, int c, dd::Ref a, int hook);
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
    bool reaches_through(int t, int c, std::vector<dd::Ref>& in, std::vector<dd::Ref>& out, bool all);
    void add_reach(const RuleReach& rr, std::vector<dd::Ref>& in, std::vector<dd::Ref>& out, bool all);
    friend struct Impl;
};

}  // namespace rulegap::lint
