// A hook's traversal compiled into one decision diagram (compile.hpp).
//
// Terminals of a chain's function (Term): `ret` (falls off the end or RETURN: the caller goes
// on), `accept` (ACCEPT/SNAT in this table: the next step goes on), and the final drop / reject /
// unknown / done. A DNAT leads straight to the rest of the traversal (after its step) read at
// the new destination, so chains are compiled once per step, after the steps that follow. `untracked` marks
// the packets a NOTRACK made untracked on the way: whoever goes on reads its function at state untracked.
// After the last step, accepted packets carry the deciders (filter, other, nat), as eval::Deciders does.
#include "lib/eval/compile.hpp"

#include <algorithm>
#include <unordered_map>

namespace rulegap::eval {

namespace {

using Node = dd::Ref;

enum class Kind : std::uint8_t { ret, accept, drop, reject, unknown, done };

struct Term {
    Kind kind = Kind::ret;
    bool untracked = false;
    Ref at;
    std::uint32_t reason = 0;  // unknown: index into the reasons
    Ref filter, other, nat;    // done
};

using TermKey =
    std::tuple<int, bool, int, int, int, std::uint32_t, int, int, int, int, int, int, int, int, int>;
TermKey key_of(const Term& t) {
    return {static_cast<int>(t.kind),
            t.untracked,
            t.at.step,
            t.at.chain,
            t.at.rule,
            t.reason,
            t.filter.step,
            t.filter.chain,
            t.filter.rule,
            t.other.step,
            t.other.chain,
            t.other.rule,
            t.nat.step,
            t.nat.chain,
            t.nat.rule};
}

constexpr std::uint32_t no_var = 0xffffffffu;
constexpr std::uint32_t mixed = 4;  // verdicts 0..3, then "the choices disagree"

}  // namespace

struct CompiledHook::Impl {
    CompiledHook& h;
    dd::Space& s;
    dd::Manager& m;
    const Ruleset& rs;
    Hook hook;
    CompileOptions opt;

    std::vector<Term> terms;
    std::map<TermKey, std::uint32_t> term_ids;
    std::vector<std::string> reasons;
    std::map<std::string, std::uint32_t> reason_ids;

    // Per step, per chain of its table (a DNAT's outcome is the rest of the traversal after
    // that step, so chains are not shared between steps).
    std::vector<std::vector<std::optional<Node>>> memo;
    Node next_steps = dd::zero;  // while compiling a step: the traversal after it
    // Per table, per chain.
    std::vector<std::vector<char>> loopy;                   // can reach a jump loop
    std::vector<std::vector<std::vector<Node>>> rule_vars;  // per rule: its variables' conjunction
    std::map<std::string, std::uint32_t> shared;            // (module, reason) -> variable index
    std::vector<std::uint32_t> var_of_level;                // level - packet levels -> variable

    std::uint32_t op_seq, op_untrack, op_step, op_verdict, op_agree, op_vres, op_differ, op_both_unknown;
    std::vector<Node> vres_memo;  // per raw node: vres, no_var when not known yet
    std::vector<Node> zres_memo;  // per raw node: zres, no_var when not known yet
    std::vector<Node> bad_memo;   // per variable: its bad() terminal
    std::map<std::tuple<int, int, int, int>, std::uint32_t> merge_ops;
    std::map<std::tuple<int, int, int>, std::uint32_t> mix_ops;
    std::map<std::tuple<int, int, int, Node>, Node> rewrites;
    std::unordered_map<Node, bool> returns_untracked_memo;
    std::unordered_map<std::uint64_t, bool> merge_changes;  // (d, slot): merge() changes a term of d

    Node untracked_set, new_set, has_ports;

