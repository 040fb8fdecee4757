// rulegap checks — RPC pairing: the endpoint mapper (TCP 135) is open but the session port the
// RPC then needs is not. See README.md in this folder.
#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

// The destination port as the document (or the chosen reading) writes it.
std::string destination_text(const Requirement& r, bool corrected) {
    const Flow& f = corrected && r.corrected ? r.corrected->alternatives.front() : r.flow();
    return f.destination.text.empty() ? "?" : f.destination.text;
}

}  // namespace

void run_rpc_pairing(const CheckContext& cx, Report& report) {
    std::vector<Finding> found;
    for (const EvaluatedRequirement& s : cx.flows.requirements) {
        const RequirementResult& session = s.result;
        if (!session.reply_of.empty() || session.status == FlowStatus::allowed ||
            session.status == FlowStatus::skipped)
            continue;
        const Requirement* sreq = s.requirement;
        if (!sreq->has_tag(rpc_session_tag)) continue;
        for (const EvaluatedRequirement& m : cx.flows.requirements) {
            const RequirementResult& mapper = m.result;
            if (mapper.catalog != session.catalog || mapper.table_key != session.table_key ||
                !mapper.reply_of.empty() || mapper.source_role != session.source_role ||
                mapper.destination_role != session.destination_role || mapper.status != FlowStatus::allowed)
                continue;
            const Requirement* mreq = m.requirement;
            if (!mreq->has_tag(rpc_endpoint_mapper_tag)) continue;
            Finding f;
            f.kind = FindingKind::rpc_session;
            f.id = "rpc-session/" + session.id;
            f.requirement = session.id;
            const std::string port = destination_text(*sreq, session.corrected);
            const bool quoted = !port.empty() && port.front() != '"' &&
                                !std::isdigit(static_cast<unsigned char>(port.front()));
            f.message = "RPC endpoint mapper TCP " + destination_text(*mreq, mapper.corrected) +
                        " is open but the session port " + (quoted ? "\"" + port + "\"" : port) + " is " +
                        (session.status == FlowStatus::unknown   ? "undecided"
                         : session.status == FlowStatus::partial ? "only partly open"
                                                                 : "closed") +
                        " (" + session.source_role + " to " + session.destination_role + ", " + mapper.id +
                        " and " + session.id + ")";
            f.details.push_back(
                "the endpoint mapper hands out the session port; without it the RPC call fails after the "
                "bind");
            for (const PathResult& p : session.paths)
                for (const HopResult& h : p.hops)
                    if (h.status != FlowStatus::allowed) {
                        f.firewall = h.firewall;
                        for (const HopPart& part : h.parts)
                            if (part.verdict != Verdict::accept && !f.rule) {
                                f.rule = part.where;
                                f.rule_text = part.rule_text;
                                f.witness = part.witness;
                            }
                    }
            if (const Firewall* fw = cx.site.host_firewall(session.destination_role);
                fw && fw->is_windows()) {
                const Interval r = fw->rpc_range.value_or(Interval{49152, 65535});
                f.details.push_back(
                    "on Windows (" + fw->name +
                    "), a rule with LPort=RPC opens this host's RPC dynamic range " + port_text({r}) +
                    ", not " + port + " as such" +
                    (session.corrected
                         ? std::string()
                         : "; choose the corrected reading with `use corrected " + session.id + "`"));
            }
            found.push_back(std::move(f));
            break;
        }
    }
    for (Finding& f : found) add_finding(report, cx.options, std::move(f));
}

}  // namespace rulegap::checks
