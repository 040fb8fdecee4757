// evaluate() and Evaluator: a whole PacketSet through one hook. The hook is compiled once into a
// decision diagram (lib/eval/compile.*: every chain bottom-up, undecided matches as free
// variables, assumptions applied), its variables are resolved as explain() compares its forks,
// and the result is cut by outcome within the packets asked about. Possible outcomes come from
// the same diagram before resolving: the accepts some assignment of the variables gives.
#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "lib/dd/preimage.hpp"
#include "lib/eval/compile.hpp"
#include "lib/packetset/set_space.hpp"
#include "lib/threads/large_stack.hpp"

namespace rulegap {

namespace {

constexpr std::uint32_t outside = 0x7fffffffu;  // a terminal: not among the packets asked about

// Work allowed for finding the Possible accepts: final ids held in all the sets below. Long
// runs of undecided accepting rules (10,000 `-m mac ... -j ACCEPT`) make it quadratic; past it,
// the accepts are reported as one entry without a rule (evaluate.hpp).
constexpr std::size_t max_depends_on = 20;  // Possible::depends_on: the first, in rule order
constexpr std::size_t possible_budget = std::size_t{4} << 20;

// Sets of final ids (sorted), interned: id 0 is the empty set.
struct SetTable {
    std::vector<std::vector<std::uint32_t>> sets{{}};
    std::map<std::vector<std::uint32_t>, std::uint32_t> ids{{{}, 0}};
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> unions;
    std::size_t stored = 0;
    bool over() const { return stored > possible_budget; }
    std::uint32_t id(std::vector<std::uint32_t> s) {
        auto [it, fresh] = ids.try_emplace(s, static_cast<std::uint32_t>(sets.size()));
        if (fresh) {
            stored += s.size();
            sets.push_back(std::move(s));
        }
        return it->second;
    }
    std::uint32_t unite(std::uint32_t a, std::uint32_t b) {
        if (a == b || b == 0) return a;
        if (a == 0) return b;
        auto key = std::minmax(a, b);
        auto it = unions.find(key);
        if (it != unions.end()) return it->second;
        std::vector<std::uint32_t> u;
        std::set_union(sets[a].begin(), sets[a].end(), sets[b].begin(), sets[b].end(), std::back_inserter(u));
        std::uint32_t r = id(std::move(u));
        unions.emplace(key, r);
        return r;
    }
};

bool before(const eval::Ref& a, const eval::Ref& b) {
    return std::tuple(a.step, a.chain, a.rule) < std::tuple(b.step, b.chain, b.rule);
}

}  // namespace

struct Evaluator::Compiled {
    const Ruleset& rs;
    Hook hook;
    Assumptions assume;
    std::shared_ptr<detail::SetSpace> space = detail::new_space();
    std::unique_ptr<eval::CompiledHook> compiled;
    dd::Ref resolved = dd::zero;
    std::uint32_t op_within = 0;
    // The accepts some assignment gives (made on the first request): a diagram over the packet
    // fields whose terminals index `may_sets`, and per accepting final the variables it depends on.
    bool have_possible = false;
    dd::Ref may = dd::zero;
    SetTable may_sets;
    std::map<std::uint32_t, std::vector<std::uint32_t>> deps;

    Compiled(const Ruleset& r, Hook h, const Assumptions& a) : rs(r), hook(h), assume(a) {}

    // Under the space's lock.
    void compile() {
        if (compiled) return;
        eval::CompileOptions o;
        o.assume = assume.empty() ? nullptr : &assume;
        compiled = std::make_unique<eval::CompiledHook>(space->space, rs, hook, o);
        resolved = compiled->resolve();
        dd::Manager& m = space->space.manager();
        op_within = m.new_op();
    }

    // An accepting final with a deciding rule or policy: the set {it}; else the empty set.
    std::uint32_t accepts_of(std::uint32_t raw_terminal) {
        const std::uint32_t f = compiled->final_of_raw(raw_terminal);
        const eval::Final& fin = compiled->finals()[f];
        return fin.verdict == Verdict::accept && fin.by.valid() ? may_sets.id({f}) : 0;
    }

