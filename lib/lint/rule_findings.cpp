// Rules that never apply (rule_findings.hpp), from the packets that reach each rule (reach.hpp).
#include "rulegap/rule_findings.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "lib/eval/traversal.hpp"
#include "lib/lint/reach.hpp"

namespace rulegap {

std::string_view to_string(RuleFindingKind k) {
    switch (k) {
        case RuleFindingKind::unreachable:
            return "unreachable";
        case RuleFindingKind::possibly_unreachable:
            return "possibly-unreachable";
        case RuleFindingKind::unmatchable:
            return "unmatchable";
        case RuleFindingKind::partly_shadowed:
            return "partly-shadowed";
        case RuleFindingKind::unreferenced:
            return "unreferenced";
        case RuleFindingKind::redundant_later:
            return "redundant-later";
    }
    return "?";
}

std::string_view to_string(UnreachableReason r) {
    switch (r) {
        case UnreachableReason::none:
            return "";
        case UnreachableReason::shadowed:
            return "shadowed";
        case UnreachableReason::redundant:
            return "redundant";
        case UnreachableReason::no_entry:
            return "no-entry";
    }
    return "?";
}

namespace lint {

namespace {

// The rule (rule >= 0) or, for a chain nothing reaches, the chain's header line (rule == -1).
RuleRef ref_of(const Ruleset& rs, const Table& t, const Chain& c, int rule) {
    if (rule >= 0) return eval::make_ref(rs, t, c, rule);
    RuleRef out;
    out.table = t.name;
    out.chain = c.name;
    out.rule = rule;
    out.line = c.line;
    out.file = rs.file;
    out.text = ":" + c.name;
    return out;
}

std::string percent(const BigCount& part, const BigCount& whole) {
    const double w = whole.to_double();
    if (w <= 0) return "0%";
    const double p = 100.0 * part.to_double() / w;
    return p >= 99.95 && !(part == whole) ? ">99.9%" : p < 0.05 ? "<0.1%" : fmt::format("{:.1f}%", p);
}

// An exact count when short, else three significant digits ("4.34e+96").
std::string short_count(const BigCount& n) {
    const std::string exact = n.to_string();
    return exact.size() <= 12 ? exact : fmt::format("{:.3g}", n.to_double());
}

class Finder {
public:
    Finder(const Ruleset& rs, const RuleFindingOptions& o)
        : rs_(rs),
          o_(o),
          m_(space_.manager()),
          reach_((space_.manager().set_max_nodes(o.max_nodes), space_), rs, o.assume, o.partly_shadowed) {
        universe_ = rs.family == 4 || rs.family == 6 ? space_.family(rs.family) : space_.universe();
    }

    std::vector<RuleFinding> run() {
        for (std::size_t t = 0; t < rs_.tables.size(); ++t)
            for (std::size_t c = 0; c < rs_.tables[t].chains.size(); ++c) judge_chain(t, c);
        merge_parts();
        return std::move(out_);
    }

private:
    struct Cover {
        std::vector<int> rules;
        std::size_t more = 0;
        bool other_action = false;
    };

    const ChainReach& chain_reach(std::size_t t, std::size_t c) const { return reach_.tables()[t].chains[c]; }

