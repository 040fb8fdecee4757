// rulegap checks — overly broad rules: what an accept rule on a hop that carries required flows
// admits beyond all the requirements crossing that hop. See README.md in this folder.
#include <algorithm>
#include <map>
#include <tuple>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

struct Admitted {
    PacketSet admitted;  // everything the rule accepts at this hop
    PacketSet excess;    // ... beyond the requirements
    RuleRef ref;
    std::string file;
    // What it may accept under some assignment of the undecided matches (and does not surely),
    // and the undecided rules that depends on.
    PacketSet may_admit;
    std::vector<SourceLoc> depends_on;
    std::size_t unlisted = 0;  // undecided rules it depends on beyond those listed
    const Ruleset* ruleset = nullptr;
};

// "a:1, a:2, a:3, a:4, a:5 and 7 more"
std::string places(const std::vector<SourceLoc>& at, std::size_t unlisted = 0) {
    constexpr std::size_t shown = 5;
    std::string out;
    for (std::size_t i = 0; i < at.size() && i < shown; ++i) out += (i ? ", " : "") + at[i].to_string();
    const std::size_t more = (at.size() > shown ? at.size() - shown : 0) + unlisted;
    if (more > 0) out += " and " + std::to_string(more) + " more";
    return out;
}

// The undecided rules a packet meets on its way through the hook (explain()'s trace), first.
void add_met(const Ruleset& rs, Hook hook, const Assumptions& assume, const Packet& w,
             std::vector<SourceLoc>& deps) {
    std::vector<SourceLoc> met;
    for (const TraceStep& s : explain(rs, hook, w, assume).trace) {
        if (!s.action.starts_with("undecided: ")) continue;
        SourceLoc at = s.at.where();
        if (at.file.empty()) at.file = rs.file;
        if (std::find(met.begin(), met.end(), at) == met.end()) met.push_back(std::move(at));
    }
    for (SourceLoc& d : deps)
        if (std::find(met.begin(), met.end(), d) == met.end()) met.push_back(std::move(d));
    deps = std::move(met);
}

bool full(const PacketSet& s, Field f, int family) {
    const std::vector<Interval> v =
        (s & PacketSet::where(Field::family, static_cast<uint128>(family))).values(f);
    const uint128 max = family == 4 ? uint128{0xFFFFFFFFu} : ~uint128{0};
    return v.size() == 1 && v[0].lo == 0 && v[0].hi == max;
}

PacketSet port_protocols() {
    return PacketSet::where(Field::protocol, {Interval{6, 6}, Interval{17, 17}, Interval{33, 33},
                                              Interval{132, 132}, Interval{136, 136}});
}

// --sensitive-ports, else the site's `sensitive` list, else the default; and a Windows host's
// RPC dynamic range.
std::vector<Interval> sensitive_ports(const CheckContext& cx, const Firewall& fw) {
    std::vector<Interval> p = cx.options.sensitive_ports         ? *cx.options.sensitive_ports
                              : !cx.site.sensitive_ports.empty() ? cx.site.sensitive_ports
                                                                 : default_sensitive_ports();
    if (fw.rpc_range)
        p.push_back(*fw.rpc_range);
    else if (fw.is_windows())
        p.push_back({49152, 65535});
    std::sort(p.begin(), p.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> merged;  // sorted and disjoint, as PacketSet::where wants
    for (const Interval& i : p) {
        if (!merged.empty() && i.lo <= merged.back().hi + 1)
            merged.back().hi = std::max(merged.back().hi, i.hi);
        else
            merged.push_back(i);
    }
    return merged;
}

}  // namespace