    void find_possible() {
        if (have_possible) return;
        have_possible = true;
        dd::Manager& m = space->space.manager();
        const std::uint32_t op_union = m.new_op();
        std::unordered_map<dd::Ref, dd::Ref> memo;
        std::unordered_map<dd::Ref, std::uint32_t> reach;
        // Which accepting finals a node's diagram can reach.
        auto reach_of = [&](auto&& self, dd::Ref n) -> std::uint32_t {
            if (dd::is_terminal(n)) return accepts_of(dd::terminal_value(n));
            if (may_sets.over()) return 0;
            if (auto it = reach.find(n); it != reach.end()) return it->second;
            std::uint32_t r = 0;
            for (std::uint32_t i = 0; i < m.edge_count(n); ++i)
                r = may_sets.unite(r, self(self, m.edge_child(n, i)));
            if (dd::Space::is_variable(m.level(n))) {
                const std::uint32_t var = compiled->variable_at(m.level(n));
                for (std::uint32_t f : may_sets.sets[r]) deps[f].push_back(var);
            }
            reach.emplace(n, r);
            return r;
        };
        reach_of(reach_of, compiled->raw());
        if (may_sets.over()) return;
        for (auto& [f, vars] : deps) {
            std::sort(vars.begin(), vars.end());
            vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
        }
        // The variables taken away: each one's two branches united.
        auto rec = [&](auto&& self, dd::Ref n) -> dd::Ref {
            if (dd::is_terminal(n)) return dd::terminal(accepts_of(dd::terminal_value(n)));
            if (may_sets.over()) return dd::terminal(0);
            if (auto it = memo.find(n); it != memo.end()) return it->second;
            const std::uint32_t l = m.level(n);
            dd::Ref out;
            if (!dd::Space::is_variable(l)) {
                std::vector<uint128> his;
                std::vector<dd::Ref> kids;
                for (std::uint32_t i = 0; i < m.edge_count(n); ++i) {
                    his.push_back(m.edge_hi(n, i));
                    kids.push_back(self(self, m.edge_child(n, i)));
                }
                out = m.make(l, his, kids);
            } else {
                out = m.apply(
                    op_union, self(self, m.child_for(n, 0)), self(self, m.child_for(n, 1)),
                    [&](dd::Ref x, dd::Ref y) -> std::optional<dd::Ref> {
                        if (x == y) return x;
                        if (!dd::is_terminal(x) || !dd::is_terminal(y)) return std::nullopt;
                        return dd::terminal(may_sets.unite(dd::terminal_value(x), dd::terminal_value(y)));
                    });
            }
            memo.emplace(n, out);
            return out;
        };
        may = rec(rec, compiled->raw());
    }

    std::vector<Outcome> run(dd::Ref input, std::vector<Possible>* possible) {
        compile();
        dd::Manager& m = space->space.manager();
        // The resolved diagram within the input.
        dd::Ref r = m.apply(op_within, resolved, input, [](dd::Ref x, dd::Ref y) -> std::optional<dd::Ref> {
            if (y == dd::zero) return dd::terminal(outside);
            if (y == dd::one && dd::is_terminal(x)) return x;
            return std::nullopt;
        });
        std::vector<std::uint32_t> finals = m.terminals(r);
        std::erase(finals, outside);
        const std::vector<eval::Final>& all = compiled->finals();
        std::sort(finals.begin(), finals.end(), [&](std::uint32_t a, std::uint32_t b) {
            const eval::Final& x = all[a];
            const eval::Final& y = all[b];
            if (!(x.by == y.by)) return before(x.by, y.by);
            return std::tie(x.verdict, x.reason) < std::tie(y.verdict, y.reason);
        });
        std::vector<Outcome> out;
        dd::Preimages parts(m, r);
        for (std::uint32_t f : finals) {
            Outcome o;
            o.packets = detail::SetAccess::make(space, parts.of(dd::terminal(f)));
            o.verdict = all[f].verdict;
            if (all[f].by.valid()) o.decided_by = compiled->rule_ref(all[f].by);
            o.reason = all[f].reason;
            out.push_back(std::move(o));
        }
        if (possible) add_possible(parts, finals, input, *possible);
        return out;
    }