    // A small set of earlier rules of the chain whose decided packets cover `target`, by
    // overlap, starting (when `prefer_other`) with the largest rule of another action.
    Cover cover(std::size_t t, std::size_t c, std::size_t i, dd::Ref target, bool only_other) {
        const Chain& ch = rs_.tables[t].chains[c];
        const ChainReach& cr = chain_reach(t, c);
        const std::string key = Reachability::action_key(ch.rules[i]);
        struct Candidate {
            int rule;
            dd::Ref overlap;
            bool other;
        };
        std::vector<Candidate> cands;
        for (std::size_t j = 0; j < i; ++j) {
            if (cr.rules[j].effect == dd::zero || !m_.intersects(cr.rules[j].effect, target)) continue;
            const bool other = Reachability::action_key(ch.rules[j]) != key;
            if (only_other && !other) continue;
            // What it takes (its reach built if it was not: a rule takes only what earlier rules leave).
            reach_.reach_of(static_cast<int>(t), static_cast<int>(c), static_cast<int>(j));
            const dd::Ref taken = cr.rules[j].taken;
            if (taken == dd::zero) continue;
            const dd::Ref ov = m_.intersect(taken, target);
            if (ov != dd::zero) cands.push_back({static_cast<int>(j), ov, other});
        }
        Cover out;
        dd::Ref left = target;
        std::vector<char> used(cands.size(), 0);
        auto pick = [&](bool other_only) {
            std::size_t best = cands.size();
            BigCount best_size;
            for (std::size_t k = 0; k < cands.size(); ++k) {
                if (used[k] || (other_only && !cands[k].other)) continue;
                const dd::Ref ov = m_.intersect(cands[k].overlap, left);
                if (ov == dd::zero) continue;
                const BigCount n = space_.size(reach_.some(ov));
                if (best == cands.size() || n > best_size) {
                    best = k;
                    best_size = n;
                }
            }
            if (best == cands.size()) return false;
            used[best] = 1;
            out.rules.push_back(cands[best].rule);
            out.other_action = out.other_action || cands[best].other;
            left = m_.minus(left, cands[best].overlap);
            return true;
        };
        if (std::any_of(cands.begin(), cands.end(), [](const Candidate& x) { return x.other; })) pick(true);
        while (left != dd::zero && out.rules.size() < o_.max_covering && pick(false)) {}
        if (left != dd::zero)
            for (std::size_t k = 0; k < cands.size(); ++k)
                if (!used[k] && m_.intersect(cands[k].overlap, left) != dd::zero) ++out.more;
        std::sort(out.rules.begin(), out.rules.end());
        return out;
    }

    // A packet of `a` (over packets and variables) and the hook to explain it at.
    void witness(RuleFinding& f, std::size_t t, std::size_t c, dd::Ref a) {
        const ChainReach& cr = reach_.chain(static_cast<int>(t), static_cast<int>(c));
        for (int h = 0; h < 3; ++h) {
            // (a is within the chain's entering set: entered through one hook only, all of it is.)
            const dd::Ref by_hook = cr.by_hook[static_cast<std::size_t>(h)];
            if (cr.built && by_hook == dd::zero) continue;
            const dd::Ref in =
                reach_.some(cr.built && by_hook == cr.entering
                                ? a
                                : reach_.packets_entering(static_cast<int>(t), static_cast<int>(c), a, h));
            if (in == dd::zero) continue;
            f.witness = space_.witness(in);
            f.hook = static_cast<Hook>(h);
            return;
        }
    }

    RuleFinding finding(RuleFindingKind kind, Severity sev, std::size_t t, std::size_t c, int rule) {
        RuleFinding f;
        f.kind = kind;
        f.severity = sev;
        f.rule = ref_of(rs_, rs_.tables[t], rs_.tables[t].chains[c], rule);
        return f;
    }

    void judge_chain(std::size_t t, std::size_t c) {
        const Table& tab = rs_.tables[t];
        const Chain& ch = tab.chains[c];
        const ChainReach& cr = chain_reach(t, c);
        if (!cr.referenced) {
            RuleFinding f =
                finding(RuleFindingKind::unreferenced, Severity::warning, t, c, ch.rules.empty() ? -1 : 0);
            const std::size_t n = ch.rules.size();
            f.message = fmt::format("no rule jumps or goes to chain {}: {}", ch.name,
                                    n == 0   ? "it is empty"
                                    : n == 1 ? "its rule never applies"
                                             : fmt::format("its {} rules never apply", n));
            out_.push_back(std::move(f));
            return;
        }
        if (!cr.entered) {
            if (ch.rules.empty()) return;
            RuleFinding f = finding(RuleFindingKind::unreachable, Severity::warning, t, c, 0);
            f.reason = UnreachableReason::no_entry;
            f.message = fmt::format(
                "no packet enters chain {} (every jump or goto to it is unreachable): its {} rule{} never "
                "apply",
                ch.name, ch.rules.size(), ch.rules.size() == 1 ? "" : "s");
            out_.push_back(std::move(f));
            return;
        }
        for (std::size_t i = 0; i < ch.rules.size(); ++i) judge_rule(t, c, i);
    }

