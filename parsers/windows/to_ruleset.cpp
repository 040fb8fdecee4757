// Lowering a Windows Firewall policy, seen by one profile, into the common model.
//
// Chain layout (INPUT = inbound, OUTPUT = outbound), so that first-match gives Windows'
// precedence ([MS-FASP] 2.2.34: authenticated bypass > block > allow > default):
//   1. established/related -> ACCEPT (Windows Firewall is stateful)
//   2. bypass rules -> ACCEPT, with an undecided "authentication" condition: inbound ByPass
//      rules, and outbound allow rules with AuthByPassOut=TRUE ([MS-FASP] 2.2.35)
//   3. block rules -> DROP
//   4. allow rules -> ACCEPT
//   5. policy: the profile's default action (inbound block, outbound allow unless set), located
//      at the setting that decided it and said in Windows words
// DoNotAllowExceptions (shields up, [MS-FASP] 2.2.38) blocks all inbound traffic regardless of
// other policy settings: no inbound bypass or allow rule applies (replies still pass).
// Disabled rules, and rules a setting keeps out of force, go to Ruleset::inactive.
// Rules of the local store are left out for a profile whose Group Policy settings say
// AllowLocalPolicyMerge=false ([MS-FASP] 3.1.3); a note counts them.
// A rule whose items form a union the model cannot hold in one rule (IPv4 and IPv6 addresses,
// numbers and unbound keywords, ICMP types with codes) becomes several rules with the same
// action, which is the same union under first match.
#include <algorithm>
#include <cctype>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

using Conditions = std::vector<Condition>;
using Alternatives = std::vector<Conditions>;  // a disjunction of conjunctions

Condition range(Field f, std::vector<Interval> values) {
    Condition c;
    c.all_of.push_back(FieldRange{f, std::move(values)});
    return c;
}

Condition undecided(std::string module, std::string reason) {
    Condition c;
    c.undecided = true;
    c.unmodelled = module == "program" ? Unmodelled::program : Unmodelled::other;  // program/service scope
    c.module = std::move(module);
    c.reason = std::move(reason);
    return c;
}

struct Lowering {
    const WindowsContext& ctx;
    Diagnostics& diagnostics;

    // Ports of one side: numbers (with RPC and RPC-EPMap resolved) or undecided keywords.
    Alternatives ports(const std::vector<WindowsPort>& items, Field field, const char* side) const {
        if (items.empty()) return {Conditions{}};
        std::vector<Interval> numbers;
        std::vector<std::string> keywords;
        for (const WindowsPort& p : items) {
            if (p.keyword.empty())
                numbers.push_back({p.lo, p.hi});
            else if (p.keyword == "RPC")
                numbers.push_back(ctx.rpc_range);
            else if (p.keyword == "RPC-EPMap")
                numbers.push_back({135, 135});
            else
                keywords.push_back(p.keyword);
        }
        Alternatives out;
        if (!numbers.empty()) out.push_back({range(field, numbers)});
        if (!keywords.empty()) {
            std::string list;
            for (const std::string& k : keywords) list += (list.empty() ? "" : ", ") + k;
            out.push_back({undecided(
                "port-keyword", std::string(side) + " port " + list + " is chosen by the host at run time")});
        }
        return out;
    }

    // Addresses of one side for one family; nullopt: no restriction on this side.
    std::optional<Alternatives> addresses(const std::vector<WindowsAddress>& items, Field field,
                                          int family) const {
        if (items.empty()) return std::nullopt;
        std::vector<Interval> numbers;
        std::vector<std::string> unbound;
        for (const WindowsAddress& a : items) {
            if (a.family != family) continue;
            if (a.keyword.empty()) {
                numbers.push_back(a.range);
                continue;
            }
            if (const WindowsAddressBinding* b = ctx.find(a.keyword)) {
                const auto& list = family == 4 ? b->v4 : b->v6;
                numbers.insert(numbers.end(), list.begin(), list.end());
            } else if (std::find(unbound.begin(), unbound.end(), a.keyword) == unbound.end()) {
                unbound.push_back(a.keyword);
            }
        }
        Alternatives out;
        if (!numbers.empty()) out.push_back({range(field, numbers)});
        for (const std::string& k : unbound)
            out.push_back({undecided("address-keyword", k + " is not bound for this host")});
        return out;  // empty: nothing of this family matches
    }

