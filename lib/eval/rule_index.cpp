#include "lib/eval/rule_index.hpp"

#include <algorithm>
#include <array>

namespace rulegap::eval {
namespace {

// Fields every packet of explain() gives (ports only for some protocols: not indexed).
constexpr std::array<Field, 2> index_fields{Field::dst_addr, Field::src_addr};

// The intervals of the first plain condition of r that limits f; nullptr when none does.
const detail::IntervalList* restriction(const Rule& r, Field f) {
    for (const Condition& c : r.conditions) {
        if (c.negated || c.undecided) continue;
        for (const FieldRange& fr : c.all_of)
            if (fr.field == f) return &fr.values;
    }
    return nullptr;
}

}  // namespace

std::optional<ChainIndex> ChainIndex::build(const Chain& chain) {
    const std::size_t n = chain.rules.size();
    if (n < min_rules || n >= none) return std::nullopt;
    // The field restricting most rules; at least half of them, or the index gains little.
    Field best = index_fields[0];
    std::size_t best_count = 0;
    for (Field f : index_fields) {
        std::size_t count = 0;
        for (const Rule& r : chain.rules) count += restriction(r, f) ? 1 : 0;
        if (count > best_count) {
            best = f;
            best_count = count;
        }
    }
    if (best_count * 2 < n) return std::nullopt;

    ChainIndex ix;
    ix.field_ = best;
    ix.starts_.push_back(0);
    for (const Rule& r : chain.rules)
        if (const detail::IntervalList* v = restriction(r, best))
            for (const Interval& i : *v) {
                if (i.lo > i.hi) continue;  // matches nothing (only a hand-built model has one)
                ix.starts_.push_back(i.lo);
                if (i.hi != ~uint128{0}) ix.starts_.push_back(i.hi + 1);
            }
    std::sort(ix.starts_.begin(), ix.starts_.end());
    ix.starts_.erase(std::unique(ix.starts_.begin(), ix.starts_.end()), ix.starts_.end());
    auto segment_of = [&](uint128 x) {
        return static_cast<std::size_t>(std::upper_bound(ix.starts_.begin(), ix.starts_.end(), x) -
                                        ix.starts_.begin()) -
               1;
    };
    // Count, then fill (rules in order, so each segment's list is ascending). Overlapping wide
    // intervals could list a rule in very many segments: past a bound, no index.
    const std::size_t segments = ix.starts_.size();
    const std::size_t budget = 8 * n + 4096;
    std::vector<std::uint32_t> count(segments + 1, 0);
    std::size_t total = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        const detail::IntervalList* v = restriction(chain.rules[i], best);
        if (!v) {
            ix.unrestricted_.push_back(i);
            continue;
        }
        for (const Interval& in : *v) {
            if (in.lo > in.hi) continue;
            std::size_t a = segment_of(in.lo), b = segment_of(in.hi);
            total += b - a + 1;
            if (total > budget) return std::nullopt;
            for (std::size_t k = a; k <= b; ++k) ++count[k];
        }
    }
    ix.offsets_.assign(segments + 1, 0);
    for (std::size_t k = 0; k < segments; ++k) ix.offsets_[k + 1] = ix.offsets_[k] + count[k];
    ix.rules_.resize(total);
    std::vector<std::uint32_t> fill(ix.offsets_.begin(), ix.offsets_.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i)
        if (const detail::IntervalList* v = restriction(chain.rules[i], best))
            for (const Interval& in : *v)
                if (in.lo <= in.hi)
                    for (std::size_t k = segment_of(in.lo), b = segment_of(in.hi); k <= b; ++k)
                        ix.rules_[fill[k]++] = i;
    return ix;
}

std::span<const std::uint32_t> ChainIndex::restricted_rules(uint128 value) const {
    auto k =
        static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), value) - starts_.begin()) -
        1;
    return std::span<const std::uint32_t>(rules_).subspan(offsets_[k], offsets_[k + 1] - offsets_[k]);
}

RulesetIndex::RulesetIndex(const Ruleset& rs) : rs_(rs), slot_(rs.tables.size()) {
    for (std::size_t t = 0; t < rs.tables.size(); ++t) slot_[t].assign(rs.tables[t].chains.size(), unbuilt);
}

const ChainIndex* RulesetIndex::find(int table, int chain) {
    std::int32_t& slot = slot_[static_cast<std::size_t>(table)][static_cast<std::size_t>(chain)];
    if (slot == unbuilt) {
        std::optional<ChainIndex> ix = ChainIndex::build(
            rs_.tables[static_cast<std::size_t>(table)].chains[static_cast<std::size_t>(chain)]);
        slot = ix ? static_cast<std::int32_t>(built_.size()) : not_indexed;
        if (ix) built_.push_back(std::move(*ix));
    }
    return slot >= 0 ? &built_[static_cast<std::size_t>(slot)] : nullptr;
}

std::uint32_t next_rule(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                        std::uint32_t from) {
    auto x = std::lower_bound(a.begin(), a.end(), from);
    auto y = std::lower_bound(b.begin(), b.end(), from);
    std::uint32_t out = none;
    if (x != a.end()) out = *x;
    if (y != b.end() && *y < out) out = *y;
    return out;
}

}  // namespace rulegap::eval