    void judge_rule(std::size_t t, std::size_t c, std::size_t i) {
        const Chain& ch = rs_.tables[t].chains[c];
        const ChainReach& cr = chain_reach(t, c);
        const RuleReach& rr = cr.rules[i];
        const int ri = static_cast<int>(i);
        if (rr.never) return;
        // Its own condition (the walk's match: variables never make it empty), in the family.
        if (m_.intersect(rr.match, universe_) == dd::zero) {
            RuleFinding f = finding(RuleFindingKind::unmatchable, Severity::error, t, c, ri);
            f.message = "its own conditions match no packet";
            out_.push_back(std::move(f));
            return;
        }
        const int ti = static_cast<int>(t), ci = static_cast<int>(c);
        if (!reach_.reaches_rule(ti, ci, ri, false)) {
            // What would reach it with no earlier rule.
            const dd::Ref target = reach_.packets_entering(ti, ci, rr.match, -1);
            RuleFinding f = finding(RuleFindingKind::unreachable, Severity::warning, t, c, ri);
            if (target == dd::zero) {
                f.reason = UnreachableReason::no_entry;
                f.message = fmt::format("no packet that enters chain {} matches it", ch.name);
            } else {
                const Cover cv = cover(t, c, i, target, false);
                f.reason = cv.other_action ? UnreachableReason::shadowed : UnreachableReason::redundant;
                f.severity = cv.other_action ? Severity::error : Severity::warning;
                for (int j : cv.rules) f.covering.push_back(ref_of(rs_, rs_.tables[t], ch, j));
                f.more_covering = cv.more;
                f.message =
                    cv.other_action
                        ? "earlier rules take every packet it matches, some with another action"
                        : "earlier rules with the same action take every packet it matches: it can go";
            }
            out_.push_back(std::move(f));
            return;
        }
        if (!reach_.reaches_rule(ti, ci, ri, true)) {
            // Its own variable is among them (it does not count): one more than shown.
            bool more = false;
            const dd::Ref reach = reach_.packets(ti, ci, reach_.reach_of(ti, ci, ri));
            const std::vector<std::uint32_t> vars = reach_.variables_in(reach, o_.max_covering + 1, more);
            RuleFinding f = finding(RuleFindingKind::possibly_unreachable, Severity::warning, t, c, ri);
            std::vector<std::tuple<int, int, int>> seen;
            for (std::uint32_t v : vars) {
                const ReachVariable& var = reach_.variables()[v];
                if (var.table == static_cast<int>(t) && var.chain == static_cast<int>(c) && var.rule == ri)
                    continue;
                const std::tuple<int, int, int> k{var.table, var.chain, var.rule};
                if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
                seen.push_back(k);
                const Table& vt = rs_.tables[static_cast<std::size_t>(var.table)];
                f.depends_on.push_back(
                    ref_of(rs_, vt, vt.chains[static_cast<std::size_t>(var.chain)], var.rule));
            }
            f.more_depends_on = more || f.depends_on.size() > o_.max_covering;
            if (f.depends_on.size() > o_.max_covering) f.depends_on.resize(o_.max_covering);
            f.message = "no packet reaches it if the undecided rules it depends on match";
            witness(f, t, c, reach);
            out_.push_back(std::move(f));
        }
        if (!o_.partly_shadowed) return;
        if (rr.decided_later) later(t, c, i);
        if (rr.taken_other == dd::zero) return;
        const dd::Ref target = reach_.packets_entering(ti, ci, rr.match, -1);
        const dd::Ref taken = m_.intersect(target, rr.taken_other);
        const dd::Ref part = reach_.every(taken);
        if (part == dd::zero) return;
        RuleFinding f = finding(RuleFindingKind::partly_shadowed, Severity::note, t, c, ri);
        const Cover cv = cover(t, c, i, taken, true);
        for (int j : cv.rules) f.covering.push_back(ref_of(rs_, rs_.tables[t], ch, j));
        f.more_covering = cv.more;
        f.taken = space_.size(part);
        f.total = space_.size(reach_.some(target));
        f.message = fmt::format("earlier rules with another action take {} of its packets ({} of {})",
                                percent(f.taken, f.total), short_count(f.taken), short_count(f.total));
        witness(f, t, c, part);
        out_.push_back(std::move(f));
    }

