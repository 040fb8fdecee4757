// rulegap — the policy model: tables of ordered chains of rules, as netfilter runs them.
//
// Parsers produce a Ruleset; analyses read it. Nothing here knows any file syntax: a rule's
// conditions are field ranges (decidable) or Undecided conditions (with the reason), and every
// rule keeps its source location and its text.
//
// Texts (a rule as written, its comment, its target's name and options) are views into text the
// Ruleset keeps: the file as read, or strings given to Ruleset::keep(). A model of 300,000 rules
// then holds its file once, not once more per rule (docs/design.md, "Memory"). Copies of a
// Ruleset share that text, so a view stays valid while any copy lives.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/packet_set.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

// One field constraint: the field lies in one of the intervals.
struct FieldRange {
    FieldRange() = default;
    FieldRange(Field f, detail::IntervalList v) : values(std::move(v)), field(f) {}

    // (values first: `field` then fits in its padding, and a FieldRange takes 48 bytes, not 64)
    [[no_unique_address]] detail::IntervalList values;  // one interval in place, more on the heap
    Field field = Field::family;
};

// What an undecided condition tests, as far as an assumption (assume.hpp) can decide it: the
// match modules and scopes a user may assume to match or not; `unknown` for every other match
// module rulegap does not model (connbytes, addrtype, a module it does not know, ...); `other`
// for what no assumption decides (unreadable text, hostnames, unmodelled options of modelled
// modules, Windows authentication and interface scopes, ...).
enum class Unmodelled : std::uint8_t {
    other,
    recent,
    limit,
    hashlimit,
    connlimit,
    statistic,
    quota,
    time,
    string,
    u32,
    mac,
    owner,
    set,
    mark,
    connmark,
    program,
    unknown
};
constexpr int unmodelled_count = 17;
std::string_view to_string(Unmodelled u);                           // "recent", ..., "unknown", "other"
std::optional<Unmodelled> parse_unmodelled(std::string_view name);  // an assumable name (not "other")
// The assumable kind of an iptables match module known to be unmodelled ("recent" -> recent,
// "connbytes" -> unknown).
Unmodelled unmodelled_module(std::string_view module);

// One condition of a rule. Decidable: the conjunction of `all_of` (negated when `negated`).
// Undecided: a match that cannot be decided statically (rate limits, marks, unknown modules,
// unreadable text, ...); `reason` says why, `module` names it, `unmodelled` says which
// assumption can decide it, and `negated` says that the module's test is negated
// (`-m mac ! --mac-source X`): an assumption decides the test, the negation applies on top. A
// rule matches when all its conditions hold.
struct Condition {
    bool negated = false;
    std::vector<FieldRange> all_of;  // empty and !undecided: always true
    bool undecided = false;
    Unmodelled unmodelled = Unmodelled::other;  // undecided: the assumption that can decide it
    std::string module;                         // "limit", "mark", "unparsed", ...
    std::string reason;                         // one line, for the report

    PacketSet packets() const;  // the decidable meaning (not for undecided conditions)
    // Whether p meets it; nullopt when undecided, or when it tests an interface p does not give.
    std::optional<bool> matches(const Packet& p) const;
};

enum class Action : std::uint8_t {
    accept,
    drop,
    reject,
    return_,    // RETURN
    jump,       // to a user chain (-j CHAIN)
    go_to,      // -g CHAIN
    continue_,  // non-terminating with no effect on verdicts: LOG, NFLOG, ULOG, MARK,
                // CONNMARK, TCPMSS, CLASSIFY, TOS, TTL, DSCP, ...
    dnat,       // changes the destination (and port); ends the nat chain
    snat,       // SNAT, MASQUERADE: changes the source after filtering; ends the nat chain
    redirect,   // REDIRECT: to a local port; ends the nat chain
    notrack,    // NOTRACK, CT --notrack: the packet becomes UNTRACKED
    unknown,    // a target rulegap does not model: its effect is undecided
};
std::string_view to_string(Action a);

struct Target {
    Action action = Action::continue_;
    std::string_view name;     // as written: "ACCEPT", "LOG", "my-chain", "DNAT"
    std::string_view options;  // as written after the name, e.g. "--reject-with tcp-reset"
    int chain = -1;            // jump/go_to: index into the table's chains, set by link()
    // dnat/redirect: the new destination; absent parts stay as they were.
    detail::OptionalInterval to_address;
    detail::OptionalInterval to_port;
};