    Alternatives icmp(const std::vector<WindowsIcmp>& items) const {
        if (items.empty()) return {Conditions{}};
        Alternatives out;
        std::vector<Interval> any_code;
        for (const WindowsIcmp& i : items) {
            if (!i.code)
                any_code.push_back({i.type, i.type});
            else
                out.push_back({range(Field::icmp_type, {{i.type, i.type}}),
                               range(Field::icmp_code, {{*i.code, *i.code}})});
        }
        if (!any_code.empty()) out.insert(out.begin(), Conditions{range(Field::icmp_type, any_code)});
        return out;
    }

    Conditions scope(const WindowsRule& r) const {
        Conditions out;
        if (r.action == WindowsAction::bypass)
            out.push_back(undecided("authentication",
                                    "authenticated bypass: applies only to IPsec-authenticated peers"));
        else if (r.effective_action() == WindowsAction::bypass)
            out.push_back(undecided("authentication",
                                    "authenticated bypass (AuthByPassOut): applies only to "
                                    "IPsec-authenticated peers"));
        if (!r.app.empty() || !r.service.empty()) {
            std::string why = "only for program " + (r.app.empty() ? std::string("(any)") : r.app);
            if (!r.service.empty()) why += " service " + r.service;
            out.push_back(undecided("program", why));
        }
        if (!r.package.empty()) out.push_back(undecided("program", "only for package " + r.package));
        if (!r.owner.empty()) out.push_back(undecided("program", "only for programs of user " + r.owner));
        if (!r.local_user_auth.empty())
            out.push_back(undecided("authorization", "only for local users " + r.local_user_auth));
        if (!r.remote_user_auth.empty())
            out.push_back(undecided("authorization", "only for remote users " + r.remote_user_auth));
        if (!r.remote_machine_auth.empty())
            out.push_back(undecided("authorization", "only for remote machines " + r.remote_machine_auth));
        for (const std::string& s : r.security)
            if (!s.empty() && !windows::iequals(s, "NotRequired"))
                out.push_back(undecided("ipsec", "only for IPsec-protected traffic (" + s + ")"));
        for (const std::string& i : r.interfaces)
            out.push_back(undecided("interface", "only on interface " + i));
        for (const std::string& t : r.interface_types)
            if (!windows::iequals(t, "All"))
                out.push_back(undecided("interface", "only on interfaces of type " + t));
        for (const std::string& t : r.dynamic_targets)
            out.push_back(undecided("dynamic-target", "remote is the dynamic set of devices " + t));
        if (!r.readable)
            out.push_back(undecided("unparsed", "the rule could not be read fully (see the diagnostics)"));
        return out;
    }

    // Every combination of one alternative per dimension, appended to `base`.
    static void product(const std::vector<Alternatives>& dims, Conditions base, std::size_t at,
                        std::vector<Conditions>& out) {
        if (at == dims.size()) {
            out.push_back(std::move(base));
            return;
        }
        for (const Conditions& alt : dims[at]) {
            Conditions next = base;
            next.insert(next.end(), alt.begin(), alt.end());
            product(dims, std::move(next), at + 1, out);
        }
    }

    std::vector<Conditions> conditions(const WindowsRule& r, bool inbound) const {
        Conditions base = scope(r);
        if (r.protocol) base.push_back(range(Field::protocol, {{*r.protocol, *r.protocol}}));
        Field local_addr = inbound ? Field::dst_addr : Field::src_addr;
        Field remote_addr = inbound ? Field::src_addr : Field::dst_addr;
        std::vector<Alternatives> common{
            ports(r.local_ports, inbound ? Field::dst_port : Field::src_port, "local"),
            ports(r.remote_ports, inbound ? Field::src_port : Field::dst_port, "remote")};
        bool v4_only =
            (r.protocol && *r.protocol == 1) || (!r.icmp4.empty() && r.icmp6.empty() && !r.protocol);
        bool v6_only = r.protocol && *r.protocol == 58;
        if (r.protocol && *r.protocol == 1)
            common.push_back(icmp(r.icmp4));
        else if (r.protocol && *r.protocol == 58)
            common.push_back(icmp(r.icmp6));
        std::vector<Conditions> out;
        bool restricted = !r.local_addresses.empty() || !r.remote_addresses.empty() || v4_only || v6_only;
        if (!restricted) {
            product(common, base, 0, out);
            return out;
        }
        for (int family : {4, 6}) {
            if ((family == 4 && v6_only) || (family == 6 && v4_only)) continue;
            std::vector<Alternatives> dims = common;
            dims.push_back(
                {{range(Field::family, {{static_cast<uint128>(family), static_cast<uint128>(family)}})}});
            bool none = false;
            for (auto [items, field] :
                 {std::pair{&r.local_addresses, local_addr}, std::pair{&r.remote_addresses, remote_addr}}) {
                auto alts = addresses(*items, field, family);
                if (!alts) continue;
                if (alts->empty()) none = true;
                dims.push_back(std::move(*alts));
            }
            if (!none) product(dims, base, 0, out);
        }
        return out;
    }
};

