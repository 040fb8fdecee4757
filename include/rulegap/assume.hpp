// rulegap — assumptions for what cannot be decided statically.
//
//   Assumptions a;
//   a.set({Unmodelled::recent, false});              // --assume recent=nomatch
//   Decision d = explain(ruleset, Hook::input, packet, a);
//
// An assumption decides every undecided condition of one kind (Condition::unmodelled): `match`
// says the module's test succeeds, `nomatch` that it fails; a negated test (`! --mac-source X`)
// is then negated on top. A rule with a condition assumed false never fires; one whose
// undecided conditions are all assumed true is decided by its other conditions. Conditions no
// assumption covers stay undecided (the verdict stays `unknown` where they matter). See
// docs/design.md, "Assumptions".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/ruleset.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

struct Assumption {
    Unmodelled module = Unmodelled::unknown;
    bool match = false;
    SourceLoc where = {};  // the site file's `assume` statement; empty: the command line
    bool operator==(const Assumption&) const = default;
};
std::string to_string(const Assumption& a);  // "recent=nomatch"

// "recent=nomatch" (as given to --assume); nullopt when it is not MODULE=match|nomatch with an
// assumable module.
std::optional<Assumption> parse_assumption(std::string_view text);
// The assumable module names, in order: "recent, limit, ..., program, unknown".
std::string assumable_names();

class Assumptions {
public:
    // A later assumption for the same module replaces an earlier one.
    void set(const Assumption& a);
    // Each of `over`'s assumptions replaces this one's for its module (the command line over
    // the site file).
    void override_with(const Assumptions& over);
    bool empty() const { return count_ == 0; }
    const Assumption* of(Unmodelled module) const;
    // The assumptions in the order of Unmodelled.
    std::vector<Assumption> list() const;

    // An undecided condition's value under these assumptions, negation applied; nullopt when
    // no assumption covers it (or it is decidable).
    std::optional<bool> value(const Condition& c) const {
        if (count_ == 0 || !c.undecided) return std::nullopt;
        const auto& slot = slots_[static_cast<std::size_t>(c.unmodelled)];
        if (!slot) return std::nullopt;
        return slot->match != c.negated;
    }
    // How a rule fares: `never` when an assumption makes one of its conditions false; else
    // `undecided` while a condition no assumption covers remains; else `decided` (match by its
    // decidable conditions alone).
    enum class RuleState : std::uint8_t { decided, undecided, never };
    RuleState state(const Rule& r) const;
    // The first of a rule's undecided conditions no assumption decides, or nullptr.
    const Condition* first_open(const Rule& r) const;

private:
    std::array<std::optional<Assumption>, unmodelled_count> slots_{};
    std::size_t count_ = 0;
};

// How many rules of a ruleset (in force) an assumption touches: rules with an undecided
// condition of its module.
std::size_t rules_touched(const Ruleset& ruleset, Unmodelled module);

}  // namespace rulegap
