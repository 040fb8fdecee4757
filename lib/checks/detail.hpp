// rulegap checks — what the checks share (private to lib/checks): the context they run in, the
// flow stage's result they read, the registry entry, and the evaluation of one flow at one hop.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rulegap/check.hpp"

namespace rulegap::checks {

// A hop that carries required flows (for the broad check).
struct HopUse {
    int firewall = -1;
    Hook hook = Hook::input;
    PacketSet domain;    // the packets that can meet this hop here (interfaces, state new)
    PacketSet required;  // the required flows at this hop (state new), ephemeral ports widened
    PacketSet sources;   // the required flows' source addresses (any other field)
};

// Compiled hooks for one check run: one Evaluator per (ruleset, hook), made on first use (the
// assumptions are the run's, the same at every call).
class Evaluators {
public:
    std::size_t max_nodes = default_max_nodes;  // per Evaluator (CheckOptions::max_nodes)
    Evaluator& of(const Ruleset& rs, Hook hook, const Assumptions& assume) {
        auto it = cache_.find({&rs, hook});
        if (it == cache_.end())
            it = cache_.emplace(std::pair{&rs, hook}, Evaluator(rs, hook, assume, max_nodes)).first;
        return it->second;
    }

private:
    std::map<std::pair<const Ruleset*, Hook>, Evaluator> cache_;
};

// A requirement as the flow stage evaluated it.
struct EvaluatedRequirement {
    RequirementResult result;                  // becomes a Report::requirements entry
    const Requirement* requirement = nullptr;  // the catalog's row
    // The unreadable site statements that made it unknown (also in result.unresolved as text).
    std::vector<const UnresolvedStatement*> unresolved;
};

// What the flow stage computes once, before the checks, and every check reads: each
// requirement's verdict along every path, and the hops the required flows cross.
struct Flows {
    std::vector<EvaluatedRequirement> requirements;  // in catalog order
    std::vector<HopUse> hop_uses;                    // one per path hop and flow alternative
};

struct CheckContext {
    const Site& site;
    const std::vector<Catalog>& catalogs;
    const CheckOptions& options;
    // The site's statements that could not be read, and its binds of a port class no catalog
    // declares but one nearly spelt so (that class is then left at its default): every
    // requirement one of them could affect is unknown. Filled by check_site_names().
    std::vector<UnresolvedStatement> unresolved;
    // The assumptions in force: the site's, each replaced by CheckOptions::assume's for its module.
    Assumptions assume;
    // A cache: compiling a hook is done once per run, whichever stage or check asks first.
    mutable Evaluators evaluators = {};
    Flows flows = {};  // filled by evaluate_flows(), before the checks
};

// The flow stage (flow_stage.cpp): evaluates every requirement of every catalog along every
// path and fills cx.flows. check() runs it whichever checks are enabled. It may throw
// (DiagramTooLarge); what it filled before stays.
void evaluate_flows(CheckContext& cx);

// A check: one struct, listed in registry.cpp. It reads the context (cx.flows among it) and
// writes findings only, so that disabling one check never changes another's findings.
struct CheckDef {
    const char* name;
    const char* description;
    void (*run)(const CheckContext&, Report&);
};
const std::vector<CheckDef>& registry();

// The checks (each in its own folder).
void run_reachability(const CheckContext&, Report&);
void run_rules(const CheckContext&, Report&);
void run_rpc_pairing(const CheckContext&, Report&);
void run_broad(const CheckContext&, Report&);
void run_inputs(const CheckContext&, Report&);

// After the checks: Report::verdict and its reason (registry.cpp).
void decide_verdict(Report& report, FailOn fail_on);

// Before the checks: warnings about names in the site that no catalog or rule knows (roles,
// port classes, `via` interfaces), with "did you mean"; fills cx.unresolved (site_names.cpp).
void check_site_names(CheckContext&, Report&);

// The unresolved statements that could change a requirement's verdict (unresolved.cpp). `src`
// or `dst` null: that role is not bound (only statements that bind roles count then).
std::vector<const UnresolvedStatement*> affecting(const CheckContext& cx, const std::vector<Flow>& flows,
                                                  const std::string& source_role,
                                                  const std::string& destination_role, const Role* src,
                                                  const Role* dst, const std::vector<SitePath>& paths);

// ---- shared helpers (flows.cpp) ----------------------------------------------------------

// Packets in one connection state (tcp with flags syn for new, ack otherwise).
PacketSet state_domain(ConnState state);
// Interface values a hop sees: INPUT has no output interface, OUTPUT no input interface; an
// interface not given on the path is any name but lo.
PacketSet interface_domain(Hook hook, const std::string& in, const std::string& out);
// The set with interfaces, state and tcp flags set to anything, kept within `base`.
PacketSet to_base(const PacketSet& hop_set, const PacketSet& base);

// One flow at one hop: the base packets accepted, undecided and blocked, and the parts.
struct HopEval {
    PacketSet accepted, unknown, blocked;  // in base space (no interfaces, state, flags)
    PacketSet packets;                     // the flow as it met the hop
    std::vector<HopPart> parts;
    Judged judged = Judged::new_;
};
HopEval evaluate_hop(const Firewall& fw, const PathHop& hop, const PacketSet& base, bool reply,
                     const Assumptions& assume, Evaluators& evaluators);

FlowStatus classify(const PacketSet& flow, const PacketSet& accepted, const PacketSet& unknown);
FlowStatus worse(FlowStatus a, FlowStatus b);

// "tcp dport 4000-4499": the fields in which `part` differs from `whole` (all fields when equal).
std::string describe(const PacketSet& part, const PacketSet& whole);
std::string port_text(const std::vector<Interval>& ports);

// Adds a finding with its configured severity; merges details into an existing one with the id.
void add_finding(Report& report, const CheckOptions& options, Finding f);

}  // namespace rulegap::checks
