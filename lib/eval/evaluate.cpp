// evaluate(): a whole PacketSet through one hook, the same semantics as explain() over sets.
//
// Work items are (packets, where they are): a step, a frame of a persistent call stack (nodes
// shared between items, so a split never copies a stack) and a rule index. At each rule an item
// splits into the packets the rule matches (which go where the target sends them) and the rest
// (which go on). Parts that reach a verdict are collected; the result is a partition.
//
// Undecided rules branch exactly as in explain(): the packets that might match go on as if the
// rule did not match, and the "it matches" branch is evaluated separately (a nested run); when
// the run is over, each part is intersected with the branch's parts: equal verdicts keep the
// part, different ones become unknown at that rule. DNAT and NOTRACK rewrite packets: the rest of
// the traversal runs on the rewritten packets and its parts are pulled back to the originals.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>

#include "lib/eval/traversal.hpp"
#include "lib/packetset/set_space.hpp"

namespace rulegap {
namespace {

using namespace eval;

// One frame of a call stack. Immutable once made; items share them.
struct Node {
    int chain = 0;
    int parent = -1;         // the calling frame; -1: this is the built-in chain
    std::size_t ret = 0;     // the rule to go on with in the parent
    int replaced = -1;       // the frame a goto replaced (its chain is still being traversed)
};

struct Part {
    PacketSet set;
    Verdict verdict = Verdict::unknown;
    Ref by;
    std::string reason;
};

struct Item {
    PacketSet set;
    std::size_t step = 0;
    int top = -1;            // -1: between steps
    std::size_t rule = 0;
    bool fire = false;       // the current rule is taken to match
    Deciders dec;
    bool notracked = false;  // a NOTRACK has fired on these packets (traversal.hpp, raw_view_state)
};

struct Fork {
    PacketSet m;             // the packets for which the rule might match
    std::vector<Part> fire;  // their outcome if it does
    Ref at;
    std::string reason;
};

// A verdict some packets may get under some assignment of the undecided conditions (Possible).
struct Maybe {
    PacketSet set;
    Verdict verdict = Verdict::accept;
    Ref by;
    std::vector<Ref> deps;
};

struct Ctx {
    const Ruleset& rs;
    Hook hook;
    const Assumptions& assume;
    std::vector<Maybe>* possible = nullptr;   // collect Possible outcomes
    std::vector<Ref> fork_path;               // the forks whose "it matches" branch is running
    std::vector<Step> steps;
    std::vector<Node> nodes;
    std::vector<std::vector<std::size_t>> offsets;  // per table, per chain: first rule in `cache`
    std::vector<std::optional<PacketSet>> cache;    // Rule::packets(), computed on first use
    // In the raw table: the packets a rule matches when its state condition sees
    // raw_view_state(notracked) [notracked], whatever their own state. Same indices as `cache`.
    std::vector<std::optional<PacketSet>> raw_cache[2];
    std::size_t forks = 0;
    PacketSet new_state = PacketSet::where(Field::state, static_cast<uint128>(ConnState::new_));
    PacketSet untracked = PacketSet::where(Field::state, static_cast<uint128>(ConnState::untracked));