    Impl(CompiledHook& hook_, dd::Space& space, const Ruleset& ruleset, Hook hk, CompileOptions o)
        : h(hook_), s(space), m(space.manager()), rs(ruleset), hook(hk), opt(o) {
        op_seq = m.new_op();
        op_untrack = m.new_op();
        op_step = m.new_op();
        op_verdict = m.new_op();
        op_agree = m.new_op();
        op_vres = m.new_op();
        op_differ = m.new_op();
        op_both_unknown = m.new_op();
        untracked_set = s.test(Field::state, Interval{4, 4});
        new_set = s.test(Field::state, Interval{0, 0});
        std::vector<Interval> ports;
        for (unsigned p = 0; p < 256; ++p)
            if (protocol_has_ports(static_cast<std::uint8_t>(p))) ports.push_back({p, p});
        has_ports = s.test(Field::protocol, ports);
        for (const Step& st : h.steps_) memo.emplace_back(table_of(rs, st).chains.size());
        for (const Table& t : rs.tables) {
            loopy.emplace_back(t.chains.size(), 0);
            rule_vars.emplace_back();
            for (const Chain& c : t.chains) rule_vars.back().emplace_back(c.rules.size(), no_var);
        }
        for (std::size_t t = 0; t < rs.tables.size(); ++t) find_loops(static_cast<int>(t));
    }

    // ---- terms -------------------------------------------------------------------------------
    std::uint32_t reason_id(const std::string& r) {
        auto [it, fresh] = reason_ids.try_emplace(r, static_cast<std::uint32_t>(reasons.size()));
        if (fresh) reasons.push_back(r);
        return it->second;
    }
    Node leaf(const Term& t) {
        auto [it, fresh] = term_ids.try_emplace(key_of(t), static_cast<std::uint32_t>(terms.size()));
        if (fresh) terms.push_back(t);
        return dd::terminal(it->second);
    }
    Node leaf(Kind k, Ref at = {}, bool untracked = false) {
        Term t;
        t.kind = k;
        t.at = at;
        t.untracked = untracked;
        return leaf(t);
    }
    Node unknown(Ref at, const std::string& reason) {
        Term t;
        t.kind = Kind::unknown;
        t.at = at;
        t.reason = reason_id(reason);
        return leaf(t);
    }
    const Term& term(Node n) const { return terms[dd::terminal_value(n)]; }

    // ---- loops and variables -----------------------------------------------------------------
    void find_loops(int t) {
        const Table& tab = rs.tables[static_cast<std::size_t>(t)];
        std::vector<char> state(tab.chains.size(), 0);  // 0 new, 1 on the stack, 2 done
        std::vector<int> stack;
        auto visit = [&](auto&& self, int c) -> void {
            state[static_cast<std::size_t>(c)] = 1;
            stack.push_back(c);
            for (const Rule& r : tab.chains[static_cast<std::size_t>(c)].rules) {
                if (r.target.action != Action::jump && r.target.action != Action::go_to) continue;
                int d = jump_target(tab, r);
                if (d < 0) continue;
                char st = state[static_cast<std::size_t>(d)];
                if (st == 0) self(self, d);
                if (st == 1) {  // a loop: every chain on the stack from d up
                    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
                        loopy[static_cast<std::size_t>(t)][static_cast<std::size_t>(*it)] = 1;
                        if (*it == d) break;
                    }
                }
                if (loopy[static_cast<std::size_t>(t)][static_cast<std::size_t>(d)])
                    loopy[static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] = 1;
            }
            stack.pop_back();
            state[static_cast<std::size_t>(c)] = 2;
        };
        for (std::size_t c = 0; c < tab.chains.size(); ++c)
            if (state[c] == 0) visit(visit, static_cast<int>(c));
    }

    // The slot of a rule's variables (CompileOptions::placement).
    std::uint32_t slot_of(const Rule& r) const {
        switch (opt.placement) {
            case CompileOptions::Placement::top:
                return 0;
            case CompileOptions::Placement::bottom:
                return dd::Space::packet_levels;
            case CompileOptions::Placement::after_match:
                break;
        }
        std::uint32_t slot = 0;
        for (const Condition& c : r.conditions)
            if (!c.undecided)
                for (const FieldRange& fr : c.all_of) slot = std::max(slot, s.slot_after(fr.field));
        return slot;
    }

