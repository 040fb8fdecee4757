// query(): evaluate() over a set of packets, gathered per deciding rule or policy, in rule order,
// with counts, witnesses and ranges.
#include <algorithm>
#include <limits>
#include <tuple>

#include "rulegap/query.hpp"

namespace rulegap {

namespace {

// Where a part comes in the answer: rules as the file lists them (by table, then line; Windows
// rules, whose order is their precedence, by chain and rule), then the policies, then an unknown
// that no rule decided.
auto order_key(const Ruleset& rs, const QueryPart& p) {
    constexpr long long last = std::numeric_limits<long long>::max();
    if (!p.decided_by) return std::tuple(2, last, last, last, p.verdict, p.reason);
    const RuleRef& r = *p.decided_by;
    long long table = last, chain = last;
    for (std::size_t t = 0; t < rs.tables.size(); ++t) {
        if (rs.tables[t].name != r.table) continue;
        table = static_cast<long long>(t);
        int c = rs.tables[t].chain_index(r.chain);
        chain = c < 0 ? last : c;
        break;
    }
    if (r.is_policy()) return std::tuple(1, table, chain, 0LL, p.verdict, p.reason);
    if (rs.family == 0)
        return std::tuple(0, table, chain, static_cast<long long>(r.rule), p.verdict, p.reason);
    return std::tuple(0, table, static_cast<long long>(r.line), chain * 1000000 + r.rule, p.verdict,
                      p.reason);
}

}  // namespace

QueryResult query(const Ruleset& ruleset, Hook hook, const PacketSet& where, const QueryOptions& options) {
    QueryResult result;
    std::vector<QueryPart> parts;
    // evaluate() gives one part per outcome (verdict, deciding rule, reason).
    for (Outcome& o : Evaluator(ruleset, hook, options.assume, options.max_nodes).evaluate(where)) {
        QueryPart p;
        p.verdict = o.verdict;
        p.decided_by = std::move(o.decided_by);
        p.reason = std::move(o.reason);
        p.packets = std::move(o.packets);
        parts.push_back(std::move(p));
    }
    for (QueryPart& p : parts) {
        p.count = p.packets.size();
        result.total = result.total + p.count;
    }
    std::erase_if(parts, [&](const QueryPart& p) {
        return p.count.is_zero() || (options.verdict && p.verdict != *options.verdict);
    });
    std::stable_sort(parts.begin(), parts.end(), [&](const QueryPart& a, const QueryPart& b) {
        return order_key(ruleset, a) < order_key(ruleset, b);
    });
    for (QueryPart& p : parts) {
        p.witness = p.packets.witness();
        p.ranges = p.packets.disjoint_ranges(options.range_limit);
    }
    result.parts = std::move(parts);
    return result;
}

}  // namespace rulegap