    Ctx(const Ruleset& r, Hook h, const Assumptions& a) : rs(r), hook(h), assume(a), steps(steps_for(r, h)) {
        std::size_t n = 0;
        for (const Table& t : rs.tables) {
            std::vector<std::size_t>& o = offsets.emplace_back();
            for (const Chain& c : t.chains) {
                o.push_back(n);
                n += c.rules.size();
            }
        }
        cache.resize(n);
    }
    const PacketSet& packets_of(const Step& s, int chain, std::size_t rule) {
        std::optional<PacketSet>& slot =
            cache[offsets[static_cast<std::size_t>(s.table)][static_cast<std::size_t>(chain)] + rule];
        if (!slot) slot = chain_at(rs, s, chain).rules[rule].packets();
        return *slot;
    }
    // The packets a rule of step `s` matches, for packets that are `notracked` or not.
    const PacketSet& packets_seen(const Step& s, int chain, std::size_t rule, bool notracked) {
        if (!s.raw) return packets_of(s, chain, rule);
        std::vector<std::optional<PacketSet>>& rc = raw_cache[notracked ? 1 : 0];
        if (rc.empty()) rc.resize(cache.size());
        std::optional<PacketSet>& slot =
            rc[offsets[static_cast<std::size_t>(s.table)][static_cast<std::size_t>(chain)] + rule];
        if (!slot) {
            auto seen = static_cast<uint128>(raw_view_state(notracked));
            slot = (packets_of(s, chain, rule) & PacketSet::where(Field::state, seen)).widened(Field::state);
        }
        return *slot;
    }
    int push(Node n) {
        nodes.push_back(n);
        return static_cast<int>(nodes.size()) - 1;
    }
    // Is the chain being traversed by the stack whose top frame is `top`?
    bool on_path(int top, int chain) const {
        for (int n = top; n >= 0; n = nodes[static_cast<std::size_t>(n)].parent)
            for (int g = n; g >= 0; g = nodes[static_cast<std::size_t>(g)].replaced)
                if (nodes[static_cast<std::size_t>(g)].chain == chain) return true;
        return false;
    }
};

// Per-field bounds of a set or a rule: a cheap test that a rule cannot match any of a set's
// packets, before any set operation.
struct Hull {
    Interval dim[field_count];
};

Hull hull_of(const PacketSet& s) {
    Hull h;
    std::array<Interval, field_count> b = detail::hull(s);
    std::copy(b.begin(), b.end(), h.dim);
    return h;
}

// True when the rule's decidable, non-negated conditions exclude every packet within `h`.
bool misses(const Rule& r, const Hull& h) {
    for (const Condition& c : r.conditions) {
        if (c.undecided || c.negated) continue;
        for (const FieldRange& fr : c.all_of) {
            if (fr.values.empty()) return true;
            const Interval& x = h.dim[static_cast<int>(fr.field)];
            bool any = false;
            for (const Interval& v : fr.values)
                if (v.lo <= x.hi && x.lo <= v.hi) {
                    any = true;
                    break;
                }
            if (!any) return true;
        }
    }
    return false;
}

// Unions parts with the same verdict, decider and reason (first occurrence keeps its place).
std::vector<Part> merged(std::vector<Part> parts) {
    using Key = std::tuple<Verdict, int, int, int, std::string>;
    std::map<Key, std::size_t> where;
    std::vector<Part> out;
    std::vector<std::vector<PacketSet>> groups;
    for (Part& p : parts) {
        if (p.set.empty()) continue;
        auto [it, fresh] = where.try_emplace(Key{p.verdict, p.by.step, p.by.chain, p.by.rule, p.reason}, out.size());
        if (fresh) {
            out.push_back({PacketSet(), p.verdict, p.by, std::move(p.reason)});
            groups.emplace_back();
        }
        groups[it->second].push_back(std::move(p.set));
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i].set = PacketSet::union_of(std::move(groups[i]));
    return out;
}

std::vector<Part> run(Ctx& cx, Item start, int depth);

// The packets of `it` reach the end of the step's built-in chain.
void apply_policy(Ctx& cx, Item it, std::vector<Item>& work, std::vector<Part>& parts) {
    const Step& s = cx.steps[it.step];
    const Chain& builtin = chain_at(cx.rs, s, s.chain);
    Ref at{static_cast<int>(it.step), s.chain, -1};
    Verdict v = policy_verdict(builtin);
    if (v == Verdict::accept) {
        it.dec.accepted(cx.rs, cx.steps, at);
        work.push_back(Item{std::move(it.set), it.step + 1, -1, 0, false, it.dec, it.notracked});
        return;
    }
    parts.push_back({std::move(it.set), v, at, v == Verdict::unknown ? policy_reason(table_of(cx.rs, s), builtin) : ""});
}

// The parts of the rewritten packets `sub`, pulled back to the originals `orig` (rewritten in
// `fields`). When a rewrite has several possible results, an original gets a verdict only if
// all its images agree; otherwise it is unknown at the rewriting rule.
void pull_back(const std::vector<Part>& sub, const PacketSet& orig, const std::vector<Field>& fields, bool many,
               Ref at, const std::string& mixed_reason, std::vector<Part>& parts) {
    std::vector<PacketSet> reach;
    reach.reserve(sub.size());
    for (const Part& p : sub) {
        PacketSet w = p.set;
        for (Field f : fields) w = w.widened(f);
        reach.push_back(w & orig);
    }
    if (!many) {
        for (std::size_t i = 0; i < sub.size(); ++i) parts.push_back({reach[i], sub[i].verdict, sub[i].by, sub[i].reason});
        return;
    }
    PacketSet per_verdict[4];
    for (std::size_t i = 0; i < sub.size(); ++i) per_verdict[static_cast<int>(sub[i].verdict)] |= reach[i];
    PacketSet conflict[4];
    for (int v = 0; v < 4; ++v)
        for (int w = 0; w < 4; ++w)
            if (w != v) conflict[v] |= per_verdict[w];
    PacketSet assigned;
    for (std::size_t i = 0; i < sub.size(); ++i) {
        PacketSet d = reach[i] - conflict[static_cast<int>(sub[i].verdict)] - assigned;
        if (d.empty()) continue;
        assigned |= d;
        parts.push_back({std::move(d), sub[i].verdict, sub[i].by, sub[i].reason});
    }
    PacketSet rest = orig - assigned;
    if (!rest.empty()) parts.push_back({std::move(rest), Verdict::unknown, at, mixed_reason});
}

// The Possible parts a run on rewritten packets added (from `first` on), pulled back to the
// originals `orig` (rewritten in `fields`), as pull_back() does for the parts.
void pull_back_possible(Ctx& cx, std::size_t first, const PacketSet& orig, const std::vector<Field>& fields) {
    if (!cx.possible) return;
    std::vector<Maybe>& all = *cx.possible;
    std::size_t kept = first;
    for (std::size_t i = first; i < all.size(); ++i) {
        PacketSet w = std::move(all[i].set);
        for (Field f : fields) w = w.widened(f);
        w = w & orig;
        if (w.empty()) continue;
        all[i].set = std::move(w);
        if (kept != i) all[kept] = std::move(all[i]);
        ++kept;
    }
    all.resize(kept);
}

// Walks one item until all its packets have a part or a new item.
void walk(Ctx& cx, Item it, int depth, std::vector<Item>& work, std::vector<Part>& parts, std::vector<Fork>& forks) {
    const Ruleset& rs = cx.rs;
    std::optional<Hull> hull;  // contains it.set; reset whenever it.set grows or is replaced
    for (;;) {
        if (it.set.empty()) return;
        if (it.top < 0) {
            if (it.step >= cx.steps.size()) {
                parts.push_back({std::move(it.set), Verdict::accept, it.dec.pick(), ""});
                return;
            }
            const Step& s = cx.steps[it.step];
            if (s.nat) {  // only new packets traverse nat
                PacketSet later = it.set - cx.new_state;
                if (!later.empty()) {
                    work.push_back(Item{std::move(later), it.step + 1, -1, 0, false, it.dec, it.notracked});
                    it.set = it.set & cx.new_state;
                    hull.reset();
                    if (it.set.empty()) return;
                }
            }
            it.top = cx.push(Node{s.chain, -1, 0, -1});
            it.rule = 0;
        }
        const Step& s = cx.steps[it.step];
        const Table& t = table_of(rs, s);
        const Node node = cx.nodes[static_cast<std::size_t>(it.top)];
        const Chain& ch = t.chains[static_cast<std::size_t>(node.chain)];

        if (it.rule >= ch.rules.size()) {  // falls off the end: return
            if (node.parent >= 0) {
                it.top = node.parent;
                it.rule = node.ret;
                continue;
            }
            apply_policy(cx, std::move(it), work, parts);
            return;
        }

        const Rule& r = ch.rules[it.rule];
        Ref at{static_cast<int>(it.step), node.chain, static_cast<int>(it.rule)};
        PacketSet m;
        if (it.fire) {
            it.fire = false;
            m = std::move(it.set);
            it.set = PacketSet();
            hull.reset();
        } else {
            if (r.target.action == Action::continue_) {  // never changes a verdict
                ++it.rule;
                continue;
            }
            const Assumptions::RuleState state =
                r.decidable() ? Assumptions::RuleState::decided : cx.assume.state(r);
            if (state == Assumptions::RuleState::never) {   // assumed not to match
                ++it.rule;
                continue;
            }
            if (!hull) {
                hull = hull_of(it.set);
                if (s.raw) {   // raw's rules see one state, whatever the packets' own
                    auto seen = static_cast<uint128>(raw_view_state(it.notracked));
                    hull->dim[static_cast<int>(Field::state)] = {seen, seen};
                }
            }
            if (misses(r, *hull)) {
                ++it.rule;
                continue;
            }
            const PacketSet& rp = cx.packets_seen(s, node.chain, it.rule, it.notracked);
            if (state == Assumptions::RuleState::undecided) {
                m = it.set & rp;
                // A NOTRACK that changes nothing (traversal.hpp, raw_view_state) needs no fork.
                PacketSet fm = r.target.action != Action::notrack ? m
                             : s.raw ? (it.notracked ? PacketSet() : m)
                                     : m - cx.untracked;
                if (!fm.empty()) {
                    Cause cause = first_undecided(r, &cx.assume);
                    Fork f{fm, {}, at, undecided_reason(rs, r, cause.module, cause.why)};
                    if (depth >= max_fork_depth || cx.forks >= max_forks) {
                        f.fire.push_back({fm, Verdict::unknown, at, depth_reason(rs, r)});
                    } else {
                        ++cx.forks;
                        cx.fork_path.push_back(at);
                        f.fire = run(cx, Item{fm, it.step, it.top, it.rule, true, it.dec, it.notracked}, depth + 1);
                        cx.fork_path.pop_back();
                    }
                    forks.push_back(std::move(f));
                }
                ++it.rule;
                continue;
            }
            m = it.set & rp;
            if (!m.empty()) it.set = it.set - rp;   // it.set keeps the rest
            if (m.empty()) {
                ++it.rule;
                continue;
            }
            // The rest lies within the old hull: keep it (a wider hull only skips fewer rules)
            // rather than pay a pass over a large set at every rule that takes something.
        }
        ++it.rule;
        // The packets `m` meet the rule's target; `it` goes on with the rest.
        const Target& tg = r.target;
        switch (tg.action) {
            case Action::accept:
            case Action::snat: {
                Deciders d = it.dec;
                d.accepted(rs, cx.steps, at);
                work.push_back(Item{std::move(m), it.step + 1, -1, 0, false, d, it.notracked});
                break;
            }
            case Action::drop: parts.push_back({std::move(m), Verdict::drop, at, ""}); break;
            case Action::reject: parts.push_back({std::move(m), Verdict::reject, at, ""}); break;
            case Action::unknown: parts.push_back({std::move(m), Verdict::unknown, at, unknown_target_reason(rs, r)}); break;
            case Action::continue_: it.set |= m; break;  // only on the fire branch of a fork
            case Action::return_:
                if (node.parent >= 0) work.push_back(Item{std::move(m), it.step, node.parent, node.ret, false, it.dec, it.notracked});
                else apply_policy(cx, Item{std::move(m), it.step, it.top, 0, false, it.dec, it.notracked}, work, parts);
                break;
            case Action::jump:
            case Action::go_to: {
                int target = jump_target(t, r);
                if (target < 0) {
                    parts.push_back({std::move(m), Verdict::unknown, at, unknown_target_reason(rs, r)});
                } else if (cx.on_path(it.top, target)) {
                    parts.push_back({std::move(m), Verdict::unknown, at, loop_reason(rs, t, r)});
                } else {
                    Node n = tg.action == Action::jump ? Node{target, it.top, it.rule, -1}
                                                       : Node{target, node.parent, node.ret, it.top};
                    work.push_back(Item{std::move(m), it.step, cx.push(n), 0, false, it.dec, it.notracked});
                }
                break;
            }
            case Action::notrack: {
                // Unchanged: in raw, packets already notracked; elsewhere, packets already
                // untracked. The others become untracked and notracked (traversal.hpp).
                PacketSet change, same;
                if (s.raw) (it.notracked ? same : change) = std::move(m);
                else {
                    change = m - cx.untracked;
                    same = m & cx.untracked;
                }
                it.set |= same;
                hull.reset();
                if (change.empty()) break;
                PacketSet image = change.with_field(Field::state, static_cast<uint128>(ConnState::untracked));
                const std::size_t first = cx.possible ? cx.possible->size() : 0;
                std::vector<Part> sub = run(cx, Item{image, it.step, it.top, it.rule, false, it.dec, true}, depth);
                pull_back_possible(cx, first, change, {Field::state});
                pull_back(sub, change, {Field::state}, false, at, "", parts);
                break;
            }
            case Action::redirect:
                if (cx.hook == Hook::forward) {
                    parts.push_back({std::move(m), Verdict::unknown, at, redirect_reason(rs, r)});
                    break;
                }
                [[fallthrough]];
            case Action::dnat: {
                Deciders d = it.dec;
                d.accepted(rs, cx.steps, at);
                std::vector<Field> fields;
                PacketSet image = m;
                bool many = false;
                if (rewrites_address(tg)) {
                    image = image.with_field(Field::dst_addr, {*tg.to_address});
                    fields.push_back(Field::dst_addr);
                    many = many || tg.to_address->lo != tg.to_address->hi;
                }
                if (rewrites_port(tg)) {  // with_field leaves packets without ports as they are
                    image = image.with_field(Field::dst_port, {*tg.to_port});
                    fields.push_back(Field::dst_port);
                    many = many || tg.to_port->lo != tg.to_port->hi;
                }
                if (fields.empty()) {
                    work.push_back(Item{std::move(m), it.step + 1, -1, 0, false, d, it.notracked});
                    break;
                }
                const std::size_t first = cx.possible ? cx.possible->size() : 0;
                std::vector<Part> sub = run(cx, Item{image, it.step + 1, -1, 0, false, d, it.notracked}, depth);
                pull_back_possible(cx, first, m, fields);
                pull_back(sub, m, fields, many, at, dnat_range_reason(rs, r), parts);
                break;
            }
        }
    }
}

std::vector<Part> run(Ctx& cx, Item start, int depth) {
    std::vector<Item> work;
    std::vector<Part> parts;
    std::vector<Fork> forks;
    work.push_back(std::move(start));
    while (!work.empty()) {
        Item it = std::move(work.back());
        work.pop_back();
        walk(cx, std::move(it), depth, work, parts, forks);
    }
    // Innermost fork first: a later fork lies downstream of (or beside) an earlier one.
    for (auto f = forks.rbegin(); f != forks.rend(); ++f) {
        std::vector<Part> out;
        for (Part& p : parts) {
            if (!p.set.intersects(f->m)) {
                out.push_back(std::move(p));
                continue;
            }
            PacketSet inside = p.set & f->m;
            PacketSet outside = p.set - f->m;
            if (!outside.empty()) out.push_back({std::move(outside), p.verdict, p.by, p.reason});
            for (const Part& q : f->fire) {
                PacketSet x = inside & q.set;
                if (x.empty()) continue;
                if (cx.possible) {   // what each branch gives, where the assignment matters
                    auto note = [&](const Part& b) {
                        if (b.verdict == Verdict::unknown) return;   // its own forks said it
                        std::vector<Ref> deps = cx.fork_path;
                        deps.push_back(f->at);
                        cx.possible->push_back({x, b.verdict, b.by, std::move(deps)});
                    };
                    if (q.verdict != p.verdict) note(p);
                    if (q.verdict != p.verdict || !(q.by == p.by)) note(q);
                }
                if (q.verdict == p.verdict) out.push_back({std::move(x), p.verdict, p.by, p.reason});
                else out.push_back({std::move(x), Verdict::unknown, f->at, f->reason});
            }
        }
        parts = merged(std::move(out));
    }
    return merged(std::move(parts));
}

}  // namespace

std::vector<Outcome> evaluate(const Ruleset& ruleset, Hook hook, const PacketSet& packets, const Assumptions& assume,
                              std::vector<Possible>* possible) {
    std::vector<Part> parts;
    // Family 0 (Windows) governs both families.
    PacketSet governed = ruleset.family == 0
                             ? packets
                             : packets & PacketSet::where(Field::family, static_cast<uint128>(ruleset.family));
    for (int family : {4, 6}) {
        if (ruleset.family == 0 || family == ruleset.family) continue;
        PacketSet other = packets & PacketSet::where(Field::family, static_cast<uint128>(family));
        if (!other.empty()) parts.push_back({std::move(other), Verdict::unknown, Ref{}, family_reason(ruleset.family, family)});
    }
    Ctx cx(ruleset, hook, assume);
    std::vector<Maybe> maybes;
    if (possible) cx.possible = &maybes;
    if (!governed.empty()) {
        std::vector<Part> got = run(cx, Item{governed, 0, -1, 0, false, {}}, 0);
        parts.insert(parts.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
    }
    std::vector<Outcome> out;
    for (Part& p : merged(std::move(parts))) {
        Outcome o;
        o.packets = std::move(p.set);
        o.verdict = p.verdict;
        if (p.by.valid()) o.decided_by = make_ref(ruleset, cx.steps, p.by);
        o.reason = std::move(p.reason);
        out.push_back(std::move(o));
    }
    if (possible) {   // one entry per (verdict, decider, dependencies)
        std::map<std::tuple<Verdict, int, int, int, std::vector<std::tuple<int, int, int>>>, std::size_t> where;
        for (Maybe& m : maybes) {
            std::sort(m.deps.begin(), m.deps.end(), [](const Ref& a, const Ref& b) {
                return std::tuple(a.step, a.chain, a.rule) < std::tuple(b.step, b.chain, b.rule);
            });
            std::vector<std::tuple<int, int, int>> deps;
            for (const Ref& d : m.deps) deps.emplace_back(d.step, d.chain, d.rule);
            auto [it, fresh] = where.try_emplace({m.verdict, m.by.step, m.by.chain, m.by.rule, deps}, possible->size());
            if (!fresh) {
                (*possible)[it->second].packets |= m.set;
                continue;
            }
            Possible p{std::move(m.set), m.verdict, std::nullopt, {}};
            if (m.by.valid()) p.decided_by = make_ref(ruleset, cx.steps, m.by);
            for (const Ref& d : m.deps) p.depends_on.push_back(make_ref(ruleset, cx.steps, d));
            possible->push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace rulegap
