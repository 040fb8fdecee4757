// rulegap — Windows Firewall policies: rule strings ([MS-GPFAS] 2.2.2) and the export forms an
// administrator has (.wfw registry hive, .reg text, GPO report XML, PowerShell CSV, a text file of
// rule strings), and their lowering into the common model.
//
// Reading keeps every key of every rule, in order (WindowsRule::keys), whatever the form: the
// typed fields below are an interpretation of that list. Unknown keys are kept and noted, never
// an error. Readers never throw on bad input; problems land in WindowsPolicy::diagnostics.
//
// Lowering (to_ruleset) builds one filter table with INPUT (inbound) and OUTPUT (outbound),
// laid out so that netfilter's first-match order gives Windows' precedence ([MS-FASP] 2.2.34):
// established/related first (stateful), then authenticated bypass, block, allow, and the
// profile's default action as the chain policy.
//
// Stores ([MS-FASP] 3.1.3): Windows keeps a Group Policy store (what GPO reports and gpresult
// show; registry Software\Policies\Microsoft\WindowsFirewall) and a local store (what wf.msc
// "Export Policy" and netsh advfirewall export write; registry SYSTEM\CurrentControlSet\Services
// \SharedAccess\Parameters\FirewallPolicy). Every rule and profile entry knows its store;
// combine_windows_policies() joins the exports of one host, and settings() / to_ruleset() apply
// the merge: Group Policy's profile options win where set, and its AllowLocalPolicyMerge=false
// leaves the local rules out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulegap/limits.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/ruleset.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

enum class WindowsForm : std::uint8_t {
    unknown,
    wfw,           // wf.msc "Export Policy" / netsh advfirewall export: a registry hive
    reg,           // regedit .reg export
    gpo_xml,       // Get-GPOReport -ReportType Xml, gpreport.xml, gpresult /x
    csv,           // PowerShell Export-FirewallRules column set
    rule_strings,  // a text file, one rule string a line
    format_list,   // Get-NetFirewallRule | Format-List text: detected, not supported
};
std::string_view to_string(WindowsForm f);

// Where a rule or a setting is kept on the host.
enum class WindowsStore : std::uint8_t {
    local,         // the host's own policy (.wfw, netsh export, SharedAccess registry key)
    group_policy,  // the policy Group Policy applied (GPO reports, Software\Policies registry key)
};
std::string_view to_string(WindowsStore s);  // "local", "group-policy"

enum class WindowsAction : std::uint8_t { allow, block, bypass };  // bypass: authenticated, over block
enum class WindowsDirection : std::uint8_t { in, out };
std::string_view to_string(WindowsAction a);     // "Allow", "Block", "ByPass"
std::string_view to_string(WindowsDirection d);  // "In", "Out"

// The three network profiles a rule applies to (bitmask values as in FW_PROFILE_TYPE).
enum class WindowsProfile : std::uint8_t { domain = 1, private_ = 2, public_ = 4 };
constexpr unsigned windows_all_profiles = 7;
std::string_view to_string(WindowsProfile p);                                // "Domain", "Private", "Public"
std::optional<WindowsProfile> parse_windows_profile(std::string_view name);  // case-insensitive

// A port item: a number, a range (from *2_10 / *2_20 keys), or a keyword in its canonical
// spelling (RPC, RPC-EPMap, Teredo, IPHTTPSIn, IPHTTPSOut, IPTLSIn, IPTLSOut, DHCP, Ply2Disc, mDNS).
struct WindowsPort {
    std::uint16_t lo = 0;
    std::uint16_t hi = 0;
    std::string keyword;  // empty: numeric
    bool operator==(const WindowsPort&) const = default;
};

// An address item: single address, range a-b, subnet (prefix or dotted mask) — all as one
// interval — or a keyword in its canonical spelling (LocalSubnet, DNS, DHCP, WINS,
// DefaultGateway, Intranet, Internet, Ply2Renders, RmtIntranet, CaptivePortal).
struct WindowsAddress {
    int family = 0;       // 4 or 6; 0 for a keyword meaning both
    Interval range;       // numeric items
    std::string keyword;  // empty: numeric
    bool operator==(const WindowsAddress&) const = default;
};

struct WindowsIcmp {
    std::uint8_t type = 0;
    std::optional<std::uint8_t> code;  // nullopt: any code ("*")
    bool operator==(const WindowsIcmp&) const = default;
};

