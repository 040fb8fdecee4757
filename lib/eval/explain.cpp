// explain(): one packet through one hook.
//
// A linear walk with an explicit stack of chain frames (no recursion per jump, so any nesting
// depth is fine). The only branching is at a rule whose match cannot be decided: the walk goes on
// as if it did not match, the "it matches" branch is run to completion separately, and at the
// end the two are compared (innermost first): equal verdicts keep the walk's decision, different
// ones make the verdict unknown at that rule.
#include <algorithm>

#include "lib/eval/rule_index.hpp"
#include "lib/eval/traversal.hpp"

namespace rulegap {
namespace {

using namespace eval;

constexpr std::size_t max_dnat_choices = 1024;  // DNAT ranges followed value by value

enum class Tri : std::uint8_t { no, yes, maybe };

// The packet's field values, computed once per (re)written packet.
struct Values {
    uint128 v[field_count] = {};
    std::uint32_t given = 0;  // bit f: the packet gives field f
    void load(const Packet& p) {
        given = 0;
        for (int f = 0; f < field_count; ++f) {
            std::optional<uint128> x = field_value(p, static_cast<Field>(f));
            if (x) {
                v[f] = *x;
                given |= 1u << f;
            }
        }
    }
};

// `a`: the assumptions that decide undecided conditions (null: none).
Tri holds(const Condition& c, const Values& pv, const Assumptions* a) {
    if (c.undecided) {
        std::optional<bool> v = a ? a->value(c) : std::nullopt;
        return !v ? Tri::maybe : *v ? Tri::yes : Tri::no;
    }
    bool missing = false;
    for (const FieldRange& r : c.all_of) {
        auto f = static_cast<unsigned>(r.field);
        if (((pv.given >> f) & 1u) == 0) {
            missing = true;
            continue;
        }
        uint128 x = pv.v[f];
        bool in = false;
        for (const Interval& i : r.values)
            if (i.lo <= x && x <= i.hi) {
                in = true;
                break;
            }
        if (!in) return c.negated ? Tri::yes : Tri::no;
    }
    if (missing) return Tri::maybe;
    return c.negated ? Tri::no : Tri::yes;
}

Tri matches(const Rule& r, const Values& pv, const Assumptions* a) {
    Tri out = Tri::yes;
    for (const Condition& c : r.conditions) {
        Tri t = holds(c, pv, a);
        if (t == Tri::no) return Tri::no;
        if (t == Tri::maybe) out = Tri::maybe;
    }
    return out;
}

// Why a rule might match: its first condition that is undecided for this packet.
Cause cause_of(const Rule& r, const Values& pv, const Assumptions* a) {
    for (const Condition& c : r.conditions) {
        if (holds(c, pv, a) != Tri::maybe) continue;
        if (c.undecided) return first_undecided(r, a);
        for (const FieldRange& fr : c.all_of) {
            if (((pv.given >> static_cast<unsigned>(fr.field)) & 1u) != 0) continue;
            if (fr.field == Field::in_iface) return {"in-interface", "the packet gives no input interface"};
            if (fr.field == Field::out_iface)
                return {"out-interface", "the packet gives no output interface"};
            return {std::string(to_string(fr.field)), "the packet does not give it"};
        }
    }
    return first_undecided(r, a);
}

// A rule an assumption decided for this packet (it would be undecided without them): the trace
// step that says so ("recent=nomatch: does not match"), or nullopt.
std::optional<std::string> assumed_step(const Rule& r, const Values& pv, const Assumptions& a, Tri with) {
    if (with == Tri::maybe || r.decidable() || matches(r, pv, nullptr) != Tri::maybe) return std::nullopt;
    std::string used;
    for (const Condition& c : r.conditions) {
        std::optional<bool> v = a.value(c);
        if (!v || (with == Tri::no && *v)) continue;  // no match: the assumptions that failed it
        const std::string one = to_string(*a.of(c.unmodelled));
        if (used.find(one) == std::string::npos) used += (used.empty() ? "" : ", ") + one;
    }
    return used + (with == Tri::yes ? ": matches" : ": does not match");
}

struct Ctx {
    const Ruleset& rs;
    Hook hook;
    const std::vector<Step>& steps;
    RulesetIndex* index = nullptr;        // Explainer: long chains indexed
    const Assumptions* assume = nullptr;  // null when there are none
    std::size_t forks = 0;
};

struct Frame {
    int chain = 0;
    std::size_t rule = 0;
    std::size_t path_begin = 0;  // chains entered by this frame start here in State::path
    // An indexed chain: the only rules that can match this packet (rule_index.hpp).
    bool indexed = false;
    std::span<const std::uint32_t> restricted, unrestricted;
};

struct State {
    std::size_t step = 0;
    std::vector<Frame> frames;  // empty: between steps
    std::vector<int> path;      // chains being traversed (callers, and chains left by a goto)
    // Per chain of the current table: on the path. Only for deep paths: a table may have 100,000
    // chains (kube-proxy), and clearing or copying a flag per chain at each step and each fork
    // costs more than looking through a short path.
    std::vector<char> active;
    static constexpr std::size_t scan_limit = 32;
    Packet packet;
    Values vals;             // the packet's values as the current step's rules see them
    bool notracked = false;  // a NOTRACK has fired (traversal.hpp, raw_view_state)
    bool raw_view = false;   // vals shows the raw table's view of the state
    Deciders dec;
    std::vector<TraceStep> trace;
    std::vector<TraceStep> assumed;  // rules an assumption decided (Decision::assumed)
    bool fire = false;               // the current rule is taken to match (a fork's other branch)
    // false: only the verdict counts (a fork's branch, whose verdict is compared with the walk's):
    // no trace, no references to rules, no reasons.
    bool record = true;