std::string profile_name(WindowsProfile p) {
    std::string s(to_string(p));
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Whether a rule takes part in a profile's lowering at all (before its store is considered).
bool in_profile(const WindowsRule& r, unsigned bit) {
    if (!r.readable && (!r.has_action || !r.has_direction)) return true;  // unknown: everywhere
    return r.has_action && r.has_direction && (r.active || !r.readable) && (r.profiles & bit);
}

// The note on local rules left out because Group Policy says AllowLocalPolicyMerge=false.
void note_local_rules_left_out(const WindowsPolicy& policy, WindowsProfile profile,
                               Diagnostics& diagnostics) {
    const WindowsProfileSettings* setting = nullptr;
    for (const WindowsProfileSettings* e :
         windows::profile_entries(policy, profile, WindowsStore::group_policy))
        if (e->allow_local_policy_merge) {
            setting = e;
            break;
        }
    if (!setting) return;
    const unsigned bit = static_cast<unsigned>(profile);
    std::size_t local = 0, left_out = 0;
    std::vector<std::string> files;
    for (const WindowsRule& r : policy.rules) {
        if (r.store != WindowsStore::local) continue;
        ++local;
        if (!in_profile(r, bit)) continue;
        ++left_out;
        if (std::find(files.begin(), files.end(), r.where.file) == files.end()) files.push_back(r.where.file);
    }
    std::string head = "AllowLocalPolicyMerge is false for the " + profile_name(profile) + " profile (" +
                       (setting->gpo.empty() ? std::string("Group Policy") : "GPO '" + setting->gpo + "'") +
                       ")";
    if (local == 0) {
        diagnostics.note(setting->where,
                         head + ": local rules are ignored when this policy is combined with them");
        return;
    }
    std::string list;
    for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
    diagnostics.note(setting->where, head + ": " + std::to_string(left_out) + " local-store rule" +
                                         (left_out == 1 ? "" : "s") + " for this profile not enforced" +
                                         (list.empty() ? std::string() : " (" + list + ")") + ", of " +
                                         std::to_string(local) + " local rule" + (local == 1 ? "" : "s") +
                                         " read");
}

}  // namespace

