// What each finding kind means, for readers: SARIF's rule name, descriptions, help, security
// severity and tags, beside lib/checks/kinds.hpp's row for the kind (its id, default severity and
// section title), which finding_kinds() joins in. Tests check it agrees with to_string and
// default_severity.
#include <array>

#include "lib/checks/kinds.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

constexpr std::string_view reachability_tags[] = {"firewall", "reachability", "availability"};
constexpr std::string_view undecided_tags[] = {"firewall", "reachability", "undecided"};
constexpr std::string_view rpc_tags[] = {"firewall", "reachability", "rpc", "availability"};
constexpr std::string_view exposure_tags[] = {"security", "firewall", "exposure"};
constexpr std::string_view disabled_tags[] = {"security", "firewall", "windows"};
constexpr std::string_view input_tags[] = {"firewall", "input"};
constexpr std::string_view coverage_tags[] = {"firewall", "coverage"};
constexpr std::string_view rule_tags[] = {"firewall", "maintainability", "rules"};

// The descriptive columns, one row per kind in FindingKind order (kinds.hpp holds the rest).
struct Texts {
    FindingKind kind;
    std::string_view name, short_description, full_description, help;
    double security_severity;
    std::span<const std::string_view> tags;
};

constexpr Texts texts[] = {
    {FindingKind::blocked, "RequiredFlowBlocked", "A required flow is blocked at a firewall",
     "No packet of a flow that the vendor's port requirements need passes this firewall hop: the "
     "deciding rule (or the chain's policy) drops or rejects all of it.",
     "The service named by the requirement will not work across this firewall. Add an accept rule "
     "for the flow (the witness packet is one it drops) before the rule or policy that drops it, or "
     "bind the site's roles and zones so that the flow does not cross this hop if it should not.",
     6.0, reachability_tags},
    {FindingKind::partial, "RequiredFlowPartlyOpen", "A required flow is only partly open",
     "Some packets of a required flow pass every hop of a path and some do not: the report lists "
     "the open and the closed sub-ranges (ports, addresses) and the rule that closes them.",
     "The service works for some clients or ports and fails for others. Widen the accept rule to "
     "the whole required range (the witness packet is one that is still dropped), or correct the "
     "catalog row if the document's range is wrong for this site.",
     5.0, reachability_tags},
    {FindingKind::unknown, "RequiredFlowUndecided", "A required flow's verdict cannot be decided statically",
     "Whether a required flow passes depends on a match rulegap cannot decide from the export "
     "(a rate limit, a mark, an unknown module, an interface the packet does not name) or on a "
     "site statement that could not be read. Unknown never counts as allowed.",
     "Check the named rule by hand, or tell rulegap what to assume about the module "
     "(--assume MODULE=match|nomatch, or the site's `assume` statement) so the verdict is decided; "
     "fix the site statement if one could not be read.",
     4.0, undecided_tags},
    {FindingKind::rpc_session, "RpcSessionPortClosed",
     "An RPC endpoint mapper is open but its session port is closed",
     "TCP 135 (the RPC endpoint mapper) is allowed for a required flow while the dynamic or fixed "
     "port the RPC session then uses is not: clients reach the mapper and then fail.",
     "Open the session port (the fixed port the server was configured with, or its dynamic RPC "
     "range) for the same roles as port 135, or close 135 too if the service is not needed.",
     5.0, rpc_tags},
    {FindingKind::broad_any, "RuleOpenToAny", "An accept rule admits any source, any destination or any port",
     "An accept rule on a hop that required flows cross admits traffic from any source, to any "
     "destination or on any port, far beyond what the requirements need.",
     "Restrict the rule's source, destination and ports to the roles and ports the catalog's "
     "requirements name (the report quantifies the excess and gives a packet it admits that no "
     "requirement needs).",
     9.1, exposure_tags},
    {FindingKind::broad_sensitive, "SensitivePortTooOpen",
     "An accept rule opens a sensitive port to sources wider than the required roles",
     "An accept rule opens a sensitive port (RPC, NetBIOS, SMB, LDAP, SQL, remote administration, "
     "or the site's `sensitive` list) to sources beyond the roles a requirement names for it.",
     "Limit the rule's sources to the roles that need the port; if the wider access is intended, "
     "add it as a requirement or lower the kind's severity (--severity broad-sensitive=info).",
     7.5, exposure_tags},
    {FindingKind::broad, "RuleBroaderThanRequired",
     "An accept rule admits more than the requirements crossing its hop",
     "An accept rule admits traffic that no requirement crossing its hop needs; the report counts "
     "the excess and gives a witness packet.",
     "Narrow the rule to the required flows, or document the extra traffic as a requirement of "
     "its own. Info by default: a review item, not a failure.",
     3.0, exposure_tags},
    {FindingKind::firewall_disabled, "FirewallDisabled", "A Windows firewall profile is switched off",
     "A Windows Firewall profile of a host the site checks is disabled, so none of its rules "
     "filters traffic in that profile.",
     "Turn the profile on (EnableFirewall = 1 in the policy) and add the rules its required flows "
     "need; a host without a filtering profile accepts everything.",
     9.5, disabled_tags},
    {FindingKind::input, "InputUnreadable",
     "An input could not be read or decided where it touched a verdict",
     "Part of a firewall export, the site or a catalog could not be read, or holds something "
     "rulegap cannot model, and a requirement's verdict depends on it.",
     "Fix the line the finding names (see the input diagnostics), or export the firewall again; "
     "the verdicts it touches are unknown until then.",
     2.0, input_tags},
    {FindingKind::not_checked, "RequirementNotChecked", "A requirement could not be checked",
     "A requirement of the catalog was not checked: a role it names is not bound in the site, "
     "there is no path between the roles, or no port to check.",
     "Bind the role in the site file (role NAME = addresses) or describe the path; if the role "
     "does not exist at this site, the requirement does not apply.",
     1.0, coverage_tags},
    {FindingKind::shadowed, "RuleShadowed", "A rule is overridden by earlier rules with another action",
     "Every packet the rule matches is decided by earlier rules of its chain before it, some of them "
     "with another action: the rule never applies and its intent is overridden.",
     "Move the rule above the rules that cover it (the finding names them) if its action is meant, "
     "or delete it if the earlier rules are right.",
     5.0, rule_tags},
    {FindingKind::redundant, "RuleRedundant", "A rule is made redundant by earlier rules with the same action",
     "Every packet the rule matches is decided by earlier rules with the same action: removing it "
     "changes nothing.",
     "Delete the rule, or narrow the earlier rules that cover it (the finding names them) if they are "
     "wider than intended.",
     2.0, rule_tags},
    {FindingKind::unreachable, "RuleUnreachable", "No packet reaches a rule",
     "No packet enters the rule's chain (every jump to it is itself unreachable), or none of the "
     "packets that do matches the rule.",
     "Delete the rule or the chain, or correct the jumps that should send packets to it.", 2.0,
     rule_tags},
    {FindingKind::possibly_unreachable, "RulePossiblyUnreachable",
     "A rule is unreachable if undecided rules before it match",
     "The rule is reached only when some earlier rules with a match rulegap cannot decide (a rate "
     "limit, recent, a mark) do not match; if they match every packet, nothing reaches it.",
     "Check that the undecided rules it depends on are as narrow as intended, or state an assumption "
     "(--assume MODULE=match|nomatch).",
     1.0, rule_tags},
    {FindingKind::unmatchable, "RuleUnmatchable", "A rule's own conditions match no packet",
     "The rule's conditions contradict each other (an address outside its own range, a port on a "
     "protocol without ports, an ICMP type on TCP): it matches nothing wherever it stands.",
     "Correct the condition that is wrong, or delete the rule.", 4.0, rule_tags},
    {FindingKind::unreferenced, "ChainUnreferenced", "No rule jumps or goes to a chain",
     "A user-defined chain is never the target of a jump or goto, so none of its rules applies.",
     "Delete the chain, or add the jump that should use it.", 1.0, rule_tags},
};
static_assert(std::size(texts) == finding_kind_count, "one row per FindingKind");

constexpr std::string_view level_of(FindingSeverity s) {
    return s == FindingSeverity::error ? "error" : s == FindingSeverity::warning ? "warning" : "note";
}

constexpr std::array<FindingKindInfo, finding_kind_count> joined() {
    std::array<FindingKindInfo, finding_kind_count> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        const checks::KindDef& d = checks::finding_kinds[i];
        const Texts& t = texts[i];
        out[i] = {d.kind,
                  d.name,
                  t.name,
                  d.title,
                  t.short_description,
                  t.full_description,
                  t.help,
                  level_of(d.severity),
                  t.security_severity,
                  t.tags};
    }
    return out;
}

constexpr bool in_order() {
    for (std::size_t i = 0; i < std::size(texts); ++i)
        if (texts[i].kind != checks::finding_kinds[i].kind) return false;
    return true;
}
static_assert(in_order(), "rows in FindingKind order, as in kinds.hpp");

constexpr std::array<FindingKindInfo, finding_kind_count> table = joined();

}  // namespace

std::span<const FindingKindInfo> finding_kinds() { return table; }

const FindingKindInfo& finding_kind_info(FindingKind kind) { return table[static_cast<std::size_t>(kind)]; }

}  // namespace rulegap