    Node new_variable(Ref at, const Rule& r, std::string module, std::string reason, bool is_shared) {
        Variable v;
        v.level = s.add_variable(slot_of(r));
        v.at = at;
        v.module = std::move(module);
        v.reason = std::move(reason);
        v.shared = is_shared;
        var_of_level.resize(v.level - dd::Space::packet_levels + 1, no_var);
        var_of_level[v.level - dd::Space::packet_levels] = static_cast<std::uint32_t>(h.vars_.size());
        h.vars_.push_back(std::move(v));
        Interval yes{1, 1};
        return m.select(h.vars_.back().level, {&yes, 1}, dd::one, dd::zero);
    }

    // The variables of an undecided rule, as one condition (made on first use).
    Node variables_of(Ref at, const Rule& r) {
        int t = h.steps_[static_cast<std::size_t>(at.step)].table;
        Node& slot = rule_vars[static_cast<std::size_t>(t)][static_cast<std::size_t>(at.chain)]
                              [static_cast<std::size_t>(at.rule)];
        if (slot != no_var) return slot;
        Node conj = dd::one;
        bool per_rule = false;
        for (const Condition& c : r.conditions) {
            if (!c.undecided || (opt.assume && opt.assume->value(c))) continue;
            if (!opt.share_property_variables || !property_module(c.module)) {
                per_rule = true;
                continue;
            }
            std::string key = c.module + '\n' + c.reason;
            auto it = shared.find(key);
            Node v;
            if (it == shared.end()) {
                shared.emplace(key, static_cast<std::uint32_t>(h.vars_.size()));
                v = new_variable(at, r, c.module, c.reason, true);
            } else {
                Interval yes{1, 1};
                v = m.select(h.vars_[it->second].level, {&yes, 1}, dd::one, dd::zero);
            }
            conj = m.intersect(conj, v);
        }
        if (per_rule) {
            Cause cause = first_undecided(r, opt.assume);
            conj = m.intersect(conj, new_variable(at, r, cause.module, cause.why, false));
        }
        slot = conj;
        return conj;
    }

    // Variables in traversal order: depth first from each step's built-in chain, rule by rule.
    void assign_variables() {
        std::vector<std::vector<char>> seen;
        for (const Table& t : rs.tables) seen.emplace_back(t.chains.size(), 0);
        for (std::size_t k = 0; k < h.steps_.size(); ++k) {
            const Step& st = h.steps_[k];
            const Table& tab = table_of(rs, st);
            auto visit = [&](auto&& self, int c) -> void {
                char& done = seen[static_cast<std::size_t>(st.table)][static_cast<std::size_t>(c)];
                if (done) return;
                done = 1;
                const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
                for (std::size_t i = 0; i < ch.rules.size(); ++i) {
                    const Rule& r = ch.rules[i];
                    if (r.target.action != Action::continue_ &&
                        state_of(r) == Assumptions::RuleState::undecided)
                        variables_of(Ref{static_cast<int>(k), c, static_cast<int>(i)}, r);
                    if (r.target.action == Action::jump || r.target.action == Action::go_to)
                        if (int d = jump_target(tab, r); d >= 0) self(self, d);
                }
            };
            visit(visit, st.chain);
        }
    }

    Assumptions::RuleState state_of(const Rule& r) const {
        if (r.decidable()) return Assumptions::RuleState::decided;
        return opt.assume ? opt.assume->state(r) : Assumptions::RuleState::undecided;
    }

    // ---- chains ------------------------------------------------------------------------------
    // f read at state untracked, and everything that goes on from it marked untracked.
    Node untrack(Node f) {
        Node c = m.cofactor(f, s.level(Field::state), static_cast<uint128>(ConnState::untracked));
        return m.map(op_untrack, c, [&](std::uint32_t v) {
            Term t = terms[v];
            if (t.kind == Kind::ret || t.kind == Kind::accept) t.untracked = true;
            return leaf(t);
        });
    }

    bool returns_untracked(Node f) {
        auto it = returns_untracked_memo.find(f);
        if (it != returns_untracked_memo.end()) return it->second;
        bool any = false;
        for (std::uint32_t v : m.terminals(f))
            any = any || (terms[v].kind == Kind::ret && terms[v].untracked);
        returns_untracked_memo.emplace(f, any);
        return any;
    }