Ruleset to_ruleset(const WindowsPolicy& policy, WindowsProfile profile, const WindowsContext& ctx) {
    Ruleset rs;
    rs.file = policy.file;
    if (policy.files.size() > 1) rs.sources = policy.files;  // each rule names its own file
    rs.family = 0;
    rs.diagnostics = policy.diagnostics;
    SourceLoc whole{policy.file, 0, 0};
    Table& table = rs.add_table("filter");
    Chain in{"INPUT", true, Action::drop, 0, {}};
    Chain out{"OUTPUT", true, Action::accept, 0, {}};
    WindowsProfileSettings s = policy.settings(profile, rs.diagnostics);
    const std::string pname = profile_name(profile);
    // (an unreadable setting outranks a readable one of a store it overrides: see settings())
    auto unread = [&](const char* name) { return s.is_unreadable(name); };
    // Where a setting was read (the setting's line, or its value's name in a hive); the profile's
    // key, or the whole file, when the export does not set it.
    auto setting_at = [&](const char* name) {
        const SourceLoc* at = s.where_of(name);
        SourceLoc loc = at ? *at : whole;
        if (loc.file.empty()) loc.file = policy.file;
        return loc;
    };
    // The chains' ends, in Windows words, at the setting that decided them.
    auto set_policy = [&](Chain& c, const char* setting, const std::string& text) {
        const bool set = std::any_of(s.locations.begin(), s.locations.end(),
                                     [&](const auto& l) { return l.first == setting; });
        c.policy_where = set ? setting_at(setting) : s.present ? s.where : whole;
        if (c.policy_where.file.empty()) c.policy_where.file = policy.file;
        c.policy_where.column = 0;
        c.line = c.policy_where.line;
        c.policy_text = text;
        if (!set)
            c.policy_text += s.present ? " (" + std::string(setting) + " not set: the [MS-FASP] default)"
                                       : " (assumed: the export has no " + pname +
                                             " profile settings; the [MS-FASP] default)";
    };
    if (!s.present)
        rs.diagnostics.note(
            whole,
            "the export has no settings for the " + pname +
                " profile: assumed the [MS-FASP] defaults (firewall on, inbound block, outbound allow)");
    if (!unread("EnableFirewall") && !s.enable_firewall.value_or(true)) {
        in.policy = out.policy = Action::accept;
        set_policy(in, "EnableFirewall", pname + " profile: firewall off (EnableFirewall=0): allow inbound");
        set_policy(out, "EnableFirewall",
                   pname + " profile: firewall off (EnableFirewall=0): allow outbound");
        rs.diagnostics.warning(s.where.file.empty() ? whole : s.where,
                               "the firewall is disabled for the " + pname + " profile: everything passes");
        table.chains.push_back(std::move(in));
        table.chains.push_back(std::move(out));
        rs.link();
        return rs;
    }
    bool shielded = !unread("DoNotAllowExceptions") && s.do_not_allow_exceptions.value_or(false);
    in.policy = shielded || unread("DefaultInboundAction") ||
                        s.default_inbound.value_or(WindowsAction::block) == WindowsAction::block
                    ? Action::drop
                    : Action::accept;
    out.policy = !unread("DefaultOutboundAction") &&
                         s.default_outbound.value_or(WindowsAction::allow) == WindowsAction::block
                     ? Action::drop
                     : Action::accept;
    if (shielded)
        set_policy(in, "DoNotAllowExceptions",
                   pname + " profile: DoNotAllowExceptions (shields up): block all inbound");
    else
        set_policy(
            in, "DefaultInboundAction",
            pname + " profile default: " + (in.policy == Action::drop ? "block" : "allow") + " inbound");
    set_policy(out, "DefaultOutboundAction",
               pname + " profile default: " + (out.policy == Action::drop ? "block" : "allow") + " outbound");
    if (shielded) {
        std::size_t overridden = 0;
        for (const WindowsRule& r : policy.rules)
            overridden += r.has_action && r.has_direction && r.direction == WindowsDirection::in &&
                          (r.active || !r.readable) && (r.profiles & static_cast<unsigned>(profile)) &&
                          r.effective_action() != WindowsAction::block;
        rs.diagnostics.note(
            setting_at("DoNotAllowExceptions"),
            "DoNotAllowExceptions is set for the " + pname +
                " profile: all inbound traffic is blocked regardless of other policy settings "
                "([MS-FASP] 2.2.38): " +
                std::to_string(overridden) + " inbound allow or bypass rule" +
                (overridden == 1 ? " does" : "s do") + " not apply");
    }
    const bool local_rules = s.local_rules_apply();
    if (!local_rules) note_local_rules_left_out(policy, profile, rs.diagnostics);

    // Settings the export has but that could not be read: what they decide is unknown. Each
    // becomes a rule whose match is undecided, doing what the setting might do.
    auto setting_rule = [&](const char* name, const std::string& effect, Action action) {
        Rule r;  // at the setting (a hive: named by its value)
        const SourceLoc at = setting_at(name);
        r.line = at.line;
        r.column = 0;
        if (at.line == 0 && !at.name.empty()) r.comment = rs.keep(at.name);
        for (std::uint32_t i = 0; i < rs.sources.size(); ++i)
            if (rs.sources[i] == at.file) r.source = i;
        r.text = rs.keep("(" + std::string(name) + " of the " + pname + " profile could not be read)");
        r.conditions.push_back(undecided("profile-setting", std::string(name) + " of the " + pname +
                                                                " profile could not be read: " + effect));
        r.target.action = action;
        r.target.name = action == Action::accept ? "ACCEPT" : "DROP";
        return r;
    };
    for (const std::string& name : s.unreadable)
        rs.diagnostics.warning(
            s.where.file.empty() ? whole : s.where,
            name + " of the " + pname + " profile could not be read: the verdicts it decides are unknown");
    if (unread("EnableFirewall"))
        for (Chain* c : {&in, &out})
            c->rules.push_back(setting_rule("EnableFirewall", "the firewall may be off", Action::accept));

    for (Chain* c : {&in, &out}) {
        Rule stateful;
        stateful.line = 0;
        stateful.column = 0;
        stateful.text = "(stateful: replies and related traffic of allowed connections)";
        stateful.conditions.push_back(range(Field::state, {{static_cast<uint128>(ConnState::established),
                                                            static_cast<uint128>(ConnState::related)}}));
        stateful.target = Target{Action::accept, "ACCEPT", {}, -1, {}, {}};
        c->rules.push_back(std::move(stateful));
    }

    auto source_of = [&](const WindowsRule& r) {
        for (std::uint32_t i = 0; i < rs.sources.size(); ++i)
            if (rs.sources[i] == r.where.file) return i;
        return std::uint32_t{0};
    };
    Lowering lowering{ctx, rs.diagnostics};
    const unsigned bit = static_cast<unsigned>(profile);
    auto emit = [&](const WindowsRule& r, Chain& chain, Action action) {
        const bool inbound = chain.name == "INPUT";
        std::string text;
        if (!r.name.empty()) {
            text += r.name;
            text += ' ';
        }
        text += r.rule_string();
        std::string comment = r.id;
        if (!r.gpo.empty())
            comment += (comment.empty() ? "GPO " : " (GPO ") + r.gpo + (comment.empty() ? "" : ")");
        // Kept by the ruleset once for all the rules this one becomes.
        const std::string_view text_kept = rs.keep(std::move(text));
        const std::string_view comment_kept = rs.keep(std::move(comment));
        std::vector<Conditions> variants = r.readable || (r.has_action && r.has_direction)
                                               ? lowering.conditions(r, inbound)
                                               : std::vector<Conditions>{lowering.scope(r)};
        if (variants.size() > 256) {
            rs.diagnostics.warning(
                r.where, windows::describe(r) + ": too many address/port combinations; made undecided");
            variants = {{undecided("unparsed", "too many address/port combinations")}};
        }
        for (Conditions& cs : variants) {
            Rule rule;
            rule.line = r.where.line;
            rule.column = r.where.line == 0 ? 0 : r.where.column;
            rule.source = source_of(r);
            rule.text = text_kept;
            rule.comment = comment_kept;
            rule.conditions = std::move(cs);
            if (r.store == WindowsStore::local && unread("AllowLocalPolicyMerge"))
                rule.conditions.push_back(
                    undecided("profile-setting",
                              "AllowLocalPolicyMerge of the " + pname +
                                  " profile could not be read: this local rule may not be enforced"));
            rule.target.action = action;
            rule.target.name = action == Action::accept ? "ACCEPT"
                               : action == Action::drop ? "DROP"
                                                        : "UNKNOWN";
            chain.rules.push_back(std::move(rule));
        }
    };
    // Rules whose action or direction could not be read: anything could happen, first.
    auto enforced = [&](const WindowsRule& r) { return local_rules || r.store != WindowsStore::local; };
    for (const WindowsRule& r : policy.rules)
        if (!r.readable && (!r.has_action || !r.has_direction) && enforced(r)) {
            if (r.has_direction)
                emit(r, r.direction == WindowsDirection::in ? in : out, Action::unknown);
            else {
                emit(r, in, Action::unknown);
                emit(r, out, Action::unknown);
            }
        }
    // Shields up, unreadable: all inbound traffic may be blocked, bypass rules included.
    if (unread("DoNotAllowExceptions") && !shielded)
        in.rules.push_back(
            setting_rule("DoNotAllowExceptions", "all inbound traffic may be blocked", Action::drop));
    auto lowered_action = [](WindowsAction a) {
        return a == WindowsAction::block ? Action::drop : Action::accept;
    };
    for (WindowsAction a : {WindowsAction::bypass, WindowsAction::block, WindowsAction::allow}) {
        for (const WindowsRule& r : policy.rules) {
            if (!r.has_action || !r.has_direction || r.effective_action() != a) continue;
            if (!(r.active || !r.readable) || !(r.profiles & bit) || !enforced(r)) continue;
            bool inbound = r.direction == WindowsDirection::in;
            if (a != WindowsAction::block && inbound && shielded) continue;  // (the note counts them)
            emit(r, inbound ? in : out, lowered_action(a));
        }
    }
    // Disabled rules of this profile: kept aside, as they would be lowered.
    for (const WindowsRule& r : policy.rules) {
        if (!r.has_action || !r.has_direction || !r.readable || r.active || !(r.profiles & bit) ||
            !enforced(r))
            continue;
        Chain aside{r.direction == WindowsDirection::in ? "INPUT" : "OUTPUT", true, std::nullopt, 0, {}};
        emit(r, aside, lowered_action(r.effective_action()));
        for (Rule& lowered : aside.rules)
            rs.inactive.push_back({aside.name, r.name, "disabled", std::move(lowered)});
    }
    // Unreadable default actions: the chain's end may do either.
    if (unread("DefaultInboundAction") && !shielded)
        in.rules.push_back(setting_rule("DefaultInboundAction", "the default may be allow", Action::accept));
    if (unread("DefaultOutboundAction"))
        out.rules.push_back(setting_rule("DefaultOutboundAction", "the default may be block", Action::drop));
    table.chains.push_back(std::move(in));
    table.chains.push_back(std::move(out));
    rs.link();
    return rs;
}

}  // namespace rulegap