struct WindowsRule {
    std::string id;       // registry value name / GUID / CSV Name (may be empty)
    std::string version;  // "v2.30"
    std::string name;
    std::string description;
    WindowsAction action = WindowsAction::allow;
    bool active = false;  // missing Active = disabled
    WindowsDirection direction = WindowsDirection::in;
    unsigned profiles = windows_all_profiles;  // missing Profile = all
    std::optional<std::uint8_t> protocol;      // missing = any
    std::vector<WindowsPort> local_ports, remote_ports;
    std::vector<WindowsAddress> local_addresses, remote_addresses;
    std::vector<WindowsIcmp> icmp4, icmp6;
    std::string app, service, package, owner;                            // App, Svc, AppPkgId, LUOwn
    std::string local_user_auth, remote_user_auth, remote_machine_auth;  // LUAuth, RUAuth, RMAuth
    std::vector<std::string> security;         // values of Security, Security2, Security2_9
    std::vector<std::string> interfaces;       // IF
    std::vector<std::string> interface_types;  // IFType
    std::vector<std::string> dynamic_targets;  // TTK*
    bool edge = false;                         // Edge=TRUE
    // AuthByPassOut=TRUE ([MS-GPFAS] 2.2.2.19): an outbound allow rule for authenticated traffic
    // that overrides block rules ([MS-FASP] 2.2.35), lowered as the inbound ByPass action is.
    bool authenticated_bypass_out = false;
    std::string defer;                                      // Defer=App / User
    std::string embed_context;                              // EmbedCtxt (rule group)
    std::vector<std::pair<std::string, std::string>> keys;  // every key=value, in order
    bool readable = true;  // false: a key could not be read (its verdicts: unknown)
    bool has_action = false, has_direction = false;
    SourceLoc where;  // file:line:column, or file only (hive: see id)
    std::string gpo;  // GPO forms: the GPO's name
    WindowsStore store = WindowsStore::local;

    // The precedence the rule takes: bypass for an outbound allow rule with AuthByPassOut=TRUE.
    WindowsAction effective_action() const {
        return action == WindowsAction::allow && direction == WindowsDirection::out &&
                       authenticated_bypass_out
                   ? WindowsAction::bypass
                   : action;
    }
    // The rule string rebuilt from `keys`: "v2.30|Action=Allow|...|".
    std::string rule_string() const;
    std::vector<std::string> values(std::string_view key) const;  // every value of a key
};

// The settings of one profile as the export gives them; unset = not in the export.
struct WindowsProfileSettings {
    std::optional<bool> enable_firewall;
    std::optional<WindowsAction> default_inbound;  // allow or block
    std::optional<WindowsAction> default_outbound;
    std::optional<bool> do_not_allow_exceptions;
    std::optional<bool> allow_local_policy_merge;
    std::vector<std::pair<std::string, std::string>> others;  // everything else, as written
    // The settings above that the export has but that could not be read ("DefaultInboundAction",
    // ...): what they decide is `unknown` (to_ruleset), never their default.
    std::vector<std::string> unreadable;
    bool present = false;  // the export has this profile's key/element
    SourceLoc where;
    // Where each modelled setting above was read ("DefaultInboundAction" -> its line, or its
    // value's name in a hive); merged settings keep the location of the entry that decided.
    std::vector<std::pair<std::string, SourceLoc>> locations;
    std::string gpo;
    WindowsStore store = WindowsStore::local;

    bool is_unreadable(std::string_view setting) const {
        for (const std::string& u : unreadable)
            if (u == setting) return true;
        return false;
    }
    void add_unreadable(std::string_view setting) {
        if (!is_unreadable(setting)) unreadable.emplace_back(setting);
    }
    // Where a setting was read: its own location, else the profile's; nullptr when not present.
    const SourceLoc* where_of(std::string_view setting) const {
        for (const auto& [name, at] : locations)
            if (name == setting) return &at;
        return present ? &where : nullptr;
    }
    void set_where(std::string_view setting, const SourceLoc& at) {
        for (auto& [name, loc] : locations)
            if (name == setting) {
                loc = at;
                return;
            }
        locations.emplace_back(std::string(setting), at);
    }

    // Whether the local store's rules are enforced for this profile: false only when these are
    // Group Policy settings with AllowLocalPolicyMerge=false (a local value has no effect).
    bool local_rules_apply() const {
        return store != WindowsStore::group_policy || allow_local_policy_merge.value_or(true);
    }
};

enum class WindowsProfileKey : std::uint8_t { domain, private_, public_, standard };
constexpr int windows_profile_key_count = 4;