    Node compile_chain(int k, int c, std::vector<int>& path) {
        const Step& st = h.steps_[static_cast<std::size_t>(k)];
        const std::size_t t = static_cast<std::size_t>(st.table);
        const Table& tab = rs.tables[t];
        const Chain& ch = tab.chains[static_cast<std::size_t>(c)];
        const bool memoise = !loopy[t][static_cast<std::size_t>(c)];
        std::optional<Node>& memo_slot = memo[static_cast<std::size_t>(k)][static_cast<std::size_t>(c)];
        if (memoise && memo_slot) return *memo_slot;
        path.push_back(c);
        const Node ret = leaf(Kind::ret);
        Node rest = ret;
        for (std::size_t i = ch.rules.size(); i-- > 0;) {
            const Rule& r = ch.rules[i];
            const Action a = r.target.action;
            if (a == Action::continue_) continue;
            const Assumptions::RuleState state = state_of(r);
            if (state == Assumptions::RuleState::never) continue;
            Node match = s.test(r);
            if (match == dd::zero) continue;
            const Ref at{k, c, static_cast<int>(i)};
            if (state == Assumptions::RuleState::undecided) match = m.intersect(match, variables_of(at, r));
            Node then_ = dd::zero;
            switch (a) {
                case Action::accept:
                case Action::snat:
                    then_ = leaf(Kind::accept, at);
                    break;
                case Action::drop:
                    then_ = leaf(Kind::drop, at);
                    break;
                case Action::reject:
                    then_ = leaf(Kind::reject, at);
                    break;
                case Action::unknown:
                    then_ = unknown(at, unknown_target_reason(rs, r));
                    break;
                case Action::return_:
                    then_ = ret;
                    break;
                case Action::continue_:
                    break;
                case Action::jump:
                case Action::go_to: {
                    int target = jump_target(tab, r);
                    if (target < 0) {
                        then_ = unknown(at, unknown_target_reason(rs, r));
                        break;
                    }
                    if (std::find(path.begin(), path.end(), target) != path.end()) {
                        then_ = unknown(at, loop_reason(rs, tab, r));
                        break;
                    }
                    Node callee = compile_chain(k, target, path);
                    if (a == Action::go_to) {
                        then_ = callee;  // its returns are this chain's
                        break;
                    }
                    // The callee where the rule matches, else "returns at once"; then the rest.
                    Node guarded = m.ite(match, callee, ret);
                    Node rest_u = returns_untracked(guarded) ? untrack(rest) : rest;
                    rest = m.apply3(op_seq, guarded, rest, rest_u,
                                    [&](Node x, Node y, Node yu) -> std::optional<Node> {
                                        if (!dd::is_terminal(x)) return std::nullopt;
                                        const Term& tx = term(x);
                                        if (tx.kind == Kind::ret) return tx.untracked ? yu : y;
                                        return x;
                                    });
                    continue;
                }
                case Action::notrack: {
                    Node change = m.minus(match, untracked_set);  // already untracked: no change
                    if (change != dd::zero) rest = m.ite(change, untrack(rest), rest);
                    continue;
                }
                case Action::redirect:
                    if (hook == Hook::forward) {
                        then_ = unknown(at, redirect_reason(rs, r));
                        break;
                    }
                    [[fallthrough]];
                case Action::dnat:
                    then_ = merge(at, rewrite(at, next_steps));
                    break;
            }
            rest = m.ite(match, then_, rest);
        }
        path.pop_back();
        if (memoise) memo_slot = rest;
        return rest;
    }

    // ---- steps -------------------------------------------------------------------------------
    const Rule& rule_at(Ref at) const {
        const Step& st = h.steps_[static_cast<std::size_t>(at.step)];
        return chain_at(rs, st, at.chain).rules[static_cast<std::size_t>(at.rule)];
    }

