// rulegap — checking a site's firewalls against requirement catalogs.
//
//   Site site = load_site("site.conf");
//   std::vector<Catalog> catalogs = {load_catalog("rules/mps.catalog")};
//   Report report = check(site, catalogs, {});
//
// The Report is plain data, laid out for printing: per requirement, per path, per hop, with the
// deciding rule and a witness packet for every part that is not open; then the findings, each
// with a stable id. Nothing is printed; check() never throws on bad input.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/catalog.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/site.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

// How a required flow fares at a hop, on a path, or overall. Ordered from best to worst.
//   allowed: every packet of the flow is accepted
//   partial: some packets are accepted and some definitely are not
//   unknown: some part is undecided (and the rest is not all blocked); never counts as allowed
//   blocked: no packet is accepted and nothing is undecided
//   skipped: not checked (a role is not bound in the site, no path, no port to check)
enum class FlowStatus : std::uint8_t { allowed, partial, unknown, blocked, skipped };
std::string_view to_string(FlowStatus s);

// How a hop was judged for a reply flow (or an ICMP echo reply).
//   new_: forward flows, and replies at a hop that does not pass them as ESTABLISHED
//   established: the hop passes the reply as ESTABLISHED traffic (stateful)
//   mixed: part of the reply passes as ESTABLISHED, the rest was judged as NEW
enum class Judged : std::uint8_t { new_, established, mixed };
std::string_view to_string(Judged j);

// One part of a hop's verdict: the packets one rule (or the policy) decided.
struct HopPart {
    Verdict verdict = Verdict::unknown;
    PacketSet packets;
    SourceLoc where;                // the deciding rule (file:line) or the chain header
    std::string rule_text;          // the rule as written, or ":INPUT DROP" for a policy
    bool by_policy = false;         // the policy / profile default decided
    std::string reason;             // unknown: why (names the rule and the match)
    std::optional<Packet> witness;  // a member, for every part that is not accepted
    std::string summary;            // "tcp dport 4500-4999" — what the part covers
};

struct HopResult {
    std::string firewall;  // Firewall::name
    int firewall_index = -1;
    Hook hook = Hook::input;
    std::string in_interface, out_interface;  // as bound on the path (empty: any)
    bool reply = false;                       // this hop carries the reply direction
    Judged judged = Judged::new_;
    FlowStatus status = FlowStatus::unknown;
    PacketSet packets;           // the flow as it meets this hop (state new or established)
    std::vector<HopPart> parts;  // partition of `packets`, accepted parts first
    std::string open, closed;    // partial: "dport 4000-4499", "dport 4500-4999"
};

struct PathResult {
    std::string path;                         // SitePath::to_string()
    FlowStatus status = FlowStatus::unknown;  // from the packets that pass every hop
    int alternative = 0;                      // which of the requirement's flows these hops check
    std::vector<HopResult> hops;              // in path order; ICMP echo replies follow, marked `reply`
    std::string open, closed;                 // partial: what passes the whole path and what does not
};

struct RequirementResult {
    std::string catalog;  // Catalog::name
    std::string id;       // "mps.t2.r7"
    std::string table_key;
    std::string table_title;
    std::string row_label;
    SourceLoc where;  // the catalog's `row` statement
    std::string source_role, destination_role;
    std::string flows;  // "TCP Random 4xxx(4000-4999) -> 135 | ..."
    std::string remark;
    std::string reply_of;
    bool corrected = false;  // the site chose the catalog's corrected reading
    std::vector<std::string> annotations;
    FlowStatus status = FlowStatus::skipped;  // worst over paths (best over alternatives)
    std::string skip_reason;                  // status skipped: why
    std::vector<std::string> unresolved;      // site statements that could not be read and could
                                              // change this verdict ("site.conf:12:30: ..."); the
                                              // status is then unknown
    std::vector<PathResult> paths;
};

enum class FindingKind : std::uint8_t {
    blocked,            // a required flow is closed at a hop
    partial,            // only part of a required flow is open (open / closed sub-ranges)
    unknown,            // a required flow's verdict depends on something undecided
    rpc_session,        // RPC endpoint mapper open, its session port closed
    broad_any,          // an accept rule admits any source, any destination or any port
    broad_sensitive,    // ... or sensitive ports to sources wider than the required roles
    broad,              // ... or other traffic beyond the requirements
    firewall_disabled,  // a Windows profile with the firewall off
    input,              // an unreadable or undecided input that touched a verdict
    not_checked,        // a requirement that could not be checked (unbound role, no path)
    // The rules check (rule_findings.hpp): rules that never apply, or not as written.
    shadowed,              // earlier rules take all its packets, some with another action
    redundant,             // earlier rules with the same action take all its packets
    unreachable,           // no packet enters its chain, or none that does matches it
    possibly_unreachable,  // unreachable if the undecided rules it depends on match
    unmatchable,           // its own conditions match no packet
    unreferenced,          // a user chain no rule jumps or goes to
};
constexpr int finding_kind_count = 16;
std::string_view to_string(FindingKind k);  // "blocked", "rpc-session", "broad-any", ...

