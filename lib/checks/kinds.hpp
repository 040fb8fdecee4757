// rulegap checks — the finding kinds: one row each, in FindingKind order. to_string(),
// default_severity(), CheckInfo::kinds and the reports' sections all read this table, so a new
// kind is a FindingKind value (rulegap/check.hpp) and a row here.
#pragma once

#include <iterator>

#include "rulegap/check.hpp"

namespace rulegap::checks {

struct KindDef {
    FindingKind kind;
    const char* name;          // to_string(): "rpc-session"
    FindingSeverity severity;  // default_severity()
    const char* check;         // the check that reports it (its name in registry.cpp)
    const char* title;         // the reports' section heading; sections follow this order
};

inline constexpr KindDef finding_kinds[] = {
    {FindingKind::blocked, "blocked", FindingSeverity::error, "reachability", "Required flows blocked"},
    {FindingKind::partial, "partial", FindingSeverity::error, "reachability",
     "Required flows only partly open"},
    // unknown is an error: never a pass by omission
    {FindingKind::unknown, "unknown", FindingSeverity::error, "reachability",
     "Required flows that cannot be decided"},
    {FindingKind::rpc_session, "rpc-session", FindingSeverity::error, "rpc-pairing",
     "RPC sessions that cannot follow the endpoint mapper"},
    {FindingKind::broad_any, "broad-any", FindingSeverity::error, "broad",
     "Rules open to any source, destination or port"},
    {FindingKind::broad_sensitive, "broad-sensitive", FindingSeverity::warning, "broad",
     "Rules opening sensitive ports too widely"},
    {FindingKind::broad, "broad", FindingSeverity::info, "broad", "Rules opening more than required"},
    {FindingKind::firewall_disabled, "firewall-disabled", FindingSeverity::error, "inputs",
     "Firewalls switched off"},
    {FindingKind::input, "input", FindingSeverity::warning, "inputs",
     "Inputs that could not be read or decided"},
    {FindingKind::not_checked, "not-checked", FindingSeverity::info, "reachability",
     "Requirements not checked"},
    {FindingKind::shadowed, "shadowed", FindingSeverity::error, "rules",
     "Rules overridden by earlier rules with another action"},
    {FindingKind::redundant, "redundant", FindingSeverity::warning, "rules",
     "Rules earlier rules with the same action make redundant"},
    {FindingKind::unreachable, "unreachable", FindingSeverity::warning, "rules",
     "Rules in chains no packet enters, or that no entering packet matches"},
    {FindingKind::possibly_unreachable, "possibly-unreachable", FindingSeverity::warning, "rules",
     "Rules unreachable if undecided rules match"},
    {FindingKind::unmatchable, "unmatchable", FindingSeverity::error, "rules",
     "Rules whose own conditions match no packet"},
    {FindingKind::unreferenced, "unreferenced", FindingSeverity::warning, "rules",
     "Chains no rule jumps or goes to"},
};
static_assert(std::size(finding_kinds) == finding_kind_count, "one row per FindingKind");

constexpr bool finding_kinds_in_order() {
    for (std::size_t i = 0; i < std::size(finding_kinds); ++i)
        if (static_cast<std::size_t>(finding_kinds[i].kind) != i) return false;
    return true;
}
static_assert(finding_kinds_in_order(), "rows in FindingKind order");

}  // namespace rulegap::checks