    // The rest of the traversal, d, with `at` as an accepting decider before it. A done term
    // keeps only the deciders Deciders::pick() can still choose (filter, else other, else
    // nat), so a decider that cannot be picked changes nothing, and d is returned as it is.
    static bool takes(const Term& t, int slot) {
        if (t.kind != Kind::done || t.filter.valid()) return false;
        if (slot == 0) return true;
        if (t.other.valid()) return false;
        return slot == 1 || !t.nat.valid();
    }
    Node merge(Ref at, Node d) {
        const std::string& table = table_of(rs, h.steps_[static_cast<std::size_t>(at.step)]).name;
        int slot = table == "filter" ? 0 : table == "nat" ? 2 : 1;
        auto [ct, first] =
            merge_changes.try_emplace((std::uint64_t{d} << 2) | static_cast<std::uint64_t>(slot), false);
        if (first)
            for (std::uint32_t v : m.terminals(d)) ct->second = ct->second || takes(terms[v], slot);
        if (!ct->second) return d;
        auto [it, fresh] = merge_ops.try_emplace({slot, at.step, at.chain, at.rule}, 0);
        if (fresh) it->second = m.new_op();
        return m.map(it->second, d, [&](std::uint32_t v) {
            Term t = terms[v];
            if (takes(t, slot)) {  // a later decider of the same kind wins: only unset ones are set
                (slot == 0 ? t.filter : slot == 2 ? t.nat : t.other) = at;
                if (slot <= 1) t.nat = Ref{};
                if (slot == 0) t.other = Ref{};
            }
            return leaf(t);
        });
    }

    Node verdicts(Node d) {
        return m.map(op_verdict, d, [&](std::uint32_t v) {
            switch (terms[v].kind) {
                case Kind::done:
                    return dd::terminal(static_cast<std::uint32_t>(Verdict::accept));
                case Kind::drop:
                    return dd::terminal(static_cast<std::uint32_t>(Verdict::drop));
                case Kind::reject:
                    return dd::terminal(static_cast<std::uint32_t>(Verdict::reject));
                default:
                    return dd::terminal(static_cast<std::uint32_t>(Verdict::unknown));
            }
        });
    }

    // The rest of the traversal, d, for packets rewritten by `at` (DNAT, REDIRECT). A range of
    // destinations: the verdict of the lowest, if all of them agree; else unknown at the rule.
    Node rewrite_with(Ref at, Node d, bool ports) {
        const Target& tg = rule_at(at).target;
        const bool addr = rewrites_address(tg);
        const bool port = ports && rewrites_port(tg);
        Node r = d;
        if (addr) r = m.cofactor(r, s.level(Field::dst_addr), tg.to_address->lo);
        if (port) r = m.cofactor(r, s.level(Field::dst_port), tg.to_port->lo);
        const bool addr_range = addr && tg.to_address->lo != tg.to_address->hi;
        const bool port_range = port && tg.to_port->lo != tg.to_port->hi;
        if (!addr_range && !port_range) return r;
        auto agree = [](Node x, Node y) -> std::optional<Node> {
            if (x == y) return x;
            if (dd::is_terminal(x) && dd::is_terminal(y)) return dd::terminal(mixed);
            if (x == dd::terminal(mixed) || y == dd::terminal(mixed)) return dd::terminal(mixed);
            return std::nullopt;
        };
        Node v = verdicts(d);
        if (addr)
            v = addr_range ? m.fold_level(v, s.level(Field::dst_addr), *tg.to_address, op_agree, agree)
                           : m.cofactor(v, s.level(Field::dst_addr), tg.to_address->lo);
        if (port)
            v = port_range ? m.fold_level(v, s.level(Field::dst_port), *tg.to_port, op_agree, agree)
                           : m.cofactor(v, s.level(Field::dst_port), tg.to_port->lo);
        Node bad = unknown(at, dnat_range_reason(rs, rule_at(at)));
        auto [it, fresh] = mix_ops.try_emplace({at.step, at.chain, at.rule}, 0);
        if (fresh) it->second = m.new_op();
        return m.apply(it->second, v, r, [&](Node x, Node y) -> std::optional<Node> {
            if (!dd::is_terminal(x)) return std::nullopt;
            return x == dd::terminal(mixed) ? bad : y;
        });
    }

