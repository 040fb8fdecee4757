#include "rulegap/ruleset.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "lib/model/jump_loops.hpp"

namespace rulegap {

std::string_view to_string(Action a) {
    switch (a) {
        case Action::accept:
            return "accept";
        case Action::drop:
            return "drop";
        case Action::reject:
            return "reject";
        case Action::return_:
            return "return";
        case Action::jump:
            return "jump";
        case Action::go_to:
            return "goto";
        case Action::continue_:
            return "continue";
        case Action::dnat:
            return "dnat";
        case Action::snat:
            return "snat";
        case Action::redirect:
            return "redirect";
        case Action::notrack:
            return "notrack";
        case Action::unknown:
            return "unknown";
    }
    return "unknown";
}

PacketSet Condition::packets() const {
    PacketSet s = PacketSet::all();
    for (const FieldRange& r : all_of) s &= PacketSet::where(r.field, r.values);
    return negated ? s.complement() : s;
}

std::optional<bool> Condition::matches(const Packet& p) const {
    if (undecided) return std::nullopt;
    // Well-formedness: a packet outside the universe of a field (ports of icmp, ...) has the
    // value 0 there, exactly as PacketSet::where sees it.
    bool all = true;
    for (const FieldRange& r : all_of) {
        std::optional<uint128> v = field_value(p, r.field);
        if (!v) return std::nullopt;
        bool in =
            std::any_of(r.values.begin(), r.values.end(), [&](const Interval& i) { return i.contains(*v); });
        if (!in) {
            all = false;
            break;
        }
    }
    return negated ? !all : all;
}

bool Rule::decidable() const {
    return std::none_of(conditions.begin(), conditions.end(), [](const Condition& c) { return c.undecided; });
}

PacketSet Rule::packets() const {
    PacketSet s = PacketSet::all();
    for (const Condition& c : conditions)
        if (!c.undecided) s &= c.packets();
    return s;
}

const Chain* Table::chain(std::string_view n) const {
    for (const Chain& c : chains)
        if (c.name == n) return &c;
    return nullptr;
}
Chain* Table::chain(std::string_view n) {
    for (Chain& c : chains)
        if (c.name == n) return &c;
    return nullptr;
}
int Table::chain_index(std::string_view n) const {
    for (std::size_t i = 0; i < chains.size(); ++i)
        if (chains[i].name == n) return static_cast<int>(i);
    return -1;
}

const Table* Ruleset::table(std::string_view n) const {
    for (const Table& t : tables)
        if (t.name == n) return &t;
    return nullptr;
}
Table* Ruleset::table(std::string_view n) {
    for (Table& t : tables)
        if (t.name == n) return &t;
    return nullptr;
}
std::string_view Ruleset::keep(std::string text) {
    if (!kept_) kept_ = std::make_shared<std::deque<std::string>>();
    return kept_->emplace_back(std::move(text));
}

Table& Ruleset::add_table(std::string n) {
    if (Table* t = table(n)) return *t;
    tables.push_back(Table{std::move(n), 0, {}});
    return tables.back();
}

void Ruleset::link() {
    for (Table& t : tables) {
        // By name, hashed: a kube-proxy table has 100k chains and as many jumps. A target that
        // already holds the index of a chain of its name (a reader resolved it) is kept, and
        // the names are hashed only when some target needs them.
        std::unordered_map<std::string_view, int> index;
        for (Chain& c : t.chains) {
            for (Rule& r : c.rules) {
                if (r.target.action != Action::jump && r.target.action != Action::go_to) continue;
                if (r.target.chain >= 0 && static_cast<std::size_t>(r.target.chain) < t.chains.size() &&
                    t.chains[static_cast<std::size_t>(r.target.chain)].name == r.target.name)
                    continue;
                if (index.empty()) {
                    index.reserve(t.chains.size());
                    for (std::size_t i = 0; i < t.chains.size(); ++i)
                        index.emplace(t.chains[i].name, static_cast<int>(i));
                }
                auto found = index.find(r.target.name);
                r.target.chain = found == index.end() ? -1 : found->second;
                if (r.target.chain < 0) {
                    diagnostics.error(where(r), "no chain '" + std::string(r.target.name) + "' in table " +
                                                    t.name + " (rule's verdict is unknown)");
                    r.target.action = Action::unknown;
                }
            }
        }
    }
    detail::report_jump_loops(*this);
}

namespace detail {

// Chains that jump (or go) to each other in a loop: the kernel refuses such a ruleset, so it is
// an input error, reported at the rule that closes the loop. The evaluator does not recurse
// through it either (the verdict is unknown there). Iterative depth-first search: deep chain
// nesting cannot overflow the stack.
void report_jump_loops(Ruleset& rs) {
    for (const Table& t : rs.tables) {
        const std::size_t n = t.chains.size();
        std::vector<std::uint8_t> state(n, 0);  // 0 unseen, 1 on the current path, 2 done
        struct Frame {
            std::size_t chain;
            std::size_t next_rule;
        };
        std::vector<Frame> stack;
        for (std::size_t root = 0; root < n; ++root) {
            if (state[root] != 0) continue;
            state[root] = 1;
            stack.push_back({root, 0});
            while (!stack.empty()) {
                Frame& f = stack.back();
                const Chain& c = t.chains[f.chain];
                if (f.next_rule == c.rules.size()) {
                    state[f.chain] = 2;
                    stack.pop_back();
                    continue;
                }
                const Rule& r = c.rules[f.next_rule++];
                if ((r.target.action != Action::jump && r.target.action != Action::go_to) ||
                    r.target.chain < 0)
                    continue;
                auto to = static_cast<std::size_t>(r.target.chain);
                if (state[to] == 1) {
                    rs.diagnostics.error(
                        rs.where(r),
                        "jump loop: chain " + c.name + " leads back to chain " + t.chains[to].name +
                            " in table " + t.name +
                            " (iptables-restore refuses loops; verdicts through it are unknown)");
                } else if (state[to] == 0) {
                    state[to] = 1;
                    stack.push_back({to, 0});
                }
            }
        }
    }
}

}  // namespace detail

}  // namespace rulegap