enum class FindingSeverity : std::uint8_t { error, warning, info };
std::string_view to_string(FindingSeverity s);
FindingSeverity default_severity(FindingKind k);

struct Finding {
    FindingKind kind = FindingKind::blocked;
    FindingSeverity severity = FindingSeverity::error;
    int rank = 0;                   // lower first; within a kind (broad: 1 any, 2 sensitive, 3)
    std::string id;                 // stable: "blocked/mps.t2.r7/perimeter"
    std::string requirement;        // the requirement id, when one is concerned
    std::string firewall;           // the firewall, when one is concerned
    std::optional<SourceLoc> rule;  // the rule (or chain header) concerned
    std::string rule_text;
    std::optional<Packet> witness;
    std::string message;  // one plain sentence
    std::vector<std::string> details;
    // A possible finding (broad): it holds under some assignment of these undecided rules'
    // matches only (empty: it holds whatever they do).
    std::vector<SourceLoc> depends_on;
};

// The highest severity that makes a run fail; `never` makes no finding fail it.
enum class FailOn : std::uint8_t { error, warning, info, never };

struct CheckOptions {
    std::map<FindingKind, FindingSeverity> severity;     // overrides default_severity()
    std::set<std::string, std::less<>> disabled_checks;  // by Check name (see all_checks())
    FailOn fail_on = FailOn::error;                      // for Report::verdict
    // The broad check's sensitive destination ports; unset: the site's `sensitive` list, else
    // default_sensitive_ports(). A host's RPC dynamic range is added on Windows hosts.
    std::optional<std::vector<Interval>> sensitive_ports;
    // Assumptions for undecided matches (--assume); each replaces the site's `assume` for its
    // module.
    Assumptions assume;
    // Diagram nodes per firewall hook evaluated (packet_set.hpp): past them the check stops, and
    // the report says so as an input error (verdict INCOMPLETE).
    std::size_t max_nodes = default_max_nodes;
    // Told what check() is doing as it goes ("checking requirement 3 of 34: mps.t1.r3", "check
    // broad: ..."), on the calling thread; for a progress line. Empty: not told.
    std::function<void(std::string_view what)> progress;
};

// 135, 137-139, 389, 445, 636, 1025, 1433, 3268-3269 (the documents' ports) and 22, 23, 3389,
// 5900, 5985-5986 (remote administration).
std::vector<Interval> default_sensitive_ports();

// The verdict of a run, the same in every rendering:
//   pass: at least one requirement was checked, every checked one is allowed, no finding reaches
//         CheckOptions::fail_on, and every input was read
//   fail: a checked requirement is blocked or partly open, or a finding (other than `unknown`,
//         `input` and `not-checked`) reaches fail_on
//   incomplete: otherwise not a pass: an input has errors, no requirement could be checked, or
//         a checked requirement is unknown
enum class RunVerdict : std::uint8_t { pass, fail, incomplete };
std::string_view to_string(RunVerdict v);  // "PASS", "FAIL", "INCOMPLETE"

struct ReportSummary {
    std::size_t requirements = 0, allowed = 0, partial = 0, unknown = 0, blocked = 0, skipped = 0;
    std::size_t errors = 0, warnings = 0, infos = 0;
};

// An assumption the run applied, and how many rules (of all the site's firewalls) it touched.
struct AppliedAssumption {
    Assumption assumption;  // where: the site's statement, or empty (command line)
    std::size_t rules = 0;
};

struct Report {
    std::string site;                             // Site::name
    std::vector<AppliedAssumption> assumptions;   // in the order of Unmodelled; empty: none
    std::vector<RequirementResult> requirements;  // in catalog order, whichever checks ran
    std::vector<Finding> findings;                // by severity, kind, rank, id
    Diagnostics diagnostics;                      // site, catalog and firewall diagnostics, as read, and the
                                                  // checks' warnings about the site (names no catalog knows)
    ReportSummary summary;
    RunVerdict verdict = RunVerdict::incomplete;
    std::string verdict_reason;  // one sentence: why this verdict
    std::size_t checked() const { return summary.requirements - summary.skipped; }

    const RequirementResult* requirement(std::string_view id) const;
    const Finding* finding(std::string_view id) const;
    std::vector<const Finding*> of_kind(FindingKind k) const;
};

// The checks, in the order they run (lib/checks/registry.cpp).
struct CheckInfo {
    std::string name;
    std::string description;
    std::vector<FindingKind> kinds;  // the finding kinds it reports (each kind has one check)
};
std::vector<CheckInfo> all_checks();

Report check(const Site& site, const std::vector<Catalog>& catalogs, const CheckOptions& options = {});

}  // namespace rulegap