    Node rewrite(Ref at, Node d) {
        auto [it, fresh] = rewrites.try_emplace({at.step, at.chain, at.rule, d}, dd::zero);
        if (!fresh) return it->second;
        const Target& tg = rule_at(at).target;
        Node out = d;
        if (rewrites_address(tg) || rewrites_port(tg)) {
            Node without = rewrite_with(at, d, false);
            out = rewrites_port(tg) ? m.ite(has_ports, rewrite_with(at, d, true), without) : without;
        }
        rewrites[{at.step, at.chain, at.rule, d}] = out;
        return out;
    }

    Node compile() {
        assign_variables();
        Term done;
        done.kind = Kind::done;
        Node g = leaf(done);
        for (std::size_t k = h.steps_.size(); k-- > 0;) {
            const Step& st = h.steps_[k];
            std::vector<int> path;
            next_steps = g;
            Node c = compile_chain(static_cast<int>(k), st.chain, path);
            // The raw table's chains were compiled over the state as raw sees it (traversal.hpp,
            // raw_view_state): untracked where a NOTRACK fired on the way (untrack() reads the
            // rest there), else invalid, whatever the packet's own state. Raw is its hook's first
            // step, so a packet enters it not yet untracked.
            if (st.raw) c = m.cofactor(c, s.level(Field::state), static_cast<uint128>(ConnState::invalid));
            // Falling off the built-in chain: its policy.
            const Chain& builtin = chain_at(rs, st, st.chain);
            const Ref pol{static_cast<int>(k), st.chain, -1};
            const Verdict pv = policy_verdict(builtin);
            c = m.map(m.new_op(), c, [&](std::uint32_t v) {
                const Term& t = terms[v];
                if (t.kind != Kind::ret) return dd::terminal(v);
                switch (pv) {
                    case Verdict::accept:
                        return leaf(Kind::accept, pol, t.untracked);
                    case Verdict::drop:
                        return leaf(Kind::drop, pol);
                    case Verdict::reject:
                        return leaf(Kind::reject, pol);
                    case Verdict::unknown:
                        break;
                }
                return unknown(pol, policy_reason(table_of(rs, st), builtin));
            });
            bool need_u = false;
            for (std::uint32_t v : m.terminals(c)) need_u = need_u || terms[v].untracked;
            Node gu =
                need_u ? m.cofactor(g, s.level(Field::state), static_cast<uint128>(ConnState::untracked)) : g;
            Node next = m.apply3(op_step, c, g, gu, [&](Node x, Node y, Node yu) -> std::optional<Node> {
                if (!dd::is_terminal(x)) return std::nullopt;
                const Term& t = term(x);
                const Ref at = t.at;
                switch (t.kind) {
                    case Kind::accept:
                        return merge(at, t.untracked ? yu : y);
                    default:
                        return x;  // final (a DNAT's outcome is final already)
                }
            });
            g = st.nat ? m.ite(new_set, next, g) : next;
        }
        if (rs.family == 4 || rs.family == 6) {
            Node other = unknown(Ref{}, family_reason(rs.family, rs.family == 4 ? 6 : 4));
            g = m.ite(s.test(Field::family,
                             Interval{static_cast<uint128>(rs.family), static_cast<uint128>(rs.family)}),
                      g, other);
        }
        return g;
    }

    // ---- resolution --------------------------------------------------------------------------
    std::uint32_t final_id(Verdict v, Ref by, const std::string& reason) {
        auto [it, fresh] = h.final_ids_.try_emplace({static_cast<int>(v), by.step, by.chain, by.rule, reason},
                                                    static_cast<std::uint32_t>(h.finals_.size()));
        if (fresh) h.finals_.push_back(Final{v, by, reason});
        return it->second;
    }

