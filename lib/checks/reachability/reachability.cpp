// rulegap checks — reachability: is every required flow open along every path of the site?
// See README.md in this folder.
#include <algorithm>

#include "lib/checks/detail.hpp"

namespace rulegap::check_detail {

namespace {

bool is_icmp(std::uint8_t p) { return p == 1 || p == 58; }

std::uint8_t icmp6_type(std::uint8_t t) { return t == 8 ? 128 : t == 0 ? 129 : t; }

// A flow of a requirement, in base space, between two roles.
struct Built {
    PacketSet base;                 // the flow
    PacketSet reply;                // ICMP: the echo reply (reverse direction); empty otherwise
    PacketSet required;             // for the broad check: the ephemeral side widened
    std::string text;
    std::string problem;            // non-empty: the flow cannot be checked
};

std::string spec_text(const Catalog& cat, const PortSpec& s, const PortBindings& b) {
    if (s.kind != PortKind::named) return s.text.empty() ? std::string("any") : s.text;
    auto ports = cat.resolve(s, b);
    return "\"" + s.name + "\"" + (ports ? " (" + port_text(*ports) + ")" : std::string());
}

PacketSet icmp_set(std::uint8_t type, std::optional<std::uint8_t> code) {
    PacketSet v4 = PacketSet::where(Field::family, 4) & PacketSet::where(Field::protocol, 1) &
                   PacketSet::where(Field::icmp_type, type);
    PacketSet v6 = PacketSet::where(Field::family, 6) & PacketSet::where(Field::protocol, 58) &
                   PacketSet::where(Field::icmp_type, icmp6_type(type));
    if (code) {
        v4 &= PacketSet::where(Field::icmp_code, *code);
        v6 &= PacketSet::where(Field::icmp_code, *code);
    }
    return v4 | v6;
}

PortBindings bindings_for(const Site& site, const Role& role) {
    PortBindings b = site.port_bindings();
    if (const Firewall* fw = site.host_firewall(role.name); fw && fw->rpc_range)
        b[std::string(rpc_dynamic_class)] = {*fw->rpc_range};
    return b;
}

Built build(const Site& site, const Catalog& cat, const Flow& flow, const Role& src, const Role& dst, bool reply_row) {
    Built out;
    const PortBindings sb = bindings_for(site, src), db = bindings_for(site, dst);
    const PacketSet between = src.addresses.sources() & dst.addresses.destinations();
    out.text = flow.protocol_text;
    if (is_icmp(flow.protocol)) {
        if (!flow.icmp_type) { out.problem = "the ICMP row gives no type"; return out; }
        out.text += " type " + std::to_string(*flow.icmp_type);
        out.base = between & icmp_set(*flow.icmp_type, flow.icmp_code);
        out.required = out.base;
        if (flow.icmp_reply_type) {
            out.text += " (reply type " + std::to_string(*flow.icmp_reply_type) + ")";
            out.reply = dst.addresses.sources() & src.addresses.destinations() & icmp_set(*flow.icmp_reply_type, std::nullopt);
        }
        return out;
    }
    PacketSet proto = PacketSet::where(Field::protocol, flow.protocol);
    if (!protocol_has_ports(flow.protocol)) {
        out.base = out.required = between & proto;
        return out;
    }
    out.text += " " + spec_text(cat, flow.source, sb) + " -> " + spec_text(cat, flow.destination, db);
    auto sp = cat.resolve(flow.source, sb);
    auto dp = cat.resolve(flow.destination, db);
    for (auto [spec, ports, side] : {std::tuple{&flow.source, &sp, "source"}, std::tuple{&flow.destination, &dp, "destination"}}) {
        if (*ports) continue;
        out.problem = spec->kind == PortKind::none
                          ? std::string("the document gives no ") + side + " port (-)"
                          : std::string("no ") + side + " port for \"" + spec->text + "\" (unknown port class)";
        return out;
    }
    out.base = between & proto & PacketSet::where(Field::src_port, *sp) & PacketSet::where(Field::dst_port, *dp);
    out.required = out.base;
    auto ephemeral = [](const PortSpec& s) { return s.kind == PortKind::any || s.kind == PortKind::named; };
    if (!reply_row && ephemeral(flow.source)) out.required = out.required.widened(Field::src_port) & between & proto;
    if (reply_row && ephemeral(flow.destination)) out.required = out.required.widened(Field::dst_port) & between & proto;
    return out;
}

PathHop reversed(const PathHop& h) {
    PathHop r = h;
    if (h.hook == Hook::input) r.hook = Hook::output;
    else if (h.hook == Hook::output) r.hook = Hook::input;
    std::swap(r.in_interface, r.out_interface);
    return r;
}

// The hops of one direction, and what passes them all.
FlowStatus run_hops(const Site& site, const Assumptions& assume, Evaluators& evaluators, const std::vector<PathHop>& hops, const PacketSet& base,
                    bool reply, bool reply_marker, PathResult& pr, PacketSet& passed) {
    PacketSet all = base, maybe = base;
    for (const PathHop& hop : hops) {
        const Firewall& fw = site.firewalls[static_cast<std::size_t>(hop.firewall)];
        HopEval e = evaluate_hop(fw, hop, base, reply, assume, evaluators);
        HopResult hr;
        hr.firewall = fw.name;
        hr.firewall_index = hop.firewall;
        hr.hook = hop.hook;
        hr.in_interface = hop.in_interface;
        hr.out_interface = hop.out_interface;
        hr.reply = reply_marker;
        hr.judged = e.judged;
        hr.status = classify(base, e.accepted, e.unknown);
        hr.packets = e.packets;
        hr.parts = std::move(e.parts);
        if (hr.status == FlowStatus::partial) {
            hr.open = describe(e.accepted, base);
            hr.closed = describe(e.blocked, base);
        }
        all &= e.accepted;
        maybe &= e.accepted | e.unknown;
        pr.hops.push_back(std::move(hr));
    }
    passed = all;
    const FlowStatus s = classify(base, all, maybe - all);
    if (s == FlowStatus::partial && pr.open.empty()) {
        pr.open = describe(all, base);
        pr.closed = describe(base - maybe, base);
    }
    return s;
}

std::string hook_name(Hook h) { return std::string(to_string(h)); }

// Rules the firewall read but does not enforce (a disabled Windows rule) that would allow `w`,
// which the chain's default blocked: "a disabled rule at dc.reg:14, 'NTP (UDP-In)', would allow it".
std::vector<std::string> inactive_allowing(const Firewall& fw, Hook hook, const Packet& w, const Assumptions& assume) {
    std::vector<std::string> out;
    for (const Ruleset& rs : fw.rulesets) {
        if (rs.family != 0 && rs.family != w.family) continue;
        for (const InactiveRule& ir : rs.inactive) {
            if (ir.chain != to_string(hook) || ir.rule.target.action != Action::accept) continue;
            bool fails = false;
            std::string undecided;
            for (const Condition& c : ir.rule.conditions) {
                std::optional<bool> m = c.undecided ? assume.value(c) : c.matches(w);
                if (m && !*m) fails = true;
                else if (!m && undecided.empty()) undecided = c.undecided ? c.reason : "the packet does not say";
            }
            if (fails) continue;
            SourceLoc at = rs.where(ir.rule);
            at.column = 0;
            std::string d = "a " + ir.why + " rule at " + at.to_string() + (ir.name.empty() ? "" : ", '" + ir.name + "',") +
                            (undecided.empty() ? " would allow it" : " might allow it (" + undecided + ")");
            if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
        }
    }
    return out;
}

void hop_findings(const CheckContext& cx, Report& report, const RequirementResult& rr, const PathResult& pr) {
    bool path_kind_reported = false;
    for (const HopResult& h : pr.hops) {
        if (h.status == FlowStatus::allowed) continue;
        Finding f;
        f.kind = h.status == FlowStatus::blocked ? FindingKind::blocked
                 : h.status == FlowStatus::partial ? FindingKind::partial : FindingKind::unknown;
        if (h.status == pr.status) path_kind_reported = true;
        f.id = std::string(to_string(f.kind)) + "/" + rr.id + "/" + h.firewall;
        f.requirement = rr.id;
        f.firewall = h.firewall;
        const std::string what = rr.id + " (" + rr.flows + ", " + rr.source_role + " to " + rr.destination_role + ")";
        const std::string at = h.firewall + " (" + hook_name(h.hook) + (h.reply ? ", echo reply" : "") + ")";
        if (f.kind == FindingKind::blocked) f.message = what + " is blocked at " + at;
        else if (f.kind == FindingKind::partial) f.message = what + " is only partly open at " + at + ": " + h.open + " open, " + h.closed + " closed";
        else f.message = what + " cannot be decided at " + at;
        for (const HopPart& p : h.parts) {
            if (p.verdict == Verdict::accept) continue;
            if (!f.rule) {
                f.rule = p.where;
                f.rule_text = p.rule_text;
                f.witness = p.witness;
                if (f.kind == FindingKind::unknown && p.reason.starts_with("program: ")) {
                    // A Windows rule scoped to a program opens the flow for that program only:
                    // say so, and keep it unknown (never counted as allowed).
                    std::string who = p.reason.substr(9);
                    if (who.starts_with("only for ")) who = who.substr(9);
                    f.message = what + " is allowed at " + at + " only for " + who;
                } else if (f.kind == FindingKind::unknown && !p.reason.empty()) {
                    f.message += ": " + p.reason;
                }
            }
            std::string d = p.summary + ": " + std::string(to_string(p.verdict)) + " by " +
                            (p.by_policy ? "policy " : "") + p.where.to_string() + (p.rule_text.empty() ? "" : " " + p.rule_text);
            if (!p.reason.empty()) d += " (" + p.reason + ")";
            if (p.witness) d += "; e.g. " + format_packet(*p.witness);
            f.details.push_back(std::move(d));
            if (p.by_policy && p.witness && (p.verdict == Verdict::drop || p.verdict == Verdict::reject))
                for (std::string& i : inactive_allowing(cx.site.firewalls[static_cast<std::size_t>(h.firewall_index)], h.hook, *p.witness, cx.assume))
                    f.details.push_back(std::move(i));
        }
        f.details.push_back("path: " + pr.path);
        add_finding(report, cx.options, std::move(f));
    }
    if (!path_kind_reported && pr.status != FlowStatus::allowed) {
        Finding f;
        f.kind = pr.status == FlowStatus::blocked ? FindingKind::blocked
                 : pr.status == FlowStatus::partial ? FindingKind::partial : FindingKind::unknown;
        f.id = std::string(to_string(f.kind)) + "/" + rr.id + "/path";
        f.requirement = rr.id;
        f.message = rr.id + " (" + rr.flows + ") is " + std::string(to_string(pr.status)) +
                    " along " + pr.path + ": each hop opens a different part";
        if (!pr.open.empty()) f.details.push_back(pr.open + " passes every hop, " + pr.closed + " passes none");
        add_finding(report, cx.options, std::move(f));
    }
}

void not_checked(const CheckContext& cx, Report& report, const RequirementResult& rr, const Requirement& req) {
    Finding f;
    f.kind = FindingKind::not_checked;
    f.id = "not-checked/" + rr.id;
    f.requirement = rr.id;
    f.message = rr.id + " (" + rr.source_role + " to " + rr.destination_role + ") was not checked: " + rr.skip_reason;
    if (req.corrected && !rr.corrected) {
        // The catalog's corrected reading may be checkable where the document's is not.
        std::string reading;
        for (const Flow& fl : req.corrected->alternatives) {
            reading += (reading.empty() ? "" : " | ") + fl.protocol_text;
            if (protocol_has_ports(fl.protocol)) reading += " " + fl.source.text + " -> " + fl.destination.text;
        }
        f.message += "; the catalog has a corrected reading (" + reading + "): check it with `use corrected " + rr.id + "`";
        f.details.push_back("corrected reading at " + req.corrected->where.to_string());
    }
    add_finding(report, cx.options, std::move(f));
}

// A requirement that a site statement which could not be read could affect: unknown, with the
// statements' locations as the reason (never allowed or not-checked by their omission).
void unresolved(const CheckContext& cx, Report& report, RequirementResult& rr,
                const std::vector<const UnresolvedStatement*>& hit) {
    rr.status = FlowStatus::unknown;
    for (const UnresolvedStatement* u : hit) rr.unresolved.push_back(u->to_string());
    Finding f;
    f.kind = FindingKind::unknown;
    f.id = "unknown/" + rr.id + "/site";
    f.requirement = rr.id;
    f.rule = hit.front()->where;
    f.message = rr.id + " (" + rr.flows + ", " + rr.source_role + " to " + rr.destination_role +
                ") cannot be decided: the site's " + (hit.front()->statement.empty() ? std::string("line") : hit.front()->statement + " statement") +
                " at " + hit.front()->where.to_string() + " could not be read" +
                (hit.size() > 1 ? " (and " + std::to_string(hit.size() - 1) + " more)" : std::string());
    f.details = rr.unresolved;
    add_finding(report, cx.options, std::move(f));
}

}  // namespace

void run_reachability(CheckContext& cx, Report& report) {
    const Site& site = cx.site;
    for (const Catalog& cat : cx.catalogs) {
        for (const Requirement& req : cat.requirements) {
            RequirementResult rr;
            rr.catalog = cat.name;
            rr.id = req.id;
            rr.table_key = req.table_key;
            rr.table_title = req.table_title;
            rr.row_label = req.row_label;
            rr.where = req.where;
            rr.remark = req.remark;
            rr.annotations = req.annotations;
            rr.corrected = req.corrected && site.uses_corrected(req.id);
            const std::vector<Flow>& flows = rr.corrected ? req.corrected->alternatives : req.alternatives;
            rr.source_role = rr.corrected && !req.corrected->source_role.empty() ? req.corrected->source_role : req.source_role;
            rr.destination_role = rr.corrected && !req.corrected->destination_role.empty() ? req.corrected->destination_role
                                                                                             : req.destination_role;
            rr.reply_of = rr.corrected ? req.corrected->reply_of : req.reply_of;
            const bool reply = !rr.reply_of.empty();
            const Role* src = site.role(rr.source_role);
            const Role* dst = site.role(rr.destination_role);
            if (!src || !dst) {
                for (const Flow& fl : flows) rr.flows += (rr.flows.empty() ? "" : " | ") + fl.protocol_text;
                const auto hit = affecting(cx, flows, rr.source_role, rr.destination_role, src, dst, {});
                if (!hit.empty()) {   // the role's line could not be read: not "not bound"
                    unresolved(cx, report, rr, hit);
                    report.requirements.push_back(std::move(rr));
                    continue;
                }
                rr.skip_reason = "role \"" + (src ? rr.destination_role : rr.source_role) + "\" is not bound in the site";
                report.requirements.push_back(std::move(rr));
                not_checked(cx, report, report.requirements.back(), req);
                continue;
            }
            std::vector<Built> built;
            for (const Flow& fl : flows) {
                built.push_back(build(site, cat, fl, *src, *dst, reply));
                rr.flows += (rr.flows.empty() ? "" : " | ") + built.back().text;
            }
            const std::vector<SitePath> paths = site_paths(site, rr.source_role, rr.destination_role);
            const bool checkable = std::any_of(built.begin(), built.end(), [](const Built& b) { return b.problem.empty(); });
            const auto hit = affecting(cx, flows, rr.source_role, rr.destination_role, src, dst, paths);
            if (paths.empty() && checkable && !hit.empty()) {   // the missing path may be the statement's
                unresolved(cx, report, rr, hit);
                report.requirements.push_back(std::move(rr));
                continue;
            }
            if (paths.empty() || !checkable) {
                rr.skip_reason = paths.empty() ? "no path from \"" + rr.source_role + "\" to \"" + rr.destination_role + "\" in the site"
                                               : built.front().problem;
                report.requirements.push_back(std::move(rr));
                not_checked(cx, report, report.requirements.back(), req);
                continue;
            }
            rr.status = FlowStatus::allowed;
            for (const SitePath& path : paths) {
                std::optional<PathResult> best;
                for (std::size_t a = 0; a < built.size(); ++a) {
                    const Built& b = built[a];
                    if (!b.problem.empty()) continue;
                    PathResult pr;
                    pr.path = path.to_string();
                    pr.alternative = static_cast<int>(a);
                    PacketSet passed;
                    pr.status = run_hops(site, cx.assume, cx.evaluators, path.hops, b.base, reply, false, pr, passed);
                    if (!b.reply.empty()) {
                        std::vector<PathHop> back;
                        for (auto it = path.hops.rbegin(); it != path.hops.rend(); ++it) back.push_back(reversed(*it));
                        PacketSet passed_back;
                        PathResult tmp;
                        FlowStatus s = run_hops(site, cx.assume, cx.evaluators, back, b.reply, true, true, tmp, passed_back);
                        pr.status = worse(pr.status, s);
                        for (HopResult& h : tmp.hops) pr.hops.push_back(std::move(h));
                    }
                    for (const PathHop& hop : path.hops) {
                        HopUse use;
                        use.firewall = hop.firewall;
                        use.hook = hop.hook;
                        use.domain = interface_domain(hop.hook, hop.in_interface, hop.out_interface) & state_domain(ConnState::new_);
                        // a host sees only its own traffic: to it on INPUT, from it on OUTPUT
                        if (hop.hook == Hook::input) use.domain &= dst->addresses.destinations();
                        if (hop.hook == Hook::output) use.domain &= src->addresses.sources();
                        use.required = b.required & use.domain;
                        use.sources = src->addresses.sources();
                        cx.hop_uses.push_back(std::move(use));
                    }
                    if (!best || static_cast<int>(pr.status) < static_cast<int>(best->status)) best = std::move(pr);
                }
                rr.status = worse(rr.status, best->status);
                rr.paths.push_back(std::move(*best));
            }
            report.requirements.push_back(std::move(rr));
            RequirementResult& done = report.requirements.back();
            for (const PathResult& pr : done.paths) hop_findings(cx, report, done, pr);
            if (!hit.empty()) unresolved(cx, report, done, hit);
        }
    }
}

}  // namespace rulegap::check_detail
