#include "rulegap/assume.hpp"

#include <algorithm>

namespace rulegap {

namespace {

constexpr std::string_view names[unmodelled_count] = {
    "other", "recent", "limit", "hashlimit", "connlimit", "statistic", "quota",   "time",   "string",
    "u32",   "mac",    "owner", "set",       "mark",      "connmark",  "program", "unknown"};

}  // namespace

std::string_view to_string(Unmodelled u) { return names[static_cast<std::size_t>(u)]; }

std::optional<Unmodelled> parse_unmodelled(std::string_view name) {
    for (int i = 1; i < unmodelled_count; ++i)
        if (names[i] == name) return static_cast<Unmodelled>(i);
    return std::nullopt;
}

Unmodelled unmodelled_module(std::string_view module) {
    for (int i = 1; i < unmodelled_count; ++i)
        if (names[i] == module && names[i] != "program" && names[i] != "unknown")
            return static_cast<Unmodelled>(i);
    return Unmodelled::unknown;
}

std::string to_string(const Assumption& a) {
    return std::string(to_string(a.module)) + (a.match ? "=match" : "=nomatch");
}

std::optional<Assumption> parse_assumption(std::string_view text) {
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::optional<Unmodelled> m = parse_unmodelled(text.substr(0, eq));
    std::string_view v = text.substr(eq + 1);
    if (!m || (v != "match" && v != "nomatch")) return std::nullopt;
    return Assumption{*m, v == "match", {}};
}

std::string assumable_names() {
    std::string out;
    for (int i = 1; i < unmodelled_count; ++i) out += (out.empty() ? "" : ", ") + std::string(names[i]);
    return out;
}

void Assumptions::set(const Assumption& a) {
    auto& slot = slots_[static_cast<std::size_t>(a.module)];
    if (!slot) ++count_;
    slot = a;
}

void Assumptions::override_with(const Assumptions& over) {
    for (const auto& s : over.slots_)
        if (s) set(*s);
}

const Assumption* Assumptions::of(Unmodelled module) const {
    const auto& slot = slots_[static_cast<std::size_t>(module)];
    return slot ? &*slot : nullptr;
}

std::vector<Assumption> Assumptions::list() const {
    std::vector<Assumption> out;
    for (const auto& s : slots_)
        if (s) out.push_back(*s);
    return out;
}

Assumptions::RuleState Assumptions::state(const Rule& r) const {
    RuleState out = RuleState::decided;
    for (const Condition& c : r.conditions) {
        if (!c.undecided) continue;
        std::optional<bool> v = value(c);
        if (!v)
            out = RuleState::undecided;
        else if (!*v)
            return RuleState::never;
    }
    return out;
}

const Condition* Assumptions::first_open(const Rule& r) const {
    for (const Condition& c : r.conditions)
        if (c.undecided && !value(c)) return &c;
    return nullptr;
}

std::size_t rules_touched(const Ruleset& ruleset, Unmodelled module) {
    std::size_t n = 0;
    for (const Table& t : ruleset.tables)
        for (const Chain& ch : t.chains)
            for (const Rule& r : ch.rules)
                n += std::any_of(r.conditions.begin(), r.conditions.end(),
                                 [&](const Condition& c) { return c.undecided && c.unmodelled == module; })
                         ? 1
                         : 0;
    return n;
}

}  // namespace rulegap
