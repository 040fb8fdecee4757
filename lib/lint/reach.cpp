// The packets that reach each rule (reach.hpp).
#include "lib/lint/reach.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_map>

#include "lib/eval/traversal.hpp"

namespace rulegap::lint {

namespace {

constexpr std::uint32_t none = 0xffffffffu;

bool jumps(Action a) { return a == Action::jump || a == Action::go_to; }

}  // namespace

bool fragments_only(const Rule& r) {
    return std::any_of(r.conditions.begin(), r.conditions.end(), [](const Condition& c) {
        return !c.undecided && c.negated && c.module == "fragment";
    });
}

namespace {

// A rule's bounding box: per packet field, the hull of the values its decided, non-negated
// conditions allow. Two rules whose boxes do not meet match no packet in common.
struct Box {
    std::array<Interval, field_count> dim;
    bool meets(const Box& o) const {
        for (std::size_t f = 0; f < field_count; ++f)
            if (dim[f].hi < o.dim[f].lo || o.dim[f].hi < dim[f].lo) return false;
        return true;
    }
};

Box box_of(const Rule& r) {
    Box b;
    for (Interval& i : b.dim) i = Interval{0, ~uint128{0}};
    for (const Condition& c : r.conditions) {
        if (c.undecided || c.negated) continue;
        for (const FieldRange& fr : c.all_of) {
            Interval& d = b.dim[static_cast<std::size_t>(fr.field)];
            if (fr.values.empty()) {
                d = Interval{1, 0};
                continue;
            }
            uint128 lo = fr.values.front().lo, hi = fr.values.front().hi;
            for (const Interval& v : fr.values) {
                lo = std::min(lo, v.lo);
                hi = std::max(hi, v.hi);
            }
            d.lo = std::max(d.lo, lo);
            d.hi = std::min(d.hi, hi);
        }
    }
    return b;
}

}  // namespace

struct Reachability::Impl {
    Reachability& h;
    dd::Space& s;
    dd::Manager& m;
    const Ruleset& rs;
    const Assumptions& assume;
    std::vector<std::vector<std::vector<dd::Ref>>> own;         // per table, chain, rule: its variables
    std::vector<std::vector<std::vector<dd::Ref>>> target_var;  // unknown targets: their variable
    std::vector<std::vector<dd::Ref>> ret;                      // per table, chain: packets it returns
    std::vector<std::vector<char>> state;                       // local walk: 0 new, 1 being walked, 2 done
    std::map<std::tuple<int, int, int>, dd::Ref> decides_memo;  // (table, chain, verdict)

    Impl(Reachability& owner, const Assumptions& a)
        : h(owner), s(owner.s_), m(owner.s_.manager()), rs(owner.rs_), assume(a) {
        for (const Table& t : rs.tables) {
            own.emplace_back();
            target_var.emplace_back();
            for (const Chain& c : t.chains) {
                own.back().emplace_back(c.rules.size(), none);
                target_var.back().emplace_back(c.rules.size(), none);
            }
            ret.emplace_back(t.chains.size(), dd::one);
            state.emplace_back(t.chains.size(), 0);
        }
    }

    ChainReach& chain_reach(int t, int c) {
        return h.tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
    }

    std::uint32_t slot_of(const Rule& r) const {
        std::uint32_t slot = 0;
        for (const Condition& c : r.conditions)
            if (!c.undecided)
                for (const FieldRange& fr : c.all_of) slot = std::max(slot, s.slot_after(fr.field));
        return slot;
    }

    dd::Ref new_variable(int t, int c, int i, const Rule& r) {
        ReachVariable v;
        v.level = s.add_variable_above(slot_of(r));
        v.table = t;
        v.chain = c;
        v.rule = i;
        h.var_of_level_.resize(v.level - dd::Space::packet_levels + 1, none);
        h.var_of_level_[v.level - dd::Space::packet_levels] = static_cast<std::uint32_t>(h.vars_.size());
        h.vars_.push_back(v);
        const Interval yes{1, 1};
        return m.select(v.level, {&yes, 1}, dd::one, dd::zero);
    }

    Assumptions::RuleState state_of(const Rule& r) const {
        if (r.decidable()) return Assumptions::RuleState::decided;
        return assume.state(r);
    }