struct WindowsPolicy {
    WindowsForm form = WindowsForm::unknown;   // combined: the first export's
    WindowsStore store = WindowsStore::local;  // the export's store (a .reg holding both, or a
                                               // combination: the first one read)
    std::string file;                          // combined: the files joined with " + "
    std::vector<std::string> files;            // every export read into this policy
    std::vector<WindowsRule> rules;
    // One entry per profile key and GPO, in file order.
    std::vector<std::pair<WindowsProfileKey, WindowsProfileSettings>> profiles;
    std::vector<std::pair<std::string, std::string>> globals;
    std::vector<std::string> gpos;  // names of the GPOs, in file order
    Diagnostics diagnostics;

    // The settings that apply to a profile, merged over the stores ([MS-FASP] 3.1.3): an option
    // set in the Group Policy store wins, else the local store's value, else unset (the
    // defaults: firewall on, inbound block, outbound allow). In the local store: the profile's
    // own key, else (private) the StandardProfile key, which is where the local store keeps the
    // private profile. In Group Policy ([MS-GPFAS] 2.2.3): StandardProfile gives the private and
    // the public profile their settings when the policy has neither PrivateProfile nor
    // PublicProfile, and is ignored (a note) when it has either. With several GPOs (or local
    // exports) the first one setting a value wins.
    // AllowLocalPolicyMerge counts only from Group Policy: once the Group Policy store has
    // settings for the profile, a local value is left out; without them it is reported as read
    // (store == local: no effect, see local_rules_apply). `where`, `gpo` and `store` are those
    // of the first entry used (Group Policy first).
    // Conflicts within a store are listed in `conflicts`; the Diagnostics form also gets them
    // (warnings) and notes where a value is overridden or ignored.
    WindowsProfileSettings settings(WindowsProfile p, std::vector<std::string>* conflicts = nullptr) const;
    WindowsProfileSettings settings(WindowsProfile p, Diagnostics& diagnostics) const;
};

// The exports of one host (e.g. a GPO report and the local .wfw) as one policy: every rule,
// profile entry, global value, GPO name and diagnostic of each, in order; each item keeps its
// store and file. One policy is returned as it is.
WindowsPolicy combine_windows_policies(std::vector<WindowsPolicy> policies);

// Detects the form from the content (never from the file name).
WindowsForm detect_windows_form(std::string_view bytes);

struct WindowsOptions {
    std::uint64_t max_input_size = default_max_input_size;  // a larger file is refused (limits.hpp)
};

// Reads any form (detected). Never throws.
WindowsPolicy read_windows_policy(std::string_view bytes, std::string file);
// Reads an export file. An unreadable or over-limit file gives one error diagnostic.
WindowsPolicy load_windows_policy(const std::string& path, const WindowsOptions& options = {});

// Per-form readers (bytes as in the file: UTF-16 with BOM or UTF-8 where the form allows).
WindowsPolicy read_windows_wfw(std::string_view bytes, std::string file);
WindowsPolicy read_windows_reg(std::string_view bytes, std::string file);
WindowsPolicy read_windows_gpo_xml(std::string_view bytes, std::string file);
WindowsPolicy read_windows_csv(std::string_view bytes, std::string file);
WindowsPolicy read_windows_rule_strings(std::string_view bytes, std::string file);

// One rule string (for tests and tools); problems go to `diagnostics` at `where`.
WindowsRule parse_windows_rule_string(std::string_view text, std::string id, const SourceLoc& where,
                                      Diagnostics& diagnostics);

// What the host gives that the policy does not: the RPC dynamic range and the addresses of
// the address keywords. A keyword not bound here makes the verdicts it touches `unknown`.
struct WindowsAddressBinding {
    std::vector<Interval> v4, v6;
};
struct WindowsContext {
    Interval rpc_range{49152, 65535};
    std::map<std::string, WindowsAddressBinding> addresses;        // canonical keyword -> addresses
    void bind(std::string_view keyword, WindowsAddressBinding b);  // any capitalisation
    const WindowsAddressBinding* find(std::string_view keyword) const;
};

// The canonical spelling of an address or port keyword (any capitalisation, PowerShell
// spellings too); empty when it is not one.
std::string windows_address_keyword(std::string_view word);
std::vector<std::string> windows_address_keywords();  // every spelling, for "did you mean"
std::string windows_port_keyword(std::string_view word);

// The policy seen by one profile, as a Ruleset (family 0, table "filter", INPUT and OUTPUT).
// When Group Policy sets AllowLocalPolicyMerge=false for the profile, local-store rules are left
// out (a note counts them). A policy of several files gives the Ruleset its sources (Rule::source).
Ruleset to_ruleset(const WindowsPolicy& policy, WindowsProfile profile, const WindowsContext& ctx = {});

}  // namespace rulegap