    std::uint32_t final_of(const Term& t) {
        switch (t.kind) {
            case Kind::done: {
                Deciders d{t.filter, t.other, t.nat};
                return final_id(Verdict::accept, d.pick(), "");
            }
            case Kind::drop:
                return final_id(Verdict::drop, t.at, "");
            case Kind::reject:
                return final_id(Verdict::reject, t.at, "");
            default:
                return final_id(Verdict::unknown, t.at, reasons[t.reason]);
        }
    }

    // Terminals become finals; each variable's two branches are compared as explain() compares
    // a fork with its walk: at variable v with branches w (v false) and f (v true),
    //   res(v) = verdict(res(w)) == verdict(res(f)) ? res(w) : bad(v).
    // The verdicts alone resolve the same way over four terminals (bad(v) is unknown):
    //   vres(v) = vres(w) == vres(f) ? vres(w) : unknown,  and verdict(res(n)) = vres(n).
    // Where vres(n) is not unknown, every assignment gives that verdict, and res(n) is zres(n):
    // the outcome with every variable false. So res(v) is bad(v) where vres(w) != vres(f),
    // res(w) where both are unknown, and zres(w) elsewhere. resolve_in(n, care) is res(n) on
    // `care` and zres(n) elsewhere (an exact function, sharing zres's nodes): at v it is
    //   ite(care & vres(w) != vres(f), bad(v), resolve_in(w, care & both unknown)).
    // The root's care set is every packet. res(f) and the verdict-decided parts of res(w)
    // are never built.
    static Verdict verdict_of(const Term& t) {
        switch (t.kind) {
            case Kind::done:
                return Verdict::accept;
            case Kind::drop:
                return Verdict::drop;
            case Kind::reject:
                return Verdict::reject;
            default:
                return Verdict::unknown;
        }
    }

    // The packet levels of n rebuilt with children f(child) (n is not a terminal).
    template <class F> Node rebuild(Node n, F&& f) {
        std::vector<uint128> his;
        std::vector<Node> kids;
        for (std::uint32_t i = 0; i < m.edge_count(n); ++i) {
            his.push_back(m.edge_hi(n, i));
            kids.push_back(f(m.edge_child(n, i)));
        }
        return m.make(m.level(n), his, kids);
    }

    Node zres(Node n) {
        if (dd::is_terminal(n)) return dd::terminal(final_of(term(n)));
        if (n >= zres_memo.size()) zres_memo.resize(m.node_count(), no_var);
        if (zres_memo[n] != no_var) return zres_memo[n];
        const Node out = dd::Space::is_variable(m.level(n)) ? zres(m.child_for(n, 0))
                                                            : rebuild(n, [&](Node c) { return zres(c); });
        zres_memo[n] = out;
        return out;
    }

    Node vres(Node n) {
        if (dd::is_terminal(n)) return dd::terminal(static_cast<std::uint32_t>(verdict_of(term(n))));
        if (n >= vres_memo.size()) vres_memo.resize(m.node_count(), no_var);
        if (vres_memo[n] != no_var) return vres_memo[n];
        Node out;
        if (!dd::Space::is_variable(m.level(n))) {
            out = rebuild(n, [&](Node c) { return vres(c); });
        } else {
            out = m.apply(op_vres, vres(m.child_for(n, 0)), vres(m.child_for(n, 1)),
                          [](Node x, Node y) -> std::optional<Node> {
                              if (x == y) return x;
                              if (dd::is_terminal(x) && dd::is_terminal(y))
                                  return dd::terminal(static_cast<std::uint32_t>(Verdict::unknown));
                              return std::nullopt;
                          });
        }
        vres_memo[n] = out;
        return out;
    }

    Node bad_of(std::uint32_t vi) {
        if (bad_memo.size() < h.vars_.size()) bad_memo.resize(h.vars_.size(), no_var);
        if (bad_memo[vi] == no_var) {
            const Variable& var = h.vars_[vi];
            bad_memo[vi] = dd::terminal(final_id(
                Verdict::unknown, var.at, undecided_reason(rs, rule_at(var.at), var.module, var.reason)));
        }
        return bad_memo[vi];
    }

