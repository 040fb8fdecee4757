// Private to lib/eval (for now): a ruleset's traversal of one hook compiled, once, into one
// decision diagram over the whole packet space — no forking (docs/packet-set.md, "Evaluation
// without forking").
//
// Each chain is compiled bottom-up (last rule first) into its outcome function, once per table
// (memoised; chains that can reach a jump loop are compiled per path, as the loop check needs
// the path). A jump composes the callee's function with the caller's rest; RETURN, policies,
// DNAT (the rest of the traversal read at the new destination), NOTRACK (the rest read at state
// untracked) and the nat table's "new packets only" are honoured as explain() does.
//
// An undecided match is a free variable: a 1-bit level below the packet fields. Run-time state
// (limit, recent, ...) gets one variable per rule; with share_property_variables, packet
// properties that are not modelled (mac, owner, set, mark, connmark, program, service) get one
// per distinct (module, reason) text, so the same test gives the same answer at every rule.
// resolve() then reads, per packet, every assignment: a packet is accepted / dropped / rejected
// only if every assignment agrees, else it is unknown. Variables are resolved from the last
// (in traversal order) to the first, as explain() compares its forks: at variable v, if the
// outcomes with v false and with v true have the same verdict, the one with v false stands
// (its deciding rule, or its reason); otherwise the packet is unknown because of v's rule.
// Assumptions fix variables before that.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/dd/space.hpp"
#include "lib/eval/traversal.hpp"

namespace rulegap::eval {

struct CompileOptions {
    bool share_property_variables = false;
    // Where a rule's variables go in the order: right after the deepest field its decidable
    // conditions test (the variable's node then ends the rule's match path, and what follows
    // is shared), above all fields, or below them all (measured: docs/packet-set.md).
    enum class Placement : std::uint8_t { after_match, top, bottom };
    Placement placement = Placement::after_match;
    // Undecided conditions an assumption decides are decided (explain()'s rule): a rule one of
    // them makes false never matches; no variable is made for them.
    const Assumptions* assume = nullptr;
};

// One free variable.
struct Variable {
    std::uint32_t level = 0;
    Ref at;              // the first rule (in traversal order) that tests it
    std::string module;  // of that rule's first undecided condition
    std::string reason;
    bool shared = false;  // one per (module, reason) text, not per rule
};

// What resolve()'s terminals stand for.
struct Final {
    Verdict verdict = Verdict::unknown;
    Ref by;              // invalid: no rule or policy (family mismatch, accept with no decider)
    std::string reason;  // for unknown
};

class CompiledHook {
public:
    CompiledHook(dd::Space& space, const Ruleset& ruleset, Hook hook, CompileOptions options = {});
    ~CompiledHook();
    CompiledHook(const CompiledHook&) = delete;
    CompiledHook& operator=(const CompiledHook&) = delete;

    // Over the packet fields and the variables; its terminals are internal outcomes.
    dd::Ref raw() const { return raw_; }
    const std::vector<Variable>& variables() const { return vars_; }
    const std::vector<Step>& steps() const { return steps_; }

    // Variables fixed (level, value) first; the result tests packet fields only, and its
    // terminals index finals().
    dd::Ref resolve(std::span<const std::pair<std::uint32_t, bool>> assumptions = {});
    const std::vector<Final>& finals() const { return finals_; }
    // The outcome of one packet in a resolved diagram.
    const Final& at(dd::Ref resolved, const Packet& p) const;
    RuleRef rule_ref(Ref r) const { return make_ref(rs_, steps_, r); }
    // The final a terminal of raw() stands for (its variables aside), and the variable (index
    // into variables()) of a free-variable level.
    std::uint32_t final_of_raw(std::uint32_t terminal_value);
    std::uint32_t variable_at(std::uint32_t level) const;

private:
    struct Impl;
    dd::Space& s_;
    const Ruleset& rs_;
    std::vector<Step> steps_;
    std::vector<Variable> vars_;
    std::vector<Final> finals_;
    std::map<std::tuple<int, int, int, int, std::string>, std::uint32_t> final_ids_;
    dd::Ref raw_ = dd::zero;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rulegap::eval