    // Removing the rule changes no verdict: the later rules that decide its packets alike.
    void later(std::size_t t, std::size_t c, std::size_t i) {
        const Table& tab = rs_.tables[t];
        const Chain& ch = tab.chains[c];
        const ChainReach& cr = chain_reach(t, c);
        RuleFinding f = finding(RuleFindingKind::redundant_later, Severity::note, t, c, static_cast<int>(i));
        const Action a = ch.rules[i].target.action;
        const dd::Ref reach =
            reach_.packets(static_cast<int>(t), static_cast<int>(c),
                           reach_.reach_of(static_cast<int>(t), static_cast<int>(c), static_cast<int>(i)));
        for (std::size_t j = i + 1; j < ch.rules.size(); ++j) {
            if (ch.rules[j].target.action != a || !m_.intersects(cr.rules[j].match, reach)) continue;
            if (f.covering.size() == o_.max_covering) {
                ++f.more_covering;
                continue;
            }
            f.covering.push_back(ref_of(rs_, tab, ch, static_cast<int>(j)));
        }
        if (ch.policy.value_or(Action::accept) == a) f.covering.push_back(eval::make_ref(rs_, tab, ch, -1));
        f.message =
            "the rules after it and the policy decide its packets alike: removing it changes no verdict";
        out_.push_back(std::move(f));
    }

    // A rule read once but modelled as several (a Windows rule per protocol or address list)
    // never applies only when none of its parts does: its parts' findings become one.
    void merge_parts() {
        using Key =
            std::tuple<std::string, std::string, std::string, std::uint32_t, std::string, std::string>;
        auto key_of_ref = [](const RuleRef& r) {
            return Key{r.table, r.chain, r.file, r.line, r.name, r.text};
        };
        auto key_of = [&](const RuleFinding& f) { return key_of_ref(f.rule); };
        std::map<Key, std::size_t> parts;  // how many rules share the key
        for (const Table& t : rs_.tables)
            for (const Chain& c : t.chains)
                for (std::size_t i = 0; i < c.rules.size(); ++i) {
                    if (c.rules[i].line != 0 && rs_.family != 0) continue;  // iptables: one line, one rule
                    ++parts[key_of_ref(ref_of(rs_, t, c, static_cast<int>(i)))];
                }
        if (parts.empty()) return;
        std::map<std::pair<Key, RuleFindingKind>, std::size_t> seen;
        std::vector<RuleFinding> kept;
        for (RuleFinding& f : out_) {
            auto p = parts.find(key_of(f));
            if (p == parts.end() || p->second == 1 || f.kind == RuleFindingKind::unreferenced) {
                kept.push_back(std::move(f));
                continue;
            }
            auto [it, fresh] = seen.try_emplace({p->first, f.kind}, 0);
            ++it->second;
            if (fresh) kept.push_back(std::move(f));
        }
        // Unreachable or unmatchable: only when every part is.
        std::erase_if(kept, [&](const RuleFinding& f) {
            if (f.kind != RuleFindingKind::unreachable && f.kind != RuleFindingKind::unmatchable)
                return false;
            auto p = parts.find(key_of(f));
            if (p == parts.end() || p->second == 1) return false;
            const std::size_t n = seen[{p->first, RuleFindingKind::unreachable}] +
                                  seen[{p->first, RuleFindingKind::unmatchable}];
            return n < p->second;
        });
        out_ = std::move(kept);
    }

    const Ruleset& rs_;
    const RuleFindingOptions& o_;
    dd::Space space_;
    dd::Manager& m_;
    Reachability reach_;
    dd::Ref universe_ = dd::zero;
    std::vector<RuleFinding> out_;
};

}  // namespace

}  // namespace lint

std::vector<RuleFinding> find_rule_findings(const Ruleset& ruleset, const RuleFindingOptions& options) {
    return lint::Finder(ruleset, options).run();
}

}  // namespace rulegap