    void add_possible(dd::Preimages& parts, const std::vector<std::uint32_t>& finals, dd::Ref input,
                      std::vector<Possible>& out) {
        find_possible();
        dd::Manager& m = space->space.manager();
        if (may_sets.over()) {  // too many to name one by one: where some assignment may accept
            std::vector<dd::Ref> undecided;
            for (std::uint32_t f : finals)
                if (compiled->finals()[f].verdict == Verdict::unknown) undecided.push_back(dd::terminal(f));
            Possible q;
            q.packets = detail::SetAccess::make(space, parts.of(undecided));
            q.verdict = Verdict::accept;
            q.depends_on_total = compiled->variables().size();
            if (!q.packets.empty()) out.push_back(std::move(q));
            return;
        }
        // Per accepting final, the terminals of `may` whose sets hold it.
        std::map<std::uint32_t, std::vector<dd::Ref>> holders;
        for (std::uint32_t t : m.terminals(may))
            for (std::uint32_t f : may_sets.sets[t]) holders[f].push_back(dd::terminal(t));
        dd::Preimages can_get(m, may);
        for (const auto& [f, ts] : holders) {
            auto d = deps.find(f);
            if (d == deps.end() || d->second.empty()) continue;  // no assignment changes it
            dd::Ref p = m.minus(m.intersect(can_get.of(ts), input), parts.of(dd::terminal(f)));
            if (p == dd::zero) continue;
            const eval::Final& fin = compiled->finals()[f];
            Possible q;
            q.packets = detail::SetAccess::make(space, p);
            q.verdict = Verdict::accept;
            q.decided_by = compiled->rule_ref(fin.by);
            std::vector<eval::Ref> rules;
            for (std::uint32_t v : d->second) rules.push_back(compiled->variables()[v].at);
            std::sort(rules.begin(), rules.end(), before);
            rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
            q.depends_on_total = rules.size();
            for (const eval::Ref& at : rules) {
                if (q.depends_on.size() == max_depends_on) break;
                q.depends_on.push_back(compiled->rule_ref(at));
            }
            out.push_back(std::move(q));
        }
    }
};

Evaluator::Evaluator(const Ruleset& ruleset, Hook hook, const Assumptions& assume, std::size_t max_nodes)
    : c_(std::make_unique<Compiled>(ruleset, hook, assume)) {
    c_->space->space.manager().set_max_nodes(max_nodes);
}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

std::vector<Outcome> Evaluator::evaluate(const PacketSet& packets, std::vector<Possible>* possible) {
    if (packets.empty()) return {};
    const std::shared_ptr<detail::SetSpace>& mine = c_->space;
    const std::shared_ptr<detail::SetSpace>& theirs = detail::SetAccess::space(packets);
    std::unique_lock<std::mutex> lock1(mine->mutex, std::defer_lock), lock2;
    dd::Ref input;
    if (theirs == mine) {
        lock1.lock();
        input = detail::SetAccess::root(packets);
    } else {
        lock2 = std::unique_lock<std::mutex>(theirs->mutex, std::defer_lock);
        std::lock(lock1, lock2);
        input = detail::copy_into(theirs->space, detail::SetAccess::root(packets), mine->space);
        lock2.unlock();
    }
    // Compiling recurses per nested chain and per undecided rule on a path: a large stack.
    std::vector<Outcome> out;
    threads::run_with_stack(threads::large_stack, [&] { out = c_->run(input, possible); });
    return out;
}

std::vector<Outcome> evaluate(const Ruleset& ruleset, Hook hook, const PacketSet& packets,
                              const Assumptions& assume, std::vector<Possible>* possible) {
    return Evaluator(ruleset, hook, assume).evaluate(packets, possible);
}

}  // namespace rulegap
