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

struct Reachability::Impl {
    Reachability& h;
    dd::Space& s;
    dd::Manager& m;
    const Ruleset& rs;
    const Assumptions& assume;
    std::vector<std::vector<std::vector<dd::Ref>>> own;         // per table, chain, rule: its variables
    std::vector<std::vector<std::vector<dd::Ref>>> target_var;  // unknown targets: their variable
    std::vector<std::vector<dd::Ref>> ret;                      // per table, chain: packets it returns
    std::vector<std::vector<dd::Ref>> ret_all;                  // the same, every variable 1
    std::vector<std::vector<char>> ret_state;
    std::map<std::tuple<int, int, int>, dd::Ref>
        decides_memo;  // (table, chain, verdict)                   // 0 new, 1 being computed, 2 done

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
            ret_all.emplace_back(t.chains.size(), none);
            ret_state.emplace_back(t.chains.size(), 0);
        }
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

    // The packets chain c returns to its caller (falls off its end, or RETURN), bottom-up.
    // A chain on a jump loop (an input error the reader reports) returns everything: that
    // keeps every "unreachable" claim sound.
    dd::Ref returns(int t, int c) {
        char& st = ret_state[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
        dd::Ref& out = ret[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
        if (st == 2) return out;
        if (st == 1) return dd::one;
        st = 1;
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        dd::Ref r = dd::one;
        for (std::size_t k = ch.rules.size(); k-- > 0;) {
            const Rule& rule = ch.rules[k];
            const int i = static_cast<int>(k);
            const dd::Ref mt = match_of(t, c, i, rule);
            if (mt == dd::zero) continue;
            switch (rule.target.action) {
                case Action::continue_:
                case Action::notrack:
                    break;
                case Action::return_:
                    r = m.ite(mt, dd::one, r);
                    break;
                case Action::unknown:
                    r = m.minus(r, m.intersect(mt, decides_unknown(t, c, i, rule)));
                    break;
                case Action::jump: {
                    const int d = eval::jump_target(tab, rule);
                    if (d >= 0)
                        r = m.minus(r, m.minus(mt, returns(t, d)));
                    else
                        r = m.minus(r, m.intersect(mt, decides_unknown(t, c, i, rule)));
                    break;
                }
                case Action::go_to: {
                    const int d = eval::jump_target(tab, rule);
                    r = m.ite(mt, d >= 0 ? returns(t, d) : m.minus(dd::one, decides_unknown(t, c, i, rule)),
                              r);
                    break;
                }
                default:
                    r = m.minus(r, mt);
                    break;  // accept, drop, reject, dnat, snat, redirect
            }
        }
        out = r;
        st = 2;
        return r;
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
                cr.entering_all = m.unite(cr.entering_all, b);
                cr.entered = true;
                cr.by_hook[static_cast<std::size_t>(hk)] = b;
            }
        // Callers first (Kahn's order over the chains the entries reach); chains on a loop,
        // never freed, are entered by everything (sound: nothing is called unreachable there).
        std::vector<char> live(n, 0);
        std::vector<int> stack;
        for (std::size_t c = 0; c < n; ++c)
            if (tr.chains[c].entered) {
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
        auto finish = [&](int c) {
            done[static_cast<std::size_t>(c)] = 1;
            walk_chain(t, c);
            for (int d : callees[static_cast<std::size_t>(c)])
                if (--indegree[static_cast<std::size_t>(d)] == 0) ready.push_back(d);
        };
        while (!ready.empty()) {
            const int c = ready.back();
            ready.pop_back();
            finish(c);
        }
        for (std::size_t c = 0; c < n; ++c)
            if (live[c] && !done[c]) {
                ChainReach& cr = tr.chains[c];
                cr.entering = m.unite(cr.entering, base(tab.name));
                cr.entering_all = m.unite(cr.entering_all, base(tab.name));
                for (dd::Ref& b : cr.by_hook) b = m.unite(b, base(tab.name));
                cr.entered = true;
                done[c] = 1;
                walk_chain(t, static_cast<int>(c));
            }
    }

    void enter(int t, int d, dd::Ref packets, dd::Ref packets_all, const ChainReach& from) {
        ChainReach& cr = h.tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(d)];
        cr.entering_all = m.unite(cr.entering_all, packets_all);
        if (packets == dd::zero) return;
        cr.entered = true;
        cr.entering = m.unite(cr.entering, packets);
        for (std::size_t k = 0; k < 3; ++k)
            if (from.by_hook[k] != dd::zero)
                cr.by_hook[k] = m.unite(cr.by_hook[k], m.intersect(packets, from.by_hook[k]));
    }

    // One rule of the walk with every variable 1 (every undecided match matches, every unknown
    // target decides): what reaches it (reach_all), and what is left after it.
    dd::Ref walk_all(int t, const Table& tab, const Rule& r, dd::Ref rest_all, dd::Ref& reach_all,
                     const ChainReach& cr) {
        const dd::Ref test = s.test(r);
        reach_all = m.intersect(rest_all, test);
        if (reach_all == dd::zero) return rest_all;
        switch (r.target.action) {
            case Action::continue_:
                return rest_all;
            case Action::notrack: {
                const dd::Ref untracked =
                    s.test(Field::state, Interval{static_cast<uint128>(ConnState::untracked),
                                                  static_cast<uint128>(ConnState::untracked)});
                return m.unite(rest_all, m.intersect(m.exists(reach_all, s.level(Field::state)), untracked));
            }
            case Action::jump: {
                const int d = eval::jump_target(tab, r);
                if (d < 0) return m.minus(rest_all, reach_all);
                enter(t, d, dd::zero, reach_all, cr);
                return m.minus(rest_all, m.minus(reach_all, returns_all(t, d)));
            }
            case Action::go_to: {
                const int d = eval::jump_target(tab, r);
                if (d >= 0) enter(t, d, dd::zero, reach_all, cr);
                return m.minus(rest_all, reach_all);
            }
            default:
                return m.minus(rest_all, reach_all);  // accept, drop, ..., unknown (decides)
        }
    }

    dd::Ref returns_all(int t, int c) {
        dd::Ref& out = ret_all[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)];
        if (out == none) out = h.all_match(returns(t, c));
        return out;
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
        const RuleReach& rr =
            h.tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)].rules[j];
        if (rr.never) return rest;
        // Rules of chains the walk never entered have no match yet.
        const dd::Ref mt = rr.match != dd::zero ? rr.match : match_of(t, c, static_cast<int>(j), r);
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
        ChainReach& cr = h.tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
        if (!ch.builtin || tab.name == "nat" || !cr.entered) return;
        const int policy = verdict_of(ch.policy.value_or(Action::accept));
        std::array<dd::Ref, 3> suffix{};
        for (int v = 0; v < 3; ++v) suffix[static_cast<std::size_t>(v)] = policy == v ? dd::one : dd::zero;
        for (std::size_t j = ch.rules.size(); j-- > 0;) {
            RuleReach& rr = cr.rules[j];
            const int v = verdict_of(ch.rules[j].target.action);
            if (v >= 0 && rr.reach != dd::zero && !rr.never)
                rr.decided_later = m.minus(rr.reach, suffix[static_cast<std::size_t>(v)]) == dd::zero;
            for (int w = 0; w < 3; ++w) {
                dd::Ref& sw = suffix[static_cast<std::size_t>(w)];
                sw = decides_step(t, c, j, w, sw, policy == w ? dd::one : dd::zero, 0);
            }
        }
    }

    void walk_chain(int t, int c) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        ChainReach& cr = h.tables_[static_cast<std::size_t>(t)].chains[static_cast<std::size_t>(c)];
        const dd::Ref untracked = s.test(Field::state, Interval{static_cast<uint128>(ConnState::untracked),
                                                                static_cast<uint128>(ConnState::untracked)});
        dd::Ref rest = cr.entering;
        dd::Ref rest_all = cr.entering_all;        // the same with every variable 1
        std::map<std::string, dd::Ref> by_action;  // decided so far, per action key
        for (std::size_t k = 0; k < ch.rules.size(); ++k) {
            const Rule& r = ch.rules[k];
            const int i = static_cast<int>(k);
            RuleReach& rr = cr.rules[k];
            const std::string key = h.taken_before_ ? action_key(r) : std::string();
            if (h.taken_before_) {
                rr.taken_before = m.minus(cr.entering, rest);
                auto same = by_action.find(key);
                rr.taken_before_same = same == by_action.end() ? dd::zero : same->second;
            }
            if (state_of(r) == Assumptions::RuleState::never || fragments_only(r)) {
                rr.never = true;
                continue;
            }
            rr.match = match_of(t, c, i, r);
            rr.target = m.intersect(cr.entering, rr.match);
            rr.reach = m.intersect(rest, rr.match);
            if (rr.reach == dd::zero) continue;
            rest_all = walk_all(t, tab, r, rest_all, rr.reach_all, cr);
            dd::Ref taken = dd::zero;
            switch (r.target.action) {
                case Action::continue_:
                    break;
                case Action::notrack: {
                    // The packets go on, untracked from here (sound over-approximation: every
                    // state value of theirs stays, plus untracked).
                    dd::Ref moved = rr.reach;
                    moved = m.exists(moved, s.level(Field::state));
                    rest = m.unite(rest, m.intersect(moved, untracked));
                    break;
                }
                case Action::unknown:
                    taken = m.intersect(rr.reach, decides_unknown(t, c, i, r));
                    break;
                case Action::jump: {
                    const int d = eval::jump_target(tab, r);
                    if (d < 0) {
                        taken = m.intersect(rr.reach, decides_unknown(t, c, i, r));
                        break;
                    }
                    enter(t, d, rr.reach, dd::zero, cr);
                    taken = m.minus(rr.reach, returns(t, d));
                    break;
                }
                case Action::go_to: {
                    const int d = eval::jump_target(tab, r);
                    if (d >= 0) enter(t, d, rr.reach, dd::zero, cr);
                    taken = rr.reach;
                    break;
                }
                default:
                    taken = rr.reach;
                    break;  // accept, drop, reject, return, dnat, snat, redirect
            }
            rr.taken = taken;
            if (taken != dd::zero) {
                rest = m.minus(rest, taken);
                if (h.taken_before_) {
                    auto [acc, fresh] = by_action.try_emplace(key, dd::zero);
                    acc->second = m.unite(acc->second, taken);
                }
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