    void start(int chain, std::size_t chains_in_table) {
        active.clear();
        table_chains = chains_in_table;
        path.clear();
        enter(chain, 0);
    }
    // Looks up the top frame's chain in the index, for this packet.
    void use_index(const Ctx& cx) {
        Frame& f = frames.back();
        f.indexed = false;
        if (!cx.index) return;
        const ChainIndex* ix = cx.index->find(cx.steps[step].table, f.chain);
        if (!ix || ((vals.given >> static_cast<unsigned>(ix->field())) & 1u) == 0) return;
        f.indexed = true;
        f.restricted = ix->restricted_rules(vals.v[static_cast<int>(ix->field())]);
        f.unrestricted = ix->unrestricted_rules();
    }
    bool on_path(int chain) const {
        if (!active.empty()) return active[static_cast<std::size_t>(chain)] != 0;
        return std::find(path.begin(), path.end(), chain) != path.end();
    }
    void enter(int chain, std::size_t rule) {
        frames.push_back({chain, rule, path.size(), false, {}, {}});
        push(chain);
    }
    void go_to(int chain) {  // replaces the top frame; its chain stays on the path
        frames.back().chain = chain;
        frames.back().rule = 0;
        push(chain);
    }
    // Pops the top frame; false when that was the built-in chain's (its policy applies).
    bool leave() {
        if (!active.empty())
            for (std::size_t i = frames.back().path_begin; i < path.size(); ++i)
                active[static_cast<std::size_t>(path[i])] = 0;
        path.resize(frames.back().path_begin);
        frames.pop_back();
        return !frames.empty();
    }
    void next_step() {
        frames.clear();
        ++step;
    }
    // Loads vals from the packet; in the raw table, the state as raw sees it.
    void load() {
        vals.load(packet);
        if (raw_view)
            vals.v[static_cast<int>(Field::state)] = static_cast<uint128>(raw_view_state(notracked));
    }
    void view_for(const Step& s) {
        if (s.raw == raw_view) return;
        raw_view = s.raw;
        load();
    }

private:
    std::size_t table_chains = 0;
    void push(int chain) {
        path.push_back(chain);
        if (!active.empty()) {
            active[static_cast<std::size_t>(chain)] = 1;
        } else if (path.size() > scan_limit) {  // deep: flags from now on
            active.assign(table_chains, 0);
            for (int c : path) active[static_cast<std::size_t>(c)] = 1;
        }
    }
};

// NOTRACK changes nothing the rules can see (traversal.hpp, raw_view_state).
bool notrack_is_noop(const State& st) {
    return st.raw_view ? st.notracked : st.packet.state == ConnState::untracked;
}

struct Fork {
    std::size_t trace_len = 0;  // the trace up to and including the undecided rule
    Decision fire;              // the outcome if the rule matches
    Ref at;
    std::string reason;
};

Decision decide(const Ctx& cx, Verdict v, Ref at, std::string reason, State& st) {
    Decision d;
    d.verdict = v;
    if (!st.record) return d;
    if (at.valid()) {
        d.decided_by = make_ref(cx.rs, cx.steps, at);
        d.by_policy = at.is_policy();
    }
    d.reason = std::move(reason);
    d.trace = std::move(st.trace);
    d.assumed = std::move(st.assumed);
    return d;
}

// The values of a rewritten field worth trying one by one: within each piece of `range` that
// no rule of the ruleset tells apart, one value does for all.
std::vector<uint128> representatives(const Ruleset& rs, Field f, Interval range, std::size_t limit) {
    std::vector<uint128> cuts;
    for (const Table& t : rs.tables)
        for (const Chain& c : t.chains)
            for (const Rule& r : c.rules)
                for (const Condition& k : r.conditions)
                    for (const FieldRange& fr : k.all_of) {
                        if (fr.field != f) continue;
                        for (const Interval& i : fr.values) {
                            if (i.lo > range.lo && i.lo <= range.hi) cuts.push_back(i.lo);
                            if (i.hi >= range.lo && i.hi < range.hi) cuts.push_back(i.hi + 1);
                        }
                    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<uint128> out{range.lo};
    for (uint128 c : cuts) {
        if (out.size() > limit) break;
        out.push_back(c);
    }
    return out;
}

Decision run(Ctx& cx, State st, int depth);

// DNAT/REDIRECT that may pick one of several destinations: every choice must give one verdict.
Decision rewrite_many(Ctx& cx, State& st, int depth, Ref at, const Rule& r, bool addr, bool port) {
    const Target& t = r.target;
    std::vector<uint128> as = addr ? representatives(cx.rs, Field::dst_addr, *t.to_address, max_dnat_choices)
                                   : std::vector<uint128>{st.packet.dst};
    std::vector<uint128> ps = port ? representatives(cx.rs, Field::dst_port, *t.to_port, max_dnat_choices)
                                   : std::vector<uint128>{st.packet.dst_port};
    if (as.size() * ps.size() > max_dnat_choices)
        return decide(cx, Verdict::unknown, at,
                      "DNAT to a range with too many distinct outcomes to follow (" + rule_at(cx.rs, r) + ")",
                      st);
    st.next_step();
    Decision first;
    bool have = false;
    for (uint128 a : as) {
        for (uint128 p : ps) {
            State b;
            b.record = st.record;
            b.step = st.step;
            b.packet = st.packet;
            b.packet.dst = a;
            b.packet.dst_port = static_cast<std::uint16_t>(p);
            b.notracked = st.notracked;
            b.load();
            b.dec = st.dec;
            if (!have && st.record) {
                b.trace = st.trace;
                b.assumed = st.assumed;
            }
            Decision d = run(cx, std::move(b), depth);
            if (!have) {
                first = std::move(d);
                have = true;
            } else if (d.verdict != first.verdict) {
                return decide(cx, Verdict::unknown, at, dnat_range_reason(cx.rs, r), st);
            }
        }
    }
    return first;
}

// The end of the built-in chain: its policy. True when that is final (in `result`).
bool apply_policy(const Ctx& cx, State& st, Decision& result) {
    const Step& s = cx.steps[st.step];
    const Chain& builtin = chain_at(cx.rs, s, s.chain);
    Ref at{static_cast<int>(st.step), s.chain, -1};
    if (st.record) st.trace.push_back({make_ref(cx.rs, cx.steps, at), policy_action(builtin)});
    Verdict v = policy_verdict(builtin);
    if (v == Verdict::accept) {
        st.dec.accepted(cx.rs, cx.steps, at);
        st.next_step();
        return false;
    }
    result = decide(cx, v, at, v == Verdict::unknown ? policy_reason(table_of(cx.rs, s), builtin) : "", st);
    return true;
}

Decision run(Ctx& cx, State st, int depth) {
    const Ruleset& rs = cx.rs;
    std::vector<Fork> forks;
    Decision result;
    for (;;) {
        if (st.frames.empty()) {
            if (st.step >= cx.steps.size()) {
                Ref by = st.dec.pick();
                result = decide(cx, Verdict::accept, by, "", st);
                break;
            }
            const Step& s = cx.steps[st.step];
            if (s.nat && st.packet.state != ConnState::new_) {
                ++st.step;
                continue;
            }
            st.view_for(s);
            st.start(s.chain, table_of(rs, s).chains.size());
            st.use_index(cx);
        }
        const Step& s = cx.steps[st.step];
        const Table& t = table_of(rs, s);
        Frame& fr = st.frames.back();
        const Chain& ch = t.chains[static_cast<std::size_t>(fr.chain)];
        if (fr.indexed && fr.rule < ch.rules.size()) {  // skip the rules that cannot match
            std::uint32_t next =
                next_rule(fr.restricted, fr.unrestricted, static_cast<std::uint32_t>(fr.rule));
            fr.rule = next == none ? ch.rules.size() : next;
        }

        if (fr.rule >= ch.rules.size()) {
            if (st.leave()) continue;  // back in the calling chain
            if (apply_policy(cx, st, result)) break;
            continue;
        }

        const Rule& r = ch.rules[fr.rule];
        Tri m = st.fire ? Tri::yes : matches(r, st.vals, cx.assume);
        if (cx.assume && st.record && !st.fire)
            if (std::optional<std::string> why = assumed_step(r, st.vals, *cx.assume, m))
                st.assumed.push_back(
                    {make_ref(rs, cx.steps,
                              Ref{static_cast<int>(st.step), fr.chain, static_cast<int>(fr.rule)}),
                     std::move(*why)});
        st.fire = false;
        if (m == Tri::no) {
            ++fr.rule;
            continue;
        }
        Ref at{static_cast<int>(st.step), fr.chain, static_cast<int>(fr.rule)};
        if (m == Tri::maybe) {
            Cause cause;
            if (st.record) {
                cause = cause_of(r, st.vals, cx.assume);
                st.trace.push_back({make_ref(rs, cx.steps, at), "undecided: " + cause.module});
            }
            Action a = r.target.action;
            bool matters = a != Action::continue_ && !(a == Action::notrack && notrack_is_noop(st));
            if (matters) {
                Fork f{st.trace.size(),
                       {},
                       at,
                       st.record ? undecided_reason(rs, r, cause.module, cause.why) : std::string()};
                if (depth >= max_fork_depth || cx.forks >= max_forks) {
                    f.fire.verdict = Verdict::unknown;
                    if (st.record) f.fire.reason = depth_reason(rs, r);
                } else {
                    ++cx.forks;
                    std::vector<TraceStep> saved = std::move(st.trace);
                    State b = st;
                    st.trace = std::move(saved);
                    b.trace.clear();
                    b.fire = true;
                    b.record = false;  // only its verdict is compared
                    f.fire = run(cx, std::move(b), depth + 1);
                }
                forks.push_back(std::move(f));
            }
            ++st.frames.back().rule;
            continue;
        }

        const Target& tg = r.target;
        // The rule's hop in the trace; its action as a word, or the rule's action text (and a
        // suffix), built only when recorded.
        auto note = [&](const char* action) {
            if (st.record) st.trace.push_back({make_ref(rs, cx.steps, at), action});
        };
        auto note_target = [&](const char* suffix = "") {
            if (st.record)
                st.trace.push_back({make_ref(rs, cx.steps, at),
                                    action_text(r, rs.family != 0 ? rs.family : st.packet.family) + suffix});
        };
        switch (tg.action) {
            case Action::accept:
                note("accept");
                st.dec.accepted(rs, cx.steps, at);
                st.next_step();
                continue;
            case Action::drop:
            case Action::reject:
                note_target();
                result = decide(cx, tg.action == Action::drop ? Verdict::drop : Verdict::reject, at, "", st);
                break;
            case Action::return_:
                note("return");
                if (st.leave()) continue;
                if (apply_policy(cx, st, result)) break;
                continue;
            case Action::jump:
            case Action::go_to: {
                int target = jump_target(t, r);
                if (target < 0) {
                    note_target();
                    result = decide(cx, Verdict::unknown, at, unknown_target_reason(rs, r), st);
                    break;
                }
                if (st.on_path(target)) {
                    note_target(" (loop)");
                    result = decide(cx, Verdict::unknown, at, loop_reason(rs, t, r), st);
                    break;
                }
                note_target();
                if (tg.action == Action::jump) {
                    ++fr.rule;
                    st.enter(target, 0);
                } else {
                    st.go_to(target);
                }
                st.use_index(cx);
                continue;
            }
            case Action::continue_:
                note_target();
                ++fr.rule;
                continue;
            case Action::notrack:
                note("notrack");
                st.packet.state = ConnState::untracked;
                st.notracked = true;
                st.load();
                ++fr.rule;
                continue;
            case Action::snat:
                note_target();
                st.dec.accepted(rs, cx.steps, at);
                st.next_step();
                continue;
            case Action::unknown:
                note_target();
                result = decide(cx, Verdict::unknown, at, unknown_target_reason(rs, r), st);
                break;
            case Action::redirect:
                if (cx.hook == Hook::forward) {
                    note_target();
                    result = decide(cx, Verdict::unknown, at, redirect_reason(rs, r), st);
                    break;
                }
                [[fallthrough]];
            case Action::dnat: {
                note_target();
                st.dec.accepted(rs, cx.steps, at);
                bool addr = rewrites_address(tg);
                bool port = rewrites_port(tg) && st.packet.has_ports();
                bool many = (addr && tg.to_address->lo != tg.to_address->hi) ||
                            (port && tg.to_port->lo != tg.to_port->hi);
                if (many) {
                    result = rewrite_many(cx, st, depth, at, r, addr, port);
                    break;
                }
                if (addr) st.packet.dst = tg.to_address->lo;
                if (port) st.packet.dst_port = static_cast<std::uint16_t>(tg.to_port->lo);
                st.load();
                st.next_step();
                continue;
            }
        }
        break;  // a final decision
    }
    for (auto f = forks.rbegin(); f != forks.rend(); ++f) {
        if (f->fire.verdict == result.verdict) continue;
        result.verdict = Verdict::unknown;
        if (!st.record) continue;
        result.decided_by = make_ref(rs, cx.steps, f->at);
        result.by_policy = false;
        result.reason = f->reason;
        if (result.trace.size() > f->trace_len) result.trace.resize(f->trace_len);
    }
    return result;
}

}  // namespace

namespace {

Decision explain_with(const Ruleset& ruleset, Hook hook, const std::vector<Step>& steps, RulesetIndex* index,
                      const Assumptions& assume, const Packet& packet) {
    if (ruleset.family != 0 && packet.family != ruleset.family) {  // 0: both families
        Decision d;
        d.reason = family_reason(ruleset.family, packet.family);
        return d;
    }
    Ctx cx{ruleset, hook, steps, index, assume.empty() ? nullptr : &assume};
    State st;
    st.packet = packet;
    st.vals.load(packet);
    return run(cx, std::move(st), 0);
}

}  // namespace

Decision explain(const Ruleset& ruleset, Hook hook, const Packet& packet, const Assumptions& assume) {
    return explain_with(ruleset, hook, steps_for(ruleset, hook), nullptr, assume, packet);
}

struct Explainer::Prepared {
    const Ruleset& ruleset;
    Hook hook;
    std::vector<Step> steps;
    RulesetIndex index;
    Assumptions assume;
};

Explainer::Explainer(const Ruleset& ruleset, Hook hook, const Assumptions& assume)
    : prepared_(std::make_unique<Prepared>(
          Prepared{ruleset, hook, steps_for(ruleset, hook), RulesetIndex(ruleset), assume})) {}
Explainer::~Explainer() = default;
Explainer::Explainer(Explainer&&) noexcept = default;
Explainer& Explainer::operator=(Explainer&&) noexcept = default;

Decision Explainer::explain(const Packet& packet) {
    Prepared& p = *prepared_;
    return explain_with(p.ruleset, p.hook, p.steps, &p.index, p.assume, packet);
}

}  // namespace rulegap