struct Rule {
    std::uint32_t line = 0;  // 1-based line in the ruleset's file (Ruleset::file_of)
    std::uint32_t column = 1;
    std::uint32_t source = 0;  // a ruleset of several files: index into Ruleset::sources
    std::string_view text;     // the rule as written, without counters and line end
    std::vector<Condition> conditions;
    Target target;
    std::string_view comment;  // from -m comment, for reports; a rule without a line
                               // (line 0: a Windows rule from a registry hive) is named
                               // by it (its rule id), see Ruleset::where()

    bool decidable() const;     // no undecided condition
    PacketSet packets() const;  // the decidable conditions' intersection (undecided ones ignored)
};

struct Chain {
    std::string name;
    bool builtin = false;          // INPUT, FORWARD, OUTPUT, PREROUTING, POSTROUTING
    std::optional<Action> policy;  // accept or drop, built-in chains only
    std::uint32_t line = 0;        // line of the ":NAME POLICY" header (0: never declared)
    std::vector<Rule> rules;
    // Where the policy comes from and how to say it, when it is not a ":NAME POLICY" header at
    // `line` of the ruleset's file: a Windows profile's default action, at the setting that
    // decided it ("domain profile default: block inbound"). Empty text: the header.
    SourceLoc policy_where = {};
    std::string policy_text = {};
};

struct Table {
    std::string name;        // raw, mangle, nat, filter, security
    std::uint32_t line = 0;  // line of "*name"
    std::vector<Chain> chains;

    const Chain* chain(std::string_view name) const;  // nullptr when absent
    Chain* chain(std::string_view name);
    int chain_index(std::string_view name) const;  // -1 when absent
};

// A rule that was read but is not in force (a disabled Windows rule, Active=FALSE; an allow
// rule that a profile setting overrides): never evaluated. Kept so that nothing read is lost and
// a report can say that it would have decided a blocked flow.
struct InactiveRule {
    std::string chain;  // the built-in chain it would be in ("INPUT")
    std::string name;   // how the input names it (a Windows rule's Name), or empty
    std::string why;    // "disabled", ...: an adjective for "a disabled rule"
    Rule rule;          // as it would be lowered (texts kept by the Ruleset)
};

struct Ruleset {
    std::string file;  // where it was read from (for SourceLoc)
    // Read from several files (a Windows host's Group Policy and local exports): their names,
    // and each rule's Rule::source says which. Empty: every rule is from `file`.
    std::vector<std::string> sources;
    int family = 4;  // iptables-save: 4, ip6tables-save: 6, 0: both (Windows)
    std::vector<Table> tables;
    std::vector<InactiveRule> inactive;  // rules read but not in force (see InactiveRule)
    Diagnostics diagnostics;             // everything the reader said about the file

    const Table* table(std::string_view name) const;  // nullptr when absent
    Table* table(std::string_view name);
    Table& add_table(std::string name);  // returns the existing one if present
    const std::string& file_of(const Rule& r) const {
        return r.source < sources.size() ? sources[r.source] : file;
    }
    SourceLoc where(const Rule& r) const {
        return {file_of(r), r.line, r.column, r.line == 0 ? std::string(r.comment) : std::string()};
    }
    // Where a built-in chain's policy was set (Chain::policy_where, or its header line).
    SourceLoc policy_where(const Chain& c) const {
        return c.policy_where.file.empty() ? SourceLoc{file, c.line, 0, {}} : c.policy_where;
    }

    // Keeps text for as long as this Ruleset or a copy of it lives; the view returned is what a
    // rule's text, comment or target fields may hold. Not for use by two threads at once on
    // copies of one Ruleset (they share what is kept).
    // std::move a string in to spare a copy.
    std::string_view keep(std::string text);

    // Resolves jump/goto targets to chain indices. Targets naming no chain become
    // Action::unknown with an error diagnostic. Call after building or editing the model.
    void link();

private:
    std::shared_ptr<std::deque<std::string>> kept_;  // stable addresses: a deque never moves its strings
};

}  // namespace rulegap
