// Private to lib/eval: an index over a chain of many rules, so that explain() of many packets
// does not test every rule of a 10,000-rule chain (kube-proxy's KUBE-SERVICES) for each packet.
//
// A rule is restricted on a field when one of its plain conditions (not negated, decidable)
// limits that field: it can only match packets whose value lies in that condition's intervals.
// The index picks the field that restricts most rules of the chain, cuts the field's range into
// segments at every interval end, and lists per segment the restricted rules that cover it.
// A packet then meets, in order, only the rules listed for its value's segment and the rules
// that are not restricted on the field: every rule it skips is one that cannot match.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "rulegap/ruleset.hpp"

namespace rulegap::eval {

class ChainIndex {
public:
    // Nothing for chains too short to gain, or whose rules the fields do not tell apart.
    static std::optional<ChainIndex> build(const Chain& chain);

    Field field() const { return field_; }
    // The restricted rules whose intervals hold `value`, and the unrestricted rules: rule
    // indices, ascending.
    std::span<const std::uint32_t> restricted_rules(uint128 value) const;
    std::span<const std::uint32_t> unrestricted_rules() const { return unrestricted_; }

    static constexpr std::size_t min_rules = 256;  // shorter ones: a scan costs less than building

private:
    Field field_ = Field::dst_addr;
    std::vector<uint128> starts_;         // segment k: [starts_[k], starts_[k + 1]); starts_[0] == 0
    std::vector<std::uint32_t> offsets_;  // segment k's rules: rules_[offsets_[k] .. offsets_[k + 1])
    std::vector<std::uint32_t> rules_;
    std::vector<std::uint32_t> unrestricted_;
};

// The indexes of a ruleset's chains, each built when a packet first enters its chain (most
// chains of a large ruleset are never entered by a given set of packets).
class RulesetIndex {
public:
    explicit RulesetIndex(const Ruleset& rs);
    const ChainIndex* find(int table, int chain);  // nullptr: the chain is not indexed

private:
    static constexpr std::int32_t unbuilt = -2, not_indexed = -1;
    const Ruleset& rs_;
    // Per chain: unbuilt, not_indexed, or where its index is in built_ (4 bytes a chain: kube
    // has 110,000 chains, few of them long).
    std::vector<std::vector<std::int32_t>> slot_;
    std::deque<ChainIndex> built_;  // (a deque: indexes handed out stay where they are)
};

// The first rule at or after `from` among two ascending lists; `none` when there is none.
std::uint32_t next_rule(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                        std::uint32_t from);
constexpr std::uint32_t none = 0xFFFFFFFFu;

}  // namespace rulegap::eval
