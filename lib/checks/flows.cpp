// rulegap checks — one flow at one hop: the evaluation the checks share.
//
// A flow is first built in "base space": addresses, protocol, ports, ICMP type, with interfaces,
// connection state and TCP flags left open. At a hop it is narrowed to what that hop sees (its
// interfaces, state new or established) and evaluated; the verdicts are then carried back to
// base space. A base packet whose verdict depends on an interface the site does not name is
// undecided, never accepted.
#include <algorithm>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

const PacketSet& tcp() {
    static const PacketSet s = PacketSet::where(Field::protocol, 6);
    return s;
}

PacketSet iface_any_but_lo() {
    const uint128 lo = interface_value("lo");
    return PacketSet::where(Field::in_iface,
                            {Interval{1, lo - 1}, Interval{lo + 1, field_max(Field::in_iface)}});
}

PacketSet out_iface_any_but_lo() {
    const uint128 lo = interface_value("lo");
    return PacketSet::where(Field::out_iface,
                            {Interval{1, lo - 1}, Interval{lo + 1, field_max(Field::out_iface)}});
}

const Ruleset* ruleset_for(const Firewall& fw, int family) {
    for (const Ruleset& rs : fw.rulesets)
        if (rs.family == family || rs.family == 0) return &rs;
    return nullptr;
}

struct Sourced {
    Outcome outcome;
    std::string file;
};

struct Fold {
    PacketSet accepted, unknown;
};

Fold fold(const std::vector<Sourced>& outs, const PacketSet& base) {
    PacketSet acc, non, unk;
    for (const Sourced& s : outs) {
        if (s.outcome.verdict == Verdict::accept)
            acc |= s.outcome.packets;
        else
            non |= s.outcome.packets;
        if (s.outcome.verdict == Verdict::unknown) unk |= s.outcome.packets;
    }
    const PacketSet a = to_base(acc, base), n = to_base(non, base), u = to_base(unk, base);
    return {a - n, u | (a & n)};
}

HopPart make_part(const Sourced& s, const PacketSet& whole, const std::string& note) {
    HopPart p;
    p.verdict = s.outcome.verdict;
    p.packets = s.outcome.packets;
    if (s.outcome.decided_by) {
        p.where = s.outcome.decided_by->where();
        if (p.where.file.empty()) p.where.file = s.file;
        p.rule_text = s.outcome.decided_by->text;
        p.by_policy = s.outcome.decided_by->is_policy();
    } else {
        p.where = {s.file, 0, 0};
    }
    p.reason = s.outcome.reason;
    if (p.verdict != Verdict::accept) p.witness = p.packets.witness();
    p.summary = describe(p.packets, whole) + note;
    return p;
}

}  // namespace

PacketSet state_domain(ConnState state) {
    const auto flags = state == ConnState::new_ ? tcp_flag::syn : tcp_flag::ack;
    return PacketSet::where(Field::state, static_cast<uint128>(state)) &
           ((tcp() & PacketSet::where(Field::tcp_flags, flags)) | (PacketSet::all() - tcp()));
}

PacketSet interface_domain(Hook hook, const std::string& in, const std::string& out) {
    PacketSet i = in.empty() ? iface_any_but_lo() : PacketSet::where(Field::in_iface, interface_value(in));
    PacketSet o =
        out.empty() ? out_iface_any_but_lo() : PacketSet::where(Field::out_iface, interface_value(out));
    if (hook == Hook::input) o = PacketSet::where(Field::out_iface, 0);
    if (hook == Hook::output) i = PacketSet::where(Field::in_iface, 0);
    return i & o;
}

PacketSet to_base(const PacketSet& hop_set, const PacketSet& base) {
    return hop_set.widened(Field::in_iface)
               .widened(Field::out_iface)
               .widened(Field::state)
               .widened(Field::tcp_flags) &
           base;
}

