// The netfilter order of tables and chains, deciders, and the wording of traces and reasons.
#include "lib/eval/traversal.hpp"

#include <cctype>

namespace rulegap::eval {
namespace {

struct Hop {
    const char* table;
    const char* chain;
};

// netfilter's order (see NOTES.md "iptables"): routing happens between PREROUTING and the
// INPUT/FORWARD chains; the nat INPUT chain runs last on INPUT.
constexpr Hop forward_hops[] = {
    {"raw", "PREROUTING"}, {"mangle", "PREROUTING"}, {"nat", "PREROUTING"},     {"mangle", "FORWARD"},
    {"filter", "FORWARD"}, {"security", "FORWARD"},  {"mangle", "POSTROUTING"}, {"nat", "POSTROUTING"},
};
constexpr Hop input_hops[] = {
    {"raw", "PREROUTING"}, {"mangle", "PREROUTING"}, {"nat", "PREROUTING"}, {"mangle", "INPUT"},
    {"filter", "INPUT"},   {"security", "INPUT"},    {"nat", "INPUT"},
};
constexpr Hop output_hops[] = {
    {"raw", "OUTPUT"},      {"mangle", "OUTPUT"},      {"nat", "OUTPUT"},      {"filter", "OUTPUT"},
    {"security", "OUTPUT"}, {"mangle", "POSTROUTING"}, {"nat", "POSTROUTING"},
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string address_text(uint128 a, int family) {
    return family == 6 ? "[" + format_address(a, 6) + "]" : format_address(a, 4);
}

std::string range_text(const Interval& i, int family, bool address) {
    auto one = [&](uint128 v) {
        return address ? address_text(v, family) : std::to_string(static_cast<unsigned>(v));
    };
    return i.lo == i.hi ? one(i.lo) : one(i.lo) + "-" + one(i.hi);
}

}  // namespace

std::vector<Step> steps_for(const Ruleset& rs, Hook hook) {
    const Hop* begin = forward_hops;
    const Hop* end = forward_hops + std::size(forward_hops);
    if (hook == Hook::input) {
        begin = input_hops;
        end = input_hops + std::size(input_hops);
    } else if (hook == Hook::output) {
        begin = output_hops;
        end = output_hops + std::size(output_hops);
    }
    std::vector<Step> out;
    for (const Hop* h = begin; h != end; ++h) {
        for (std::size_t t = 0; t < rs.tables.size(); ++t) {
            if (rs.tables[t].name != h->table) continue;
            int c = rs.tables[t].chain_index(h->chain);
            if (c >= 0)
                out.push_back(
                    {static_cast<int>(t), c, rs.tables[t].name == "nat", rs.tables[t].name == "raw"});
            break;
        }
    }
    return out;
}

void Deciders::accepted(const Ruleset& rs, const std::vector<Step>& steps, Ref at) {
    const std::string& name =
        rs.tables[static_cast<std::size_t>(steps[static_cast<std::size_t>(at.step)].table)].name;
    if (name == "filter")
        filter = at;
    else if (name == "nat")
        nat = at;
    else
        other = at;
}

RuleRef make_ref(const Ruleset& rs, const std::vector<Step>& steps, Ref at) {
    const Step& s = steps[static_cast<std::size_t>(at.step)];
    const Table& t = table_of(rs, s);
    return make_ref(rs, t, t.chains[static_cast<std::size_t>(at.chain)], at.rule);
}

RuleRef make_ref(const Ruleset& rs, const Table& t, const Chain& c, int rule) {
    RuleRef out;
    out.table = t.name;
    out.chain = c.name;
    out.rule = rule;
    if (rule < 0) {
        SourceLoc where = rs.policy_where(c);
        out.line = where.line;
        out.text = !c.policy_text.empty()
                       ? c.policy_text
                       : ":" + c.name + " " + upper(c.policy ? to_string(*c.policy) : "accept");
        out.file = std::move(where.file);
        out.name = std::move(where.name);
    } else {
        const Rule& r = c.rules[static_cast<std::size_t>(rule)];
        SourceLoc where = rs.where(r);
        out.line = r.line;
        out.text = r.text;
        out.file = std::move(where.file);
        out.name = std::move(where.name);
    }
    return out;
}

bool property_module(const std::string& m) {
    return m == "mac" || m == "owner" || m == "set" || m == "mark" || m == "connmark" || m == "program" ||
           m == "service";
}

Verdict policy_verdict(const Chain& c) {
    if (!c.policy) return Verdict::accept;
    switch (*c.policy) {
        case Action::accept:
            return Verdict::accept;
        case Action::drop:
            return Verdict::drop;
        case Action::reject:
            return Verdict::reject;
        default:
            return Verdict::unknown;
    }
}

std::string policy_action(const Chain& c) {
    return "policy " + std::string(c.policy ? to_string(*c.policy) : "accept");
}

int jump_target(const Table& t, const Rule& r) {
    int c = r.target.chain;
    if (c >= 0 && static_cast<std::size_t>(c) < t.chains.size() &&
        t.chains[static_cast<std::size_t>(c)].name == r.target.name)
        return c;
    return t.chain_index(r.target.name);  // an unlinked model
}

std::string rule_at(const Ruleset& rs, const Rule& r) {
    SourceLoc where = rs.where(r);
    where.column = 0;
    return "rule at " + where.to_string();
}

std::string undecided_reason(const Ruleset& rs, const Rule& r, const std::string& module,
                             const std::string& why) {
    return module + ": " + why + " (" + rule_at(rs, r) + ")";
}

std::string unknown_target_reason(const Ruleset& rs, const Rule& r) {
    std::string name = r.target.name.empty() ? std::string("(none)") : std::string(r.target.name);
    return "target " + name + " is not modelled (" + rule_at(rs, r) + ")";
}

std::string loop_reason(const Ruleset& rs, const Table& t, const Rule& r) {
    return "jump loop in table " + t.name + ": chain " + std::string(r.target.name) +
           " is already being traversed (" + rule_at(rs, r) + "; the kernel refuses such rulesets)";
}

std::string redirect_reason(const Ruleset& rs, const Rule& r) {
    return "REDIRECT sends it to this host, not through FORWARD (" + rule_at(rs, r) + ")";
}

std::string dnat_range_reason(const Ruleset& rs, const Rule& r) {
    return "DNAT to a range: the verdict depends on which destination the kernel picks (" + rule_at(rs, r) +
           ")";
}

std::string depth_reason(const Ruleset& rs, const Rule& r) {
    return "too many nested undecided conditions to follow (" + rule_at(rs, r) + ")";
}

std::string family_reason(int ruleset_family, int packet_family) {
    return "ruleset is for IPv" + std::to_string(ruleset_family) + "; packet is IPv" +
           std::to_string(packet_family);
}

std::string policy_reason(const Table& t, const Chain& c) {
    return "policy " + std::string(c.policy ? to_string(*c.policy) : "accept") + " of " + t.name + " " +
           c.name + " is not modelled";
}

Cause first_undecided(const Rule& r, const Assumptions* a) {
    for (const Condition& c : r.conditions)
        if (c.undecided && !(a && a->value(c)))
            return {c.module.empty() ? std::string("unknown match") : c.module,
                    c.reason.empty() ? std::string("cannot be decided statically") : c.reason};
    return {"?", "cannot be decided statically"};
}

std::string action_text(const Rule& r, int family) {
    const Target& t = r.target;
    switch (t.action) {
        case Action::accept:
        case Action::drop:
        case Action::reject:
        case Action::return_:
        case Action::notrack:
            return std::string(to_string(t.action));
        case Action::jump:
            return "jump " + std::string(t.name);
        case Action::go_to:
            return "goto " + std::string(t.name);
        case Action::continue_:
            return t.name.empty() ? std::string("continue") : lower(t.name);
        case Action::snat:
            return t.name.empty() ? std::string("snat") : lower(t.name);
        case Action::dnat: {
            std::string out = "dnat to ";
            if (t.to_address) out += range_text(*t.to_address, family, true);
            if (t.to_port) out += ":" + range_text(*t.to_port, family, false);
            return out;
        }
        case Action::redirect:
            return t.to_port ? "redirect to port " + range_text(*t.to_port, family, false)
                             : std::string("redirect");
        case Action::unknown:
            return "unknown target " + std::string(t.name);
    }
    return "?";
}

bool rewrites_address(const Target& t) { return t.action == Action::dnat && t.to_address.has_value(); }
bool rewrites_port(const Target& t) {
    return (t.action == Action::dnat || t.action == Action::redirect) && t.to_port.has_value();
}

}  // namespace rulegap::eval
