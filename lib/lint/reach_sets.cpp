// The reach sets of reach.hpp, tested and built: emptiness through a chain's call sites
// without building, lazy sets built on demand, and the variables quantified.
#include "lib/lint/reach.hpp"

#include <algorithm>
#include <unordered_map>

namespace rulegap::lint {

const ChainReach& Reachability::chain(int t, int c) const {
    return tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
}

// Whether some packet entering chain c is in every set of `in` and none of `out` (local sets
// of c's rules; all: every variable 1). Through a chain's call sites when its entering set is
// not built.
bool Reachability::reaches_through(int t, int c, std::vector<dd::Ref>& in, std::vector<dd::Ref>& out,
                                   bool all) {
    const ChainReach& cr = chain(t, c);
    if (cr.built) {
        in.push_back(all ? all_match(cr.context) : cr.context);
        const bool found = s_.manager().meets(in, out);
        in.pop_back();
        return found;
    }
    for (const auto& [caller, k] : cr.sites) {
        const std::size_t in_size = in.size(), out_size = out.size();
        add_reach(chain(t, caller).rules[static_cast<std::size_t>(k)], in, out, all);
        const bool found = reaches_through(t, caller, in, out, all);
        in.resize(in_size);
        out.resize(out_size);
        if (found) return true;
    }
    return false;
}

void Reachability::add_reach(const RuleReach& rr, std::vector<dd::Ref>& in, std::vector<dd::Ref>& out,
                             bool all) {
    if (!rr.lazy) {
        in.push_back(all ? all_match(rr.reach) : rr.reach);
        return;
    }
    in.push_back(all ? all_match(rr.match) : rr.match);
    for (dd::Ref e : rr.outside) out.push_back(all ? all_match(e) : e);
}

bool Reachability::reaches_rule(int t, int c, int k, bool all) {
    const RuleReach& rr = chain(t, c).rules[static_cast<std::size_t>(k)];
    if (rr.never || rr.match == dd::zero || (!rr.lazy && rr.reach == dd::zero)) return false;
    std::vector<dd::Ref> in, out;
    add_reach(rr, in, out, all);
    return reaches_through(t, c, in, out, all);
}

dd::Ref Reachability::reach_of(int t, int c, int k) {
    RuleReach& rr = tables_[static_cast<std::size_t>(t)]
                        .chains[static_cast<std::size_t>(c)]
                        .rules[static_cast<std::size_t>(k)];
    if (!rr.lazy) return rr.reach;
    dd::Manager& m = s_.manager();
    rr.reach = m.minus_all(rr.match, rr.outside);
    rr.taken = m.intersect(rr.reach, rr.effect);
    rr.lazy = false;
    rr.outside = {};
    return rr.reach;
}

dd::Ref Reachability::packets(int t, int c, dd::Ref local) {
    const ChainReach& cr = chain(t, c);
    if (cr.built) return s_.manager().intersect(cr.context, local);
    return packets_entering(t, c, local, -1);
}

dd::Ref Reachability::packets_entering(int t, int c, dd::Ref a, int hook) {
    dd::Manager& m = s_.manager();
    const ChainReach& cr = chain(t, c);
    if (a == dd::zero) return dd::zero;
    if (cr.built) return m.intersect(hook < 0 ? cr.entering : cr.by_hook[static_cast<std::size_t>(hook)], a);
    std::vector<dd::Ref> parts;
    for (const auto& [caller, k] : cr.sites) {
        const ChainReach& from = chain(t, caller);
        const dd::Ref r = m.intersect(reach_of(t, caller, k), a);
        if (r == dd::zero) continue;
        // Through the caller: its context, or (built) its entering set per hook.
        if (from.built)
            parts.push_back(hook < 0 ? m.intersect(from.context, r)
                                     : m.intersect(m.intersect(from.context, r),
                                                   from.by_hook[static_cast<std::size_t>(hook)]));
        else
            parts.push_back(packets_entering(t, caller, r, hook));
    }
    if (parts.size() > few_overlaps) return m.minus(dd::one, m.minus_all(dd::one, std::move(parts)));
    dd::Ref out = dd::zero;
    for (dd::Ref p : parts) out = m.unite(out, p);
    return out;
}

namespace {

// The variable levels of a rebuilt: packet levels kept, variable levels replaced by `at_var`.
template <class AtVar>
dd::Ref rebuild_vars(dd::Manager& m, dd::Ref a, std::unordered_map<dd::Ref, dd::Ref>& memo, AtVar&& at_var) {
    if (dd::is_terminal(a)) return a;
    if (auto it = memo.find(a); it != memo.end()) return it->second;
    dd::Ref out;
    const std::uint32_t l = m.level(a);
    if (dd::Space::is_variable(l)) {
        out = at_var(rebuild_vars(m, m.child_for(a, 0), memo, at_var),
                     rebuild_vars(m, m.child_for(a, 1), memo, at_var));
    } else {
        std::vector<uint128> his;
        std::vector<dd::Ref> kids;
        for (std::uint32_t e = 0; e < m.edge_count(a); ++e) {
            his.push_back(m.edge_hi(a, e));
            kids.push_back(rebuild_vars(m, m.edge_child(a, e), memo, at_var));
        }
        out = m.make(l, his, kids);
    }
    memo.emplace(a, out);
    return out;
}

}  // namespace

// The memos live as long as the diagrams (nodes are never freed nor changed), so the reach sets
// of one chain, which share most of their nodes, are quantified once in all.
dd::Ref Reachability::all_match(dd::Ref a) {
    return rebuild_vars(s_.manager(), a, all_match_memo_, [](dd::Ref, dd::Ref yes) { return yes; });
}

dd::Ref Reachability::some(dd::Ref a) {
    dd::Manager& m = s_.manager();
    return rebuild_vars(m, a, some_memo_, [&](dd::Ref no, dd::Ref yes) { return m.unite(no, yes); });
}

dd::Ref Reachability::every(dd::Ref a) {
    dd::Manager& m = s_.manager();
    return rebuild_vars(m, a, every_memo_, [&](dd::Ref no, dd::Ref yes) { return m.intersect(no, yes); });
}

std::vector<std::uint32_t> Reachability::variables_in(dd::Ref a, std::size_t limit, bool& more) const {
    const dd::Manager& m = s_.manager();
    std::vector<std::uint32_t> out;
    std::vector<dd::Ref> stack{a};
    std::unordered_map<dd::Ref, bool> seen;
    more = false;
    while (!stack.empty()) {
        const dd::Ref r = stack.back();
        stack.pop_back();
        if (dd::is_terminal(r) || !seen.emplace(r, true).second) continue;
        const std::uint32_t l = m.level(r);
        if (dd::Space::is_variable(l)) {
            const std::uint32_t v = var_of_level_[l - dd::Space::packet_levels];
            if (std::find(out.begin(), out.end(), v) == out.end()) {
                if (out.size() == limit) {
                    more = true;
                    break;
                }
                out.push_back(v);
            }
        }
        for (std::uint32_t e = 0; e < m.edge_count(r); ++e) stack.push_back(m.edge_child(r, e));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace rulegap::lint
