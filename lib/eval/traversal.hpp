// Private to lib/eval: what explain() and evaluate() share — the netfilter order of tables and
// chains per hook, references to rules and policies, who decided an accept, and the wording of
// traces and reasons. Both engines must agree packet by packet, so every rule of the semantics
// that is not pure control flow lives here, once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rulegap/evaluate.hpp"

namespace rulegap::eval {

// Limits shared by both engines (they must trip at the same places).
constexpr int max_fork_depth = 64;  // nested "the undecided rule fires" branches
// Undecided rules followed both ways per explain()/evaluate() call, against exponential blow-up
// (each branch can meet further undecided rules). Past it, a branch counts as unknown.
constexpr std::size_t max_forks = 20000;

// One (table, built-in chain) the hook traverses and the ruleset has.
struct Step {
    int table = -1;    // index into Ruleset::tables
    int chain = -1;    // index into that table's chains
    bool nat = false;  // nat table: only packets in state new traverse it
    bool raw = false;  // raw table: runs before connection tracking (see raw_view_state)
};

// Connection state in the raw table. The raw table's chains (PREROUTING at priority -300, OUTPUT
// likewise) run before conntrack (-200) attaches a connection to the packet, so `-m state` and
// `-m conntrack --ctstate` there see every packet as INVALID, or as UNTRACKED once a NOTRACK /
// `CT --notrack` earlier in raw has fired (the kernel's conntrack_mt: no ct and ctinfo not
// IP_CT_UNTRACKED is INVALID). From mangle on they see the packet's own state, or UNTRACKED after
// a NOTRACK. Both engines (and any later one) must apply exactly this rule:
//   - in a raw step, a rule's state condition is tested against raw_view_state(notracked), never
//     the packet's state; every other field is the packet's;
//   - NOTRACK sets `notracked` and the packet's state to UNTRACKED; it changes nothing when, in
//     a raw step, `notracked` is already set, or, outside raw, the state is already UNTRACKED;
//   - the nat table is skipped unless the state is NEW (so an untracked packet skips it).
constexpr ConnState raw_view_state(bool notracked) {
    return notracked ? ConnState::untracked : ConnState::invalid;
}

// The steps of a hook, in netfilter order, leaving out tables and chains the ruleset lacks.
std::vector<Step> steps_for(const Ruleset& rs, Hook hook);

// A rule, or a chain's policy (rule == -1), of one step's table. step == -1: nothing.
struct Ref {
    int step = -1;
    int chain = -1;
    int rule = -1;
    bool valid() const { return step >= 0; }
    bool is_policy() const { return rule < 0; }
    bool operator==(const Ref&) const = default;
};

// Who decided an accept so far: the filter table's decider wins; otherwise the last other table
// with a deciding rule or policy; nat (which never filters) only when nothing else decided.
struct Deciders {
    Ref filter, other, nat;
    void accepted(const Ruleset& rs, const std::vector<Step>& steps, Ref at);
    Ref pick() const { return filter.valid() ? filter : other.valid() ? other : nat; }
};

RuleRef make_ref(const Ruleset& rs, const std::vector<Step>& steps, Ref at);
// The same for a rule (rule >= 0) or the policy (rule == -1) of a chain of a table.
RuleRef make_ref(const Ruleset& rs, const Table& t, const Chain& c, int rule);

// Undecided conditions that test a property of the packet (mac, owner, set, mark, ...): the same
// text gives the same answer wherever it is tested, so engines share one free choice per text;
// run-time state (limit, recent, ...) gets one per rule.
bool property_module(const std::string& module);

// Chains and rules of a step.
inline const Table& table_of(const Ruleset& rs, const Step& s) {
    return rs.tables[static_cast<std::size_t>(s.table)];
}
inline const Chain& chain_at(const Ruleset& rs, const Step& s, int chain) {
    return table_of(rs, s).chains[static_cast<std::size_t>(chain)];
}

// The verdict of a built-in chain's policy (missing: accept). Unknown for anything else.
Verdict policy_verdict(const Chain& c);
std::string policy_action(const Chain& c);  // "policy accept", "policy drop"

// The chain a jump/goto goes to, or -1 when it names no chain of the table.
int jump_target(const Table& t, const Rule& r);

// "file:line" of a rule, and the reasons that name it.
std::string rule_at(const Ruleset& rs, const Rule& r);  // "rule at file:line"
std::string undecided_reason(const Ruleset& rs, const Rule& r, const std::string& module,
                             const std::string& why);
std::string unknown_target_reason(const Ruleset& rs, const Rule& r);
std::string loop_reason(const Ruleset& rs, const Table& t, const Rule& r);
std::string redirect_reason(const Ruleset& rs, const Rule& r);
std::string dnat_range_reason(const Ruleset& rs, const Rule& r);
std::string depth_reason(const Ruleset& rs, const Rule& r);
std::string family_reason(int ruleset_family, int packet_family);
std::string policy_reason(const Table& t, const Chain& c);

// The first undecided condition of a rule that no assumption decides (`a` null: none): its
// module and reason.
struct Cause {
    std::string module;
    std::string why;
};
Cause first_undecided(const Rule& r, const Assumptions* a = nullptr);

// Trace wording of a rule's target when it fires ("jump X", "accept", "log", "dnat to ...").
std::string action_text(const Rule& r, int family);

// DNAT/REDIRECT: does the rule rewrite this field, and to which values.
bool rewrites_address(const Target& t);
bool rewrites_port(const Target& t);

}  // namespace rulegap::eval
