// rulegap — iptables-save reader: the `-m multiport --ports` matches of one rule as disjoint cases.
//
// Each `--ports L` matches when the source or the destination port is in L, and several of them
// in one rule are ANDed (the kernel runs each match on its own). The model has no "or" across
// fields, so the rule is split by its source port: source ports that lie in the same lists (the
// same "signature") need the same destination ports, namely those in every list the source port
// is not in. One case per signature: as many rules as distinct signatures, which is at most one
// more than twice the number of intervals in the lists (not 2^n), each exact, all disjoint.
#include <algorithm>
#include <map>

#include "parsers/iptables/builder.hpp"

namespace rulegap::iptables {
namespace {

std::vector<Interval> normalized(std::vector<Interval> v) {
    std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> out;
    for (const Interval& i : v) {
        if (!out.empty() && i.lo <= out.back().hi + 1)
            out.back().hi = std::max(out.back().hi, i.hi);
        else
            out.push_back(i);
    }
    return out;
}

bool contains(const std::vector<Interval>& sorted, uint128 x) {
    auto it = std::upper_bound(sorted.begin(), sorted.end(), x,
                               [](uint128 v, const Interval& i) { return v < i.lo; });
    return it != sorted.begin() && std::prev(it)->hi >= x;
}

std::vector<Interval> intersection(const std::vector<Interval>& a, const std::vector<Interval>& b) {
    std::vector<Interval> out;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        uint128 lo = std::max(a[i].lo, b[j].lo), hi = std::min(a[i].hi, b[j].hi);
        if (lo <= hi) out.push_back({lo, hi});
        (a[i].hi < b[j].hi ? i : j) += 1;
    }
    return out;
}

}  // namespace

std::optional<std::vector<PortCase>> either_port_cases(const std::vector<std::vector<Interval>>& lists) {
    std::vector<std::vector<Interval>> sets;
    std::size_t total = 0;
    for (const auto& l : lists) {
        sets.push_back(normalized(l));
        total += sets.back().size();
    }
    if (total > Builder::max_either_intervals) return std::nullopt;
    const uint128 end = uint128{65535} + 1;
    std::vector<uint128> cuts{0, end};
    for (const auto& s : sets)
        for (const Interval& i : s) {
            cuts.push_back(i.lo);
            cuts.push_back(std::min(i.hi + 1, end));
        }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    std::vector<PortCase> out;
    std::vector<std::vector<bool>> signatures;
    std::map<std::vector<bool>, std::size_t> index;
    for (std::size_t k = 0; k + 1 < cuts.size() && cuts[k] < end; ++k) {
        const Interval segment{cuts[k], cuts[k + 1] - 1};
        std::vector<bool> in(sets.size());
        for (std::size_t i = 0; i < sets.size(); ++i) in[i] = contains(sets[i], segment.lo);
        auto [it, fresh] = index.try_emplace(in, out.size());
        if (fresh) {
            if (out.size() >= Builder::max_either_cases) return std::nullopt;
            out.emplace_back();
            signatures.push_back(std::move(in));
        }
        std::vector<Interval>& src = out[it->second].src;
        if (!src.empty() && src.back().hi + 1 == segment.lo)
            src.back().hi = segment.hi;
        else
            src.push_back(segment);
    }
    for (std::size_t c = 0; c < out.size(); ++c) {
        PortCase& pc = out[c];
        pc.dst_any = true;
        for (std::size_t i = 0; i < sets.size(); ++i) {
            if (signatures[c][i]) continue;
            pc.dst = pc.dst_any ? sets[i] : intersection(pc.dst, sets[i]);
            pc.dst_any = false;
        }
    }
    return out;
}

}  // namespace rulegap::iptables