void run_broad(const CheckContext& cx, Report& report) {
    struct Group {
        PacketSet domain, required, sources;
    };
    std::map<std::pair<int, Hook>, Group> groups;
    for (const HopUse& u : cx.flows.hop_uses) {
        Group& g = groups[{u.firewall, u.hook}];
        g.domain |= u.domain;
        g.required |= u.required;
        g.sources |= u.sources;
    }
    for (const auto& [key, g] : groups) {
        const Firewall& fw = cx.site.firewalls[static_cast<std::size_t>(key.first)];
        const Hook hook = key.second;
        std::map<std::tuple<std::string, std::string, std::string, int>, Admitted> rules;
        for (const Ruleset& rs : fw.rulesets) {
            const PacketSet scope =
                rs.family == 0 ? g.domain
                               : g.domain & PacketSet::where(Field::family, static_cast<uint128>(rs.family));
            std::vector<Possible> possible;
            for (const Outcome& o : cx.evaluators.of(rs, hook, cx.assume).evaluate(scope, &possible)) {
                if (o.verdict != Verdict::accept || !o.decided_by) continue;
                if (o.decided_by->is_policy() && hook == Hook::output) continue;  // outbound default allow
                const PacketSet excess = o.packets - g.required;
                if (excess.empty()) continue;
                Admitted& a = rules[{rs.file, o.decided_by->table, o.decided_by->chain, o.decided_by->rule}];
                a.excess |= excess;
                a.admitted |= o.packets;
                a.ref = *o.decided_by;
                a.file = o.decided_by->file.empty() ? rs.file : o.decided_by->file;
                a.ruleset = &rs;
            }
            // Accepted only under some assignment of the undecided matches: possibly broad.
            for (const Possible& p : possible) {
                if (p.verdict == Verdict::accept && !p.decided_by && !(p.packets - g.required).empty()) {
                    // Too many undecided accepting rules to take one by one: said, never hidden.
                    const PacketSet beyond = p.packets - g.required;
                    bool wide = false;
                    for (int family : {4, 6})
                        wide = wide || full(p.packets, Field::src_addr, family) ||
                               full(p.packets, Field::dst_addr, family);
                    Finding f;
                    f.firewall = fw.name;
                    f.kind = wide ? FindingKind::broad_any : FindingKind::broad;
                    f.rank = wide ? 1 : 3;
                    f.id = "broad/" + fw.name + "/" + std::string(to_string(hook)) + "/undecided";
                    f.witness = beyond.witness();
                    f.message = fw.name + " (" + std::string(to_string(hook)) +
                                ") may admit traffic beyond the requirements " +
                                "through rules that depend on " + std::to_string(p.depends_on_total) +
                                " undecided matches, too many to analyse rule by rule";
                    f.details.push_back(
                        "an assumption (--assume, or assume in the site file) decides them; then each rule "
                        "that admits more than required is reported");
                    add_finding(report, cx.options, std::move(f));
                    continue;
                }
                if (p.verdict != Verdict::accept || !p.decided_by) continue;
                if (p.decided_by->is_policy() && hook == Hook::output) continue;
                if ((p.packets - g.required).empty()) continue;
                Admitted& a = rules[{rs.file, p.decided_by->table, p.decided_by->chain, p.decided_by->rule}];
                a.may_admit |= p.packets;
                a.ref = *p.decided_by;
                a.file = p.decided_by->file.empty() ? rs.file : p.decided_by->file;
                a.ruleset = &rs;
                a.unlisted = std::max(a.unlisted, p.depends_on_total - p.depends_on.size());
                for (const RuleRef& d : p.depends_on) {
                    SourceLoc at = d.where();
                    if (at.file.empty()) at.file = rs.file;
                    if (std::find(a.depends_on.begin(), a.depends_on.end(), at) == a.depends_on.end())
                        a.depends_on.push_back(at);
                }
            }
        }
        for (auto& [k, rule] : rules) {
            std::sort(rule.depends_on.begin(), rule.depends_on.end(),
                      [](const SourceLoc& x, const SourceLoc& y) {
                          return std::tie(x.file, x.line, x.name) < std::tie(y.file, y.line, y.name);
                      });
            rule.may_admit = rule.may_admit - rule.admitted;
            const bool possible = rule.excess.empty();
            if (possible) {  // only under some assignment: the finding says so
                rule.excess = rule.may_admit - g.required;
                rule.admitted = rule.may_admit;
                if (rule.excess.empty()) continue;
            }
            const Admitted& a = rule;
            Finding f;
            f.firewall = fw.name;
            f.rule = SourceLoc{a.file, a.ref.line, 0, a.ref.name};
            f.rule_text = a.ref.text;
            std::vector<std::string> wide;
            for (int family : {4, 6}) {
                if ((a.excess & PacketSet::where(Field::family, static_cast<uint128>(family))).empty())
                    continue;
                if (full(a.admitted, Field::src_addr, family))
                    wide.push_back("any IPv" + std::to_string(family) + " source");
                if (full(a.admitted, Field::dst_addr, family))
                    wide.push_back("any IPv" + std::to_string(family) + " destination");
            }
            const PacketSet ported = a.excess & port_protocols();
            const std::vector<Interval> dports = ported.values(Field::dst_port);
            const std::vector<Interval> all_dports = (a.admitted & port_protocols()).values(Field::dst_port);
            if (all_dports.size() == 1 && all_dports[0].lo == 0 && all_dports[0].hi == 65535)
                wide.push_back("any port");
            const PacketSet sensitive =
                a.excess & PacketSet::where(Field::dst_port, sensitive_ports(cx, fw)) & port_protocols();
            const PacketSet outsiders = sensitive - g.sources;
            PacketSet witness_from = a.excess;
            if (!wide.empty()) {
                f.kind = FindingKind::broad_any;
                f.rank = 1;
            } else if (!outsiders.empty()) {
                f.kind = FindingKind::broad_sensitive;
                f.rank = 2;
                witness_from = outsiders;
            } else {
                f.kind = FindingKind::broad;
                f.rank = 3;
            }
            f.witness = witness_from.witness();
            if (possible && f.witness) add_met(*rule.ruleset, hook, cx.assume, *f.witness, rule.depends_on);
            const std::string where = a.ref.is_policy() ? "policy"
                                      : a.ref.line      ? std::to_string(a.ref.line)
                                                        : "rule" + std::to_string(a.ref.rule);
            f.id = "broad/" + fw.name + "/" + std::string(to_string(hook)) + "/" + where;
            std::string protocols;  // "tcp/udp"; every protocol is said as such, not as 256 names cut short
            const std::vector<Interval> excess_protocols = a.excess.values(Field::protocol);
            const bool all_protocols =
                excess_protocols.size() == 1 && excess_protocols[0].lo == 0 && excess_protocols[0].hi == 255;
            for (const Interval& i : all_protocols ? std::vector<Interval>{} : excess_protocols)
                for (uint128 p = i.lo; p <= i.hi && protocols.size() < 60; ++p)
                    protocols +=
                        (protocols.empty() ? "" : "/") + protocol_name(static_cast<std::uint8_t>(p), 4);
            const std::string deps = places(a.depends_on, a.unlisted);
            if (possible) f.depends_on = a.depends_on;
            f.message = fw.name + " (" + std::string(to_string(hook)) + ") " + (a.ref.is_policy() ? "policy " : "rule ") +
                        f.rule->to_string() + (possible ? " may admit " : " admits ") +
                        (wide.empty() ? std::string() : [&] {
                            std::string w;
                            for (const std::string& x : wide) w += (w.empty() ? "" : ", ") + x;
                            return w + ": ";
                        }()) +
                        (all_protocols ? std::string("traffic of all protocols") : protocols + " traffic") +
                        " beyond the requirements crossing it" +
                        (possible ? ", depending on the undecided " + std::string(a.depends_on.size() + a.unlisted == 1 ? "rule at " : "rules at ") + deps
                                  : std::string());
            if (f.kind == FindingKind::broad_sensitive)
                f.message += ", including sensitive ports " + port_text(sensitive.values(Field::dst_port)) +
                             " from sources wider than the required roles";
            f.details.push_back(
                "beyond the requirements: " + a.excess.count_values(Field::src_addr).to_string() +
                " source addresses, " + a.excess.count_values(Field::dst_addr).to_string() +
                " destination addresses, " +
                (ported.empty() ? std::string("no ports")
                                : ported.count_values(Field::dst_port).to_string() + " destination ports (" +
                                      port_text(dports) + ")") +
                (all_protocols ? std::string(", all protocols") : ", protocols " + protocols));
            if (!outsiders.empty())
                f.details.push_back("sensitive ports open to others than the required sources: " +
                                    port_text(outsiders.values(Field::dst_port)));
            if (possible)
                f.details.push_back(
                    "possibly broad: whether it accepts these packets depends on the undecided " +
                    std::string(a.depends_on.size() == 1 ? "match" : "matches") +
                    " named; an assumption (--assume, or assume in the site file) decides");
            else if (!(a.may_admit - g.required).empty())
                f.details.push_back("under some assignment of the undecided matches at " + deps +
                                    " it admits more");
            add_finding(report, cx.options, std::move(f));
        }
    }
}

}  // namespace rulegap::checks
