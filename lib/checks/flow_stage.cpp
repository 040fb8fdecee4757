// rulegap checks — the flow stage: every requirement of every catalog, along every path of the
// site, hop by hop. check() runs it before the checks, whichever are enabled; the checks read its
// result (CheckContext::flows). The method is in reachability/README.md.
#include <algorithm>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

bool is_icmp(std::uint8_t p) { return p == 1 || p == 58; }

std::uint8_t icmp6_type(std::uint8_t t) { return t == 8 ? 128 : t == 0 ? 129 : t; }

// A flow of a requirement, in base space, between two roles.
struct Built {
    PacketSet base;      // the flow
    PacketSet reply;     // ICMP: the echo reply (reverse direction); empty otherwise
    PacketSet required;  // for the broad check: the ephemeral side widened
    std::string text;
    std::string problem;  // non-empty: the flow cannot be checked
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

Built build(const Site& site, const Catalog& cat, const Flow& flow, const Role& src, const Role& dst,
            bool reply_row) {
    Built out;
    const PortBindings sb = bindings_for(site, src), db = bindings_for(site, dst);
    const PacketSet between = src.addresses.sources() & dst.addresses.destinations();
    out.text = flow.protocol_text;
    if (is_icmp(flow.protocol)) {
        if (!flow.icmp_type) {
            out.problem = "the ICMP row gives no type";
            return out;
        }
        out.text += " type " + std::to_string(*flow.icmp_type);
        out.base = between & icmp_set(*flow.icmp_type, flow.icmp_code);
        out.required = out.base;
        if (flow.icmp_reply_type) {
            out.text += " (reply type " + std::to_string(*flow.icmp_reply_type) + ")";
            out.reply = dst.addresses.sources() & src.addresses.destinations() &
                        icmp_set(*flow.icmp_reply_type, std::nullopt);
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
    for (auto [spec, ports, side] :
         {std::tuple{&flow.source, &sp, "source"}, std::tuple{&flow.destination, &dp, "destination"}}) {
        if (*ports) continue;
        out.problem =
            spec->kind == PortKind::none
                ? std::string("the document gives no ") + side + " port (-)"
                : std::string("no ") + side + " port for \"" + spec->text + "\" (unknown port class)";
        return out;
    }
    out.base =
        between & proto & PacketSet::where(Field::src_port, *sp) & PacketSet::where(Field::dst_port, *dp);
    out.required = out.base;
    auto ephemeral = [](const PortSpec& s) { return s.kind == PortKind::any || s.kind == PortKind::named; };
    if (!reply_row && ephemeral(flow.source))
        out.required = out.required.widened(Field::src_port) & between & proto;
    if (reply_row && ephemeral(flow.destination))
        out.required = out.required.widened(Field::dst_port) & between & proto;
    return out;
}

PathHop reversed(const PathHop& h) {
    PathHop r = h;
    if (h.hook == Hook::input)
        r.hook = Hook::output;
    else if (h.hook == Hook::output)
        r.hook = Hook::input;
    std::swap(r.in_interface, r.out_interface);
    return r;
}

// The hops of one direction, and what passes them all.
FlowStatus run_hops(const Site& site, const Assumptions& assume, Evaluators& evaluators,
                    const std::vector<PathHop>& hops, const PacketSet& base, bool reply, bool reply_marker,
                    PathResult& pr, PacketSet& passed) {
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

// A requirement that a site statement which could not be read could affect: unknown, with the
// statements' locations as the reason (never allowed or not-checked by their omission).
void mark_unresolved(EvaluatedRequirement& e, std::vector<const UnresolvedStatement*> hit) {
    e.result.status = FlowStatus::unknown;
    for (const UnresolvedStatement* u : hit) e.result.unresolved.push_back(u->to_string());
    e.unresolved = std::move(hit);
}

}  // namespace

void evaluate_flows(CheckContext& cx) {
    const Site& site = cx.site;
    std::vector<EvaluatedRequirement>& out = cx.flows.requirements;
    std::size_t total = 0, done = 0;
    for (const Catalog& cat : cx.catalogs) total += cat.requirements.size();
    for (const Catalog& cat : cx.catalogs) {
        for (const Requirement& req : cat.requirements) {
            if (cx.options.progress)
                cx.options.progress("checking requirement " + std::to_string(++done) + " of " +
                                    std::to_string(total) + ": " + req.id);
            EvaluatedRequirement e;
            e.requirement = &req;
            RequirementResult& rr = e.result;
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
            rr.source_role = rr.corrected && !req.corrected->source_role.empty() ? req.corrected->source_role
                                                                                 : req.source_role;
            rr.destination_role = rr.corrected && !req.corrected->destination_role.empty()
                                      ? req.corrected->destination_role
                                      : req.destination_role;
            rr.reply_of = rr.corrected ? req.corrected->reply_of : req.reply_of;
            const bool reply = !rr.reply_of.empty();
            const Role* src = site.role(rr.source_role);
            const Role* dst = site.role(rr.destination_role);
            if (!src || !dst) {
                for (const Flow& fl : flows) rr.flows += (rr.flows.empty() ? "" : " | ") + fl.protocol_text;
                auto hit = affecting(cx, flows, rr.source_role, rr.destination_role, src, dst, {});
                if (!hit.empty()) {  // the role's line could not be read: not "not bound"
                    mark_unresolved(e, std::move(hit));
                    out.push_back(std::move(e));
                    continue;
                }
                rr.skip_reason =
                    "role \"" + (src ? rr.destination_role : rr.source_role) + "\" is not bound in the site";
                out.push_back(std::move(e));
                continue;
            }
            std::vector<Built> built;
            for (const Flow& fl : flows) {
                built.push_back(build(site, cat, fl, *src, *dst, reply));
                rr.flows += (rr.flows.empty() ? "" : " | ") + built.back().text;
            }
            const std::vector<SitePath> paths = site_paths(site, rr.source_role, rr.destination_role);
            const bool checkable =
                std::any_of(built.begin(), built.end(), [](const Built& b) { return b.problem.empty(); });
            auto hit = affecting(cx, flows, rr.source_role, rr.destination_role, src, dst, paths);
            if (paths.empty() && checkable && !hit.empty()) {  // the missing path may be the statement's
                mark_unresolved(e, std::move(hit));
                out.push_back(std::move(e));
                continue;
            }
            if (paths.empty() || !checkable) {
                rr.skip_reason = paths.empty() ? "no path from \"" + rr.source_role + "\" to \"" +
                                                     rr.destination_role + "\" in the site"
                                               : built.front().problem;
                out.push_back(std::move(e));
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
                    pr.status =
                        run_hops(site, cx.assume, cx.evaluators, path.hops, b.base, reply, false, pr, passed);
                    if (!b.reply.empty()) {
                        std::vector<PathHop> back;
                        for (auto it = path.hops.rbegin(); it != path.hops.rend(); ++it)
                            back.push_back(reversed(*it));
                        PacketSet passed_back;
                        PathResult tmp;
                        FlowStatus s = run_hops(site, cx.assume, cx.evaluators, back, b.reply, true, true,
                                                tmp, passed_back);
                        pr.status = worse(pr.status, s);
                        for (HopResult& h : tmp.hops) pr.hops.push_back(std::move(h));
                    }
                    for (const PathHop& hop : path.hops) {
                        HopUse use;
                        use.firewall = hop.firewall;
                        use.hook = hop.hook;
                        use.domain = interface_domain(hop.hook, hop.in_interface, hop.out_interface) &
                                     state_domain(ConnState::new_);
                        // a host sees only its own traffic: to it on INPUT, from it on OUTPUT
                        if (hop.hook == Hook::input) use.domain &= dst->addresses.destinations();
                        if (hop.hook == Hook::output) use.domain &= src->addresses.sources();
                        use.required = b.required & use.domain;
                        use.sources = src->addresses.sources();
                        cx.flows.hop_uses.push_back(std::move(use));
                    }
                    if (!best || static_cast<int>(pr.status) < static_cast<int>(best->status))
                        best = std::move(pr);
                }
                rr.status = worse(rr.status, best->status);
                rr.paths.push_back(std::move(*best));
            }
            if (!hit.empty()) mark_unresolved(e, std::move(hit));
            out.push_back(std::move(e));
        }
    }
}

}  // namespace rulegap::checks
