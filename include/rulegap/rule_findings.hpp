// rulegap — rules that never apply, or not as their author meant: shadowed, redundant,
// unmatchable and unreferenced rules, each with the rules that cover it and a witness packet.
//
//   Ruleset rs = load_iptables("fw.rules").ruleset;
//   for (const RuleFinding& f : find_rule_findings(rs))
//       std::cout << to_string(f.kind) << " " << f.rule.where().to_string() << "\n";
//
// A rule is judged by the exact set of packets that reach it: those entering its chain (from
// every built-in chain of its table, through every jump and goto) minus those decided by the
// earlier rules of the chain. Each table is judged on its own: packets an earlier table drops
// still count as reaching a later table's rules, so a rule is never called unreachable because
// of another table. Undecided matches (limit, recent, mac, an unknown target, ...) are free: a
// rule is `unreachable` only when no packet reaches it whatever they do.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/assume.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

enum class RuleFindingKind : std::uint8_t {
    unreachable,           // no packet reaches the rule (see UnreachableReason)
    possibly_unreachable,  // no packet reaches it if the undecided matches in depends_on all match
    unmatchable,           // its own condition is empty (-s 10.0.0.0/8 ! -s 10.0.0.0/7)
    partly_shadowed,       // earlier rules with another action take part of its packets
    unreferenced,          // a user chain nothing jumps or goes to (the finding's rule: its first)
    redundant_later,       // the rules after it and the policy decide its packets alike: it can go
};
inline constexpr std::size_t rule_finding_kind_count = 6;
std::string_view to_string(RuleFindingKind k);  // "unreachable", "possibly-unreachable", ...

enum class UnreachableReason : std::uint8_t {
    none,
    shadowed,   // earlier rules take its packets, at least one of them with another action
    redundant,  // earlier rules with the same action take all its packets: it can go
    no_entry,   // no packet that enters its chain matches it (or none enters the chain)
};
std::string_view to_string(UnreachableReason r);  // "shadowed", "redundant", "no-entry"

struct RuleFinding {
    RuleFindingKind kind = RuleFindingKind::unreachable;
    UnreachableReason reason = UnreachableReason::none;
    Severity severity = Severity::warning;
    RuleRef rule;                     // the rule judged
    std::vector<RuleRef> covering;    // unreachable, partly-shadowed: the earlier rules that take
                                      // its packets; redundant-later: the later rules (and the
                                      // policy) that decide them alike;
                                      // its packets (a small set, chosen by overlap; for shadowed
                                      // always the largest earlier rule with another action)
    std::size_t more_covering = 0;    // covering rules left out of `covering`
    std::vector<RuleRef> depends_on;  // possibly-unreachable: the undecided rules (at most
                                      // max_covering of them)
    bool more_depends_on = false;     // ... and there are more
    // A packet, and the hook to explain() it at: for partly-shadowed, one that a covering rule
    // takes; for possibly-unreachable, one that reaches the rule (if the undecided matches let
    // it). Absent for unreachable and unmatchable rules.
    std::optional<Packet> witness;
    Hook hook = Hook::input;
    BigCount taken, total;  // partly-shadowed: packets taken of the rule's packets
    std::string message;    // one line, for people
};

struct RuleFindingOptions {
    Assumptions assume;            // undecided matches taken as decided (listed by reports)
    bool partly_shadowed = false;  // also report partly-shadowed and redundant-later rules (info; --all)
    std::size_t max_covering = 6;  // rules named per finding at most
    std::size_t max_nodes = default_max_nodes;  // decision-diagram size limit (packet_set.hpp);
                                                // past it, DiagramTooLarge is thrown
};

// Every finding, in file order (table, chain, rule). Throws DiagramTooLarge only.
std::vector<RuleFinding> find_rule_findings(const Ruleset& ruleset, const RuleFindingOptions& options = {});

}  // namespace rulegap