    // The rule's undecided conditions, as one variable (dd::one when it has none). One per rule,
    // as explain() forks at each rule: two rules testing the same mark may still disagree (a MARK
    // target between them), so no variable is shared.
    dd::Ref variables_of(int t, int c, int i, const Rule& r) {
        dd::Ref& slot =
            own[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)][static_cast<std::size_t>(i)];
        if (slot != none) return slot;
        // `! -f` holds for the packets modelled, but not for second and later fragments: as
        // far as what the rule takes is concerned, it may not match.
        bool open = std::any_of(r.conditions.begin(), r.conditions.end(), [](const Condition& cond) {
            return !cond.undecided && !cond.negated && cond.module == "fragment";
        });
        if (state_of(r) == Assumptions::RuleState::undecided)
            for (const Condition& cond : r.conditions) open = open || (cond.undecided && !assume.value(cond));
        slot = open ? new_variable(t, c, i, r) : dd::one;
        return slot;
    }

    // An unknown target: does it decide the packet? A variable of its own.
    dd::Ref decides_unknown(int t, int c, int i, const Rule& r) {
        dd::Ref& slot =
            target_var[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)][static_cast<std::size_t>(i)];
        if (slot == none) slot = new_variable(t, c, i, r);
        return slot;
    }

    dd::Ref match_of(int t, int c, int i, const Rule& r) {
        if (state_of(r) == Assumptions::RuleState::never) return dd::zero;
        const dd::Ref test = s.test(r);
        if (test == dd::zero) return dd::zero;
        return m.intersect(test, variables_of(t, c, i, r));
    }

    // The packets chain c returns to its caller (falls off its end, RETURN, or a goto to a chain
    // that returns them). A chain on a jump loop (an input error the reader reports) returns
    // everything while it is being walked: that keeps every "unreachable" claim sound.
    dd::Ref returns(int t, int c) {
        const char st = state[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
        if (st == 1) return dd::one;
        if (st == 0) walk_local(t, c);
        return ret[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
    }

    // Of `reach` (rule i's local reach), what the rule decides; `back`: what goes back to the
    // chain's caller (RETURN, a goto whose chain returns).
    dd::Ref decided_by(int t, int c, int i, const Rule& r, dd::Ref reach, dd::Ref& back) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        back = dd::zero;
        switch (r.target.action) {
            case Action::continue_:
            case Action::notrack:  // not pointwise: walk_global() for the chain's own sets
                return dd::zero;
            case Action::unknown:
                return m.intersect(reach, decides_unknown(t, c, i, r));
            case Action::jump: {
                const int d = eval::jump_target(tab, r);
                if (d < 0) return m.intersect(reach, decides_unknown(t, c, i, r));
                return m.minus(reach, returns(t, d));
            }
            case Action::go_to: {
                const int d = eval::jump_target(tab, r);
                back = m.intersect(reach,
                                   d >= 0 ? returns(t, d) : m.minus(dd::one, decides_unknown(t, c, i, r)));
                return reach;
            }
            case Action::return_:
                back = reach;
                return reach;
            default:
                return reach;  // accept, drop, reject, dnat, snat, redirect
        }
    }

    // Pass 1: the chain's rules as if every packet entered it (callees first, by recursion).
    void walk_local(int t, int c) {
        state[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] = 1;
        const Chain& ch = rs.tables[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
        ChainReach& cr = chain_reach(t, c);
        std::vector<Box> boxes;
        boxes.reserve(ch.rules.size());
        std::vector<std::string> keys;
        dd::Ref back = dd::zero;  // what goes back to the caller, besides falling off the end
        std::vector<dd::Ref> near;
        std::size_t listed = 0;  // effects listed by rules that met many (lazy or minus_all)
        dd::Ref rest = dd::one;  // past the budget: what the rules before rest_at leave
        std::size_t rest_at = 0;
        // The boxes are compared pairwise: a chain longer than this carries the rest throughout.
        const bool scan = ch.rules.size() <= max_scanned_chain;
        for (std::size_t k = 0; k < ch.rules.size(); ++k) {
            const Rule& r = ch.rules[k];
            const int i = static_cast<int>(k);
            boxes.push_back(box_of(r));
            if (h.taken_before_) keys.push_back(action_key(r));
            RuleReach& rr = cr.rules[k];
            if (state_of(r) == Assumptions::RuleState::never || fragments_only(r)) {
                rr.never = true;
                continue;
            }
            rr.match = match_of(t, c, i, r);
            if (rr.match == dd::zero) continue;
            dd::Ref unused = dd::zero;
            rr.effect = decided_by(t, c, i, r, rr.match, unused);
            // What the earlier rules that may share packets with it decide: the packets the
            // rules before it decide are the union of their effects (first match).
            near.clear();
            if (scan)
                for (std::size_t j = 0; j < k; ++j)
                    if (cr.rules[j].effect != dd::zero && boxes[j].meets(boxes[k]))
                        near.push_back(cr.rules[j].effect);
            const bool sends_back = r.target.action == Action::return_ || r.target.action == Action::go_to;
            dd::Ref reach = rr.match;
            if (scan && near.size() <= few_overlaps) {
                for (dd::Ref e : near) reach = m.minus(reach, e);
            } else if (scan && listed + near.size() <= listed_budget) {
                listed += near.size();
                if (!h.taken_before_ && !sends_back) {
                    // Built on demand (Reachability::reach_of): the catch-all rule at the end of a
                    // chain of thousands is reached by a large set that only a finding needs.
                    rr.lazy = true;
                    rr.outside = near;
                    continue;
                }
                reach = m.minus_all(reach, near);
            } else {
                // Many rules that each meet many earlier ones (10,000 undecided accepts): lists
                // would grow with the square of the chain; what the earlier rules leave is
                // carried along it instead, caught up in one pass when a rule needs it.
                std::vector<dd::Ref> since;
                for (; rest_at < k; ++rest_at)
                    if (cr.rules[rest_at].effect != dd::zero) since.push_back(cr.rules[rest_at].effect);
                rest = m.minus_all(rest, std::move(since));
                reach = m.intersect(rr.match, rest);
            }
            rr.reach = reach;
            rr.taken = m.intersect(reach, rr.effect);
            if (sends_back && reach != dd::zero) {
                dd::Ref to_caller = dd::zero;
                decided_by(t, c, i, r, reach, to_caller);
                back = m.unite(back, to_caller);
            }
            if (h.taken_before_) {
                near.clear();
                for (std::size_t j = 0; j < k; ++j)
                    if (cr.rules[j].taken != dd::zero && keys[j] != keys[k] && boxes[j].meets(boxes[k]))
                        near.push_back(cr.rules[j].taken);
                rr.taken_other = m.minus(rr.match, m.minus_all(rr.match, near));
            }
        }
        if (!ch.builtin) {
            std::vector<dd::Ref> all;
            for (const RuleReach& x : cr.rules) all.push_back(x.effect);
            ret[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] =
                m.unite(m.minus_all(dd::one, std::move(all)), back);
        }
        state[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] = 2;
    }

    // A chain with a NOTRACK rule: its sets again, from its entering set, in order (context one).
    void walk_global(int t, int c) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        ChainReach& cr = chain_reach(t, c);
        const dd::Ref untracked = s.test(Field::state, Interval{static_cast<uint128>(ConnState::untracked),
                                                                static_cast<uint128>(ConnState::untracked)});
        dd::Ref rest = cr.entering;
        std::vector<dd::Ref> taken_by;  // per earlier rule
        for (std::size_t k = 0; k < ch.rules.size(); ++k) {
            const Rule& r = ch.rules[k];
            RuleReach& rr = cr.rules[k];
            if (rr.never) {
                taken_by.push_back(dd::zero);
                continue;
            }
            if (h.taken_before_) {
                dd::Ref other = dd::zero;
                for (std::size_t j = 0; j < k; ++j)
                    if (taken_by[j] != dd::zero && action_key(ch.rules[j]) != action_key(r))
                        other = m.unite(other, m.intersect(taken_by[j], rr.match));
                rr.taken_other = other;
            }
            rr.reach = m.intersect(rest, rr.match);
            rr.lazy = false;
            rr.outside.clear();
            dd::Ref back = dd::zero;
            rr.taken =
                rr.reach == dd::zero ? dd::zero : decided_by(t, c, static_cast<int>(k), r, rr.reach, back);
            if (r.target.action == Action::notrack && rr.reach != dd::zero)
                rest = m.unite(rest, m.intersect(m.exists(rr.reach, s.level(Field::state)), untracked));
            rest = m.minus(rest, rr.taken);
            taken_by.push_back(rr.taken);
        }
        cr.context = dd::one;
        // Its sets include packets NOTRACK made untracked: so do its entering sets per hook.
        for (dd::Ref& b : cr.by_hook)
            b = m.unite(b, m.intersect(m.exists(b, s.level(Field::state)), untracked));
    }

    // The base set of a built-in chain of table `name`.
    dd::Ref base(const std::string& name) {
        dd::Ref b = rs.family == 4 || rs.family == 6 ? s.family(rs.family) : s.universe();
        if (name == "raw")
            b = m.intersect(b, s.test(Field::state, Interval{static_cast<uint128>(ConnState::invalid),
                                                             static_cast<uint128>(ConnState::invalid)}));
        if (name == "nat")
            b = m.intersect(b, s.test(Field::state, Interval{static_cast<uint128>(ConnState::new_),
                                                             static_cast<uint128>(ConnState::new_)}));
        return b;
    }

    // Pass 2 for one chain, its call sites all known (callers first): whether packets enter
    // it, and the call sites it sends packets to. Entering sets stay unions over call sites,
    // built only for a finding (Reachability::packets): the union of a catch-all jump's
    // leftovers over a thousand chains is large and nothing but a witness needs it built.
    void finish_chain(int t, int c) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        ChainReach& cr = chain_reach(t, c);
        if (state[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] == 0) walk_local(t, c);
        // A call site whose reach is not built is built when many tests would go through it:
        // the chain has more than a few rules or calls others.
        if (ch.rules.size() > few_overlaps ||
            std::any_of(ch.rules.begin(), ch.rules.end(),
                        [](const Rule& r) { return jumps(r.target.action); }))
            for (const auto& [caller, k] : cr.sites)
                if (chain_reach(t, caller).rules[static_cast<std::size_t>(k)].lazy) h.reach_of(t, caller, k);
        // A chain called from a few sites whose sets are built gets its entering set built: a
        // test of one of its rules is then one diagram operation, not a walk up its callers.
        if (!cr.built && cr.sites.size() <= few_overlaps &&
            std::all_of(cr.sites.begin(), cr.sites.end(), [&](const std::pair<int, int>& st) {
                return chain_reach(t, st.first).built &&
                       !chain_reach(t, st.first).rules[static_cast<std::size_t>(st.second)].lazy;
            })) {
            cr.entering = h.packets_entering(t, c, dd::one, -1);
            for (int hk = 0; hk < 3; ++hk)
                cr.by_hook[static_cast<std::size_t>(hk)] = h.packets_entering(t, c, dd::one, hk);
            cr.built = true;
        }
        if (cr.built) {
            cr.entered = cr.entering != dd::zero;
            cr.context = cr.entering;
        } else {
            cr.entered = std::any_of(cr.sites.begin(), cr.sites.end(), [&](const std::pair<int, int>& st) {
                return h.reaches_rule(t, st.first, st.second, false);
            });
        }
        if (!cr.entered) return;
        if (std::any_of(ch.rules.begin(), ch.rules.end(),
                        [](const Rule& r) { return r.target.action == Action::notrack; })) {
            if (!cr.built) {
                cr.entering = h.packets_entering(t, c, dd::one, -1);
                for (int hk = 0; hk < 3; ++hk)
                    cr.by_hook[static_cast<std::size_t>(hk)] = h.packets_entering(t, c, dd::one, hk);
                cr.built = true;
            }
            walk_global(t, c);
        }
        for (std::size_t k = 0; k < ch.rules.size(); ++k) {
            const Rule& r = ch.rules[k];
            const RuleReach& rr = cr.rules[k];
            if (!jumps(r.target.action) || rr.never || rr.match == dd::zero) continue;
            const int d = eval::jump_target(tab, r);
            if (d < 0 || !h.reaches_rule(t, c, static_cast<int>(k), false)) continue;
            chain_reach(t, d).sites.emplace_back(c, static_cast<int>(k));
        }
    }

    void walk_table(int t) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        TableReach& tr = h.tables_[static_cast<std::size_t>(t)];
        tr.chains.resize(tab.chains.size());
        const std::size_t n = tab.chains.size();
        // The jump graph, and the hooks' entries.
        std::vector<std::vector<int>> callees(n);
        std::vector<int> indegree(n, 0);
        for (std::size_t c = 0; c < n; ++c) {
            ChainReach& cr = tr.chains[c];
            cr.rules.resize(tab.chains[c].rules.size());
            if (tab.chains[c].builtin) cr.referenced = true;
            for (const Rule& r : tab.chains[c].rules)
                if (jumps(r.target.action))
                    if (int d = eval::jump_target(tab, r); d >= 0) {
                        callees[c].push_back(d);
                        tr.chains[static_cast<std::size_t>(d)].referenced = true;
                    }
        }
        for (int hk = 0; hk < 3; ++hk)
            for (const eval::Step& st : eval::steps_for(rs, static_cast<Hook>(hk))) {
                if (st.table != t) continue;
                ChainReach& cr = tr.chains[static_cast<std::size_t>(st.chain)];
                // INPUT packets have no output interface, OUTPUT packets no input interface.
                const dd::Ref none_iface = s.test(Field::in_iface, Interval{0, 0});
                dd::Ref b = base(tab.name);
                if (static_cast<Hook>(hk) == Hook::input)
                    b = m.intersect(b, s.test(Field::out_iface, Interval{0, 0}));
                else if (static_cast<Hook>(hk) == Hook::output)
                    b = m.intersect(b, none_iface);
                else
                    b = m.minus(m.minus(b, none_iface), s.test(Field::out_iface, Interval{0, 0}));
                cr.entering = m.unite(cr.entering, b);
                cr.built = true;
                cr.by_hook[static_cast<std::size_t>(hk)] = b;
            }
        // Callers first (Kahn's order over the chains the entries reach); chains on a loop,
        // never freed, are entered by everything (sound: nothing is called unreachable there).
        std::vector<char> live(n, 0);
        std::vector<int> stack;
        for (std::size_t c = 0; c < n; ++c)
            if (tr.chains[c].built) {
                live[c] = 1;
                stack.push_back(static_cast<int>(c));
            }
        while (!stack.empty()) {
            const int c = stack.back();
            stack.pop_back();
            for (int d : callees[static_cast<std::size_t>(c)])
                if (!live[static_cast<std::size_t>(d)]) {
                    live[static_cast<std::size_t>(d)] = 1;
                    stack.push_back(d);
                }
        }
        for (std::size_t c = 0; c < n; ++c)
            if (live[c])
                for (int d : callees[c]) ++indegree[static_cast<std::size_t>(d)];
        std::vector<int> ready;
        for (std::size_t c = 0; c < n; ++c)
            if (live[c] && indegree[c] == 0) ready.push_back(static_cast<int>(c));
        std::vector<char> done(n, 0);
        while (!ready.empty()) {
            const int c = ready.back();
            ready.pop_back();
            done[static_cast<std::size_t>(c)] = 1;
            finish_chain(t, c);
            for (int d : callees[static_cast<std::size_t>(c)])
                if (--indegree[static_cast<std::size_t>(d)] == 0) ready.push_back(d);
        }
        for (std::size_t c = 0; c < n; ++c)
            if (live[c] && !done[c]) {
                ChainReach& cr = tr.chains[c];
                cr.entering = m.unite(cr.entering, base(tab.name));
                for (dd::Ref& b : cr.by_hook) b = m.unite(b, base(tab.name));
                cr.built = true;
                cr.sites.clear();
                done[c] = 1;
                finish_chain(t, static_cast<int>(c));
            }
    }

    // ---- redundant-later: does the rest of a built-in chain decide a rule's packets alike? ----

    static int verdict_of(Action a) {
        return a == Action::accept ? 0 : a == Action::drop ? 1 : a == Action::reject ? 2 : -1;
    }

    // The packets a user chain decides with verdict v (0 accept, 1 drop, 2 reject): the rules
    // bottom-up, packets it returns (falls off, RETURN) not included. Memoised per chain.
    dd::Ref decides(int t, int c, int v, int depth) {
        auto key = std::tuple{t, c, v};
        if (auto it = decides_memo.find(key); it != decides_memo.end()) return it->second;
        const Chain& ch = rs.tables[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
        dd::Ref out = dd::zero;
        for (std::size_t j = ch.rules.size(); j-- > 0;) out = decides_step(t, c, j, v, out, dd::zero, depth);
        decides_memo.emplace(key, out);
        return out;
    }

    // Rule j of chain c prepended to `rest` (what the rules after it decide v); `after`: what a
    // RETURN leads to. What cannot be told (NOTRACK, nat targets, unknown targets, a jump loop)
    // counts as not v, so a claim built on it is never too strong.
    dd::Ref decides_step(int t, int c, std::size_t j, int v, dd::Ref rest, dd::Ref after, int depth) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Rule& r = tab.chains[static_cast<std::size_t>(c)].rules[j];
        if (state_of(r) == Assumptions::RuleState::never || fragments_only(r)) return rest;
        const dd::Ref mt = match_of(t, c, static_cast<int>(j), r);
        if (mt == dd::zero) return rest;
        switch (r.target.action) {
            case Action::continue_:
                return rest;
            case Action::accept:
            case Action::drop:
            case Action::reject:
                return m.ite(mt, verdict_of(r.target.action) == v ? dd::one : dd::zero, rest);
            case Action::return_:
                return m.ite(mt, after, rest);
            case Action::jump:
            case Action::go_to: {
                const int d = eval::jump_target(tab, r);
                if (d < 0 || depth > eval::max_fork_depth) return m.minus(rest, mt);
                const dd::Ref back = r.target.action == Action::jump ? rest : after;
                const dd::Ref inside = decides(t, d, v, depth + 1);
                return m.ite(mt, m.unite(inside, m.intersect(returns(t, d), back)), rest);
            }
            default:
                return m.minus(rest, mt);
        }
    }

    // Built-in chains (not nat): which accept/drop/reject rules the rules after them and the
    // policy decide alike (RuleReach::decided_later).
    void judge_later(int t, int c) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        ChainReach& cr = chain_reach(t, c);
        if (!ch.builtin || tab.name == "nat" || !cr.entered) return;
        const int policy = verdict_of(ch.policy.value_or(Action::accept));
        std::array<dd::Ref, 3> suffix{};
        for (int v = 0; v < 3; ++v) suffix[static_cast<std::size_t>(v)] = policy == v ? dd::one : dd::zero;
        for (std::size_t j = ch.rules.size(); j-- > 0;) {
            RuleReach& rr = cr.rules[j];
            const int v = verdict_of(ch.rules[j].target.action);
            if (v >= 0 && rr.reach != dd::zero && !rr.never) {
                const dd::Ref reach = h.packets(t, c, rr.reach);
                rr.decided_later =
                    reach != dd::zero && m.minus(reach, suffix[static_cast<std::size_t>(v)]) == dd::zero;
            }
            for (int w = 0; w < 3; ++w) {
                dd::Ref& sw = suffix[static_cast<std::size_t>(w)];
                sw = decides_step(t, c, j, w, sw, policy == w ? dd::one : dd::zero, 0);
            }
        }
    }
};

Reachability::Reachability(dd::Space& space, const Ruleset& ruleset, const Assumptions& assume,
                           bool taken_before)
    : s_(space), rs_(ruleset), taken_before_(taken_before) {
    Impl impl(*this, assume);
    tables_.resize(rs_.tables.size());
    for (std::size_t t = 0; t < rs_.tables.size(); ++t) impl.walk_table(static_cast<int>(t));
    if (taken_before)
        for (std::size_t t = 0; t < rs_.tables.size(); ++t)
            for (std::size_t c = 0; c < rs_.tables[t].chains.size(); ++c)
                impl.judge_later(static_cast<int>(t), static_cast<int>(c));
}

std::string Reachability::action_key(const Rule& r) {
    switch (r.target.action) {
        case Action::accept:
        case Action::drop:
        case Action::reject:
        case Action::return_:
            return std::string(to_string(r.target.action));
        case Action::jump:
        case Action::go_to:
            return std::string(to_string(r.target.action)) + " " + std::string(r.target.name);
        default:
            return std::string(r.target.name) + " " + std::string(r.target.options);
    }
}

}  // namespace rulegap::lint