HopEval evaluate_hop(const Firewall& fw, const PathHop& hop, const PacketSet& base, bool reply,
                     const Assumptions& assume, Evaluators& evaluators) {
    HopEval e;
    const PacketSet iface = interface_domain(hop.hook, hop.in_interface, hop.out_interface);
    auto run = [&](const PacketSet& part, ConnState state) {
        std::vector<Sourced> out;
        const PacketSet hop_set = part & iface & state_domain(state);
        for (int family : {4, 6}) {
            PacketSet p = hop_set & PacketSet::where(Field::family, static_cast<uint128>(family));
            if (p.empty()) continue;
            const Ruleset* rs = ruleset_for(fw, family);
            if (!rs) {
                std::string why = fw.rulesets.empty() ? "no file of firewall " + fw.name + " could be read"
                                                      : "firewall " + fw.name + " has no IPv" +
                                                            std::to_string(family) + " ruleset";
                out.push_back({Outcome{std::move(p), Verdict::unknown, std::nullopt, std::move(why)},
                               fw.files.empty() ? "" : fw.files.front()});
                continue;
            }
            for (Outcome& o : evaluators.of(*rs, hop.hook, assume).evaluate(p))
                out.push_back({std::move(o), rs->file});
        }
        return out;
    };
    if (!reply) {
        std::vector<Sourced> outs = run(base, ConnState::new_);
        Fold f = fold(outs, base);
        e.accepted = f.accepted;
        e.unknown = f.unknown;
        e.packets = base & iface & state_domain(ConnState::new_);
        for (const Sourced& s : outs) e.parts.push_back(make_part(s, e.packets, ""));
    } else {
        // A reply: as ESTABLISHED (what conntrack makes of it) and as NEW (what a hop that does
        // not track the connection sees). Judged `established` when only state lets it pass.
        std::vector<Sourced> est = run(base, ConnState::established);
        std::vector<Sourced> nw = run(base, ConnState::new_);
        Fold fe = fold(est, base), fn = fold(nw, base);
        e.accepted = fe.accepted | fn.accepted;
        e.unknown = (fe.unknown | fn.unknown) - e.accepted;
        const PacketSet by_state = fe.accepted - fn.accepted;
        const PacketSet as_est = base & iface & state_domain(ConnState::established);
        const PacketSet as_new = base & iface & state_domain(ConnState::new_);
        if (by_state.empty()) {
            e.judged = Judged::new_;
            e.packets = as_new;
            for (const Sourced& s : nw) e.parts.push_back(make_part(s, as_new, " (as NEW)"));
        } else if (fn.accepted.empty() && fe.accepted == base) {
            e.judged = Judged::established;
            e.packets = as_est;
            for (const Sourced& s : est) e.parts.push_back(make_part(s, as_est, " (as ESTABLISHED)"));
        } else {
            e.judged = Judged::mixed;
            e.packets = as_est | as_new;
            for (const Sourced& s : est)
                if (s.outcome.verdict == Verdict::accept)
                    e.parts.push_back(make_part(s, as_est, " (as ESTABLISHED)"));
            const PacketSet rest = iface & state_domain(ConnState::new_) & (base - fe.accepted);
            for (const Sourced& s : nw) {
                Sourced r{Outcome{s.outcome.packets & rest, s.outcome.verdict, s.outcome.decided_by,
                                  s.outcome.reason},
                          s.file};
                if (!r.outcome.packets.empty()) e.parts.push_back(make_part(r, as_new, " (as NEW)"));
            }
        }
    }
    e.blocked = base - e.accepted - e.unknown;
    std::stable_partition(e.parts.begin(), e.parts.end(),
                          [](const HopPart& p) { return p.verdict == Verdict::accept; });
    return e;
}

FlowStatus classify(const PacketSet& flow, const PacketSet& accepted, const PacketSet& unknown) {
    const PacketSet a = accepted & flow, u = (unknown & flow) - a;
    const PacketSet b = flow - a - u;
    if (b.empty() && u.empty()) return FlowStatus::allowed;
    if (a.empty() && u.empty()) return FlowStatus::blocked;
    if (!a.empty() && !b.empty()) return FlowStatus::partial;
    return FlowStatus::unknown;
}

FlowStatus worse(FlowStatus a, FlowStatus b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

std::string port_text(const std::vector<Interval>& ports) {
    std::string out;
    for (const Interval& i : ports) {
        if (!out.empty()) out += ", ";
        out += std::to_string(static_cast<unsigned>(i.lo));
        if (i.hi != i.lo) out += "-" + std::to_string(static_cast<unsigned>(i.hi));
    }
    return out;
}

std::string describe(const PacketSet& part, const PacketSet& whole) {
    if (part.empty()) return "nothing";
    std::string out;
    const std::vector<Interval> protocols = part.values(Field::protocol);
    if (protocols.size() == 1 && protocols[0].lo == 0 && protocols[0].hi == 255)
        out = "all protocols";
    else
        for (const Interval& i : protocols)
            for (uint128 p = i.lo; p <= i.hi && out.size() < 60; ++p)
                out += (out.empty() ? "" : "/") + protocol_name(static_cast<std::uint8_t>(p), 4);
    auto addresses = [](const PacketSet& s, Field f) {
        AddressSet a;
        a.v4 = (s & PacketSet::where(Field::family, 4)).values(f);
        a.v6 = (s & PacketSet::where(Field::family, 6)).values(f);
        return a.to_string();
    };
    const struct {
        Field field;
        const char* name;
    } fields[] = {{Field::src_addr, "from"},
                  {Field::dst_addr, "to"},
                  {Field::src_port, "sport"},
                  {Field::dst_port, "dport"},
                  {Field::icmp_type, "type"}};
    bool any = false;
    for (const auto& [f, name] : fields) {
        const std::vector<Interval> pv = part.values(f);
        if (pv == whole.values(f)) continue;
        any = true;
        out += std::string(" ") + name + " ";
        out += f == Field::src_addr || f == Field::dst_addr ? addresses(part, f) : port_text(pv);
    }
    if (!any) {
        const std::vector<Interval> dp = part.values(Field::dst_port);
        if (!(dp.size() == 1 && dp[0].lo == 0 && dp[0].hi == 0)) out += " dport " + port_text(dp);
    }
    return out;
}

void add_finding(Report& report, const CheckOptions& options, Finding f) {
    auto sev = options.severity.find(f.kind);
    f.severity = sev != options.severity.end() ? sev->second : default_severity(f.kind);
    for (Finding& g : report.findings)
        if (g.id == f.id) {
            for (std::string& d : f.details)
                if (std::find(g.details.begin(), g.details.end(), d) == g.details.end())
                    g.details.push_back(std::move(d));
            return;
        }
    report.findings.push_back(std::move(f));
}

}  // namespace rulegap::checks