    Node resolve_in(Node n, Node care, std::unordered_map<std::uint64_t, Node>& memo) {
        if (care == dd::zero || dd::is_terminal(n)) return zres(n);
        const std::uint64_t key = (std::uint64_t{n} << 32) | care;
        if (auto it = memo.find(key); it != memo.end()) return it->second;
        Node out;
        const std::uint32_t rn = m.rank_of(n), rc = m.rank_of(care);
        if (rn < rc && dd::Space::is_variable(m.level(n))) {
            const std::uint32_t vi = var_of_level[m.level(n) - dd::Space::packet_levels];
            const Node w = m.child_for(n, 0);
            const Node vw = vres(w), vf = vres(m.child_for(n, 1));
            const Node unknown_v = dd::terminal(static_cast<std::uint32_t>(Verdict::unknown));
            const Node differ = m.apply(op_differ, vw, vf, [](Node x, Node y) -> std::optional<Node> {
                if (x == y) return dd::zero;
                if (dd::is_terminal(x) && dd::is_terminal(y)) return dd::one;
                return std::nullopt;
            });
            const Node both_unknown =
                m.apply(op_both_unknown, vw, vf, [&](Node x, Node y) -> std::optional<Node> {
                    if (dd::is_terminal(x) && x != unknown_v) return dd::zero;
                    if (dd::is_terminal(y) && y != unknown_v) return dd::zero;
                    if (x == unknown_v && y == unknown_v) return dd::one;
                    return std::nullopt;
                });
            const Node bad_at = m.intersect(care, differ);
            const Node rest = resolve_in(w, m.intersect(care, both_unknown), memo);
            out = bad_at == dd::zero ? rest : m.ite(bad_at, bad_of(vi), rest);
        } else {
            // Both split at the top packet level.
            const std::uint32_t l = rn <= rc ? m.level(n) : m.level(care);
            const bool on_n = rn <= rc, on_c = rc <= rn;
            const uint128 top = m.level_max(l);
            std::vector<uint128> his;
            std::vector<Node> kids;
            std::uint32_t in = 0, ic = 0;
            for (;;) {
                uint128 hn = top, hc = top;
                Node cn = n, cc = care;
                if (on_n) {
                    hn = m.edge_hi(n, in);
                    cn = m.edge_child(n, in);
                }
                if (on_c) {
                    hc = m.edge_hi(care, ic);
                    cc = m.edge_child(care, ic);
                }
                const uint128 hi = hn < hc ? hn : hc;
                his.push_back(hi);
                kids.push_back(resolve_in(cn, cc, memo));
                if (hi == top) break;
                if (hn == hi) ++in;
                if (hc == hi) ++ic;
            }
            out = m.make(l, his, kids);
        }
        memo.emplace(key, out);
        return out;
    }

    Node resolve(Node g) {
        std::unordered_map<std::uint64_t, Node> memo;
        return resolve_in(g, dd::one, memo);
    }
};

CompiledHook::CompiledHook(dd::Space& space, const Ruleset& ruleset, Hook hook, CompileOptions options)
    : s_(space), rs_(ruleset), steps_(steps_for(ruleset, hook)) {
    impl_ = std::make_unique<Impl>(*this, space, ruleset, hook, options);
    raw_ = impl_->compile();
}

CompiledHook::~CompiledHook() = default;

dd::Ref CompiledHook::resolve(std::span<const std::pair<std::uint32_t, bool>> assumptions) {
    dd::Ref g = raw_;
    for (const auto& [level, value] : assumptions) g = s_.manager().cofactor(g, level, value ? 1 : 0);
    return impl_->resolve(g);
}

std::uint32_t CompiledHook::final_of_raw(std::uint32_t terminal_value) {
    return impl_->final_of(impl_->terms[terminal_value]);
}

std::uint32_t CompiledHook::variable_at(std::uint32_t level) const {
    return impl_->var_of_level[level - dd::Space::packet_levels];
}

const Final& CompiledHook::at(dd::Ref resolved, const Packet& p) const {
    return finals_[dd::terminal_value(s_.manager().eval(resolved, s_.point(p)))];
}

}  // namespace rulegap::eval
