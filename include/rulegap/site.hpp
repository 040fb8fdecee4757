// rulegap — a site: where the roles of the requirement catalogs live, which firewalls stand
// between them, and how the catalogs' port classes are bound here.
//
// A site file is line-oriented, in the catalogs' grammar family (docs/site-file.md):
//
//   site "minimal"
//   role "MPF Client" = 10.1.0.0/24
//   role "Provisioning Engine" = 10.0.0.5
//   firewall "pe.rules" on "Provisioning Engine"
//
// Reading never throws: errors go to Site::diagnostics as "file:line:column: error: reason".
// The ACL graph (zones, hosts and enforcement points as vertices, adjacency as edges) and the
// paths between two roles are computed from the model by site_paths().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/assume.hpp"
#include "rulegap/catalog.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/firewall.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/limits.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/ruleset.hpp"
#include "rulegap/source.hpp"
#include "rulegap/windows.hpp"

namespace rulegap {

// A set of addresses of both families, as sorted disjoint intervals.
struct AddressSet {
    std::vector<Interval> v4;
    std::vector<Interval> v6;

    bool empty() const { return v4.empty() && v6.empty(); }
    static AddressSet any();                   // every IPv4 and IPv6 address
    void add(int family, Interval range);      // keeps the lists sorted and disjoint
    bool contains(const AddressSet& o) const;  // o is a subset
    bool intersects(const AddressSet& o) const;
    PacketSet sources() const;       // packets from these addresses
    PacketSet destinations() const;  // packets to these addresses
    std::string to_string() const;   // "10.1.0.0/24, 2001:db8::1"
};

struct Zone {
    std::string name;
    AddressSet addresses;
    SourceLoc where;
};

struct Role {
    std::string name;  // as the catalogs write it: "Domain Controller"
    AddressSet addresses;
    std::vector<std::string> zones;  // `in z1, z2`; else the zones holding its addresses
    SourceLoc where;
};

// One side of a network firewall: a zone, and the interface facing it (empty: not given).
struct Attachment {
    std::string zone;
    std::string interface;
};

struct Firewall {
    std::string name;                // `firewall NAME ...`, else the first file's stem
    std::vector<std::string> files;  // resolved against the site file's folder
    std::vector<std::string> files_as_written;
    FirewallFormat format = FirewallFormat::detect;  // `format NAME` (firewall.hpp)
    std::string host_role;                           // a host firewall: the role it protects
    std::vector<Attachment> attachments;             // a network firewall: the zones it joins (>= 2)
    std::optional<WindowsProfile> profile;           // Windows: the profile in force (default domain)
    std::optional<Interval> rpc_range;               // Windows: the host's RPC dynamic range
    SourceLoc where;

    // Filled by load_firewalls() (load_firewall, firewall.hpp): iptables, one ruleset per file (one
    // per family); Windows, one ruleset (family 0) for all the files, combined as the exports of
    // one host (a GPO report and the local store). Empty when nothing could be read.
    std::vector<Ruleset> rulesets;
    FirewallFormat loaded_format = FirewallFormat::detect;  // what was detected / read
    std::optional<std::string> disabled;                    // why the firewall lets everything pass (Windows
                                                            // profile with EnableFirewall off)
    bool is_host() const { return !host_role.empty(); }
    bool is_windows() const { return loaded_format == FirewallFormat::windows; }
};

// An address keyword of Windows rules (LocalSubnet, DNS, ...) bound for all hosts or one role.
struct AddressBinding {
    std::string keyword;  // canonical spelling
    AddressSet addresses;
    std::string role;  // empty: every host
    SourceLoc where;
};

struct PortClassBinding {
    std::string name;  // "Random 4xxx"
    std::vector<Interval> ports;
    SourceLoc where;
};

// A statement of the site file that could not be read (an error at its line). It is kept, with
// what it names, so that every requirement it could affect is `unknown` with this location as the
// reason: a mistake in the site never makes a flow `allowed` by leaving a firewall or a binding out.
// Filled by the reader; the checks consult it (they never look at the file's syntax).
struct UnresolvedStatement {
    std::string statement;           // its keyword: "firewall", "bind", "zone", "role", ...; "" unknown
    SourceLoc where;                 // the first error's place (file:line:column)
    std::string reason;              // that error's message
    std::vector<std::string> roles;  // requirements from or to these roles
    std::vector<std::string> zones;  // requirements from or to a role in these zones, or crossing them
    std::vector<std::string> names;  // port classes: the requirements whose flows name one of them
    bool windows_hosts = false;      // an address keyword for every host: requirements crossing a
                                     // Windows host firewall
    bool unprotected_hosts = false;  // a host firewall of an undeclared role: requirements from or
                                     // to a role without a host firewall
    bool everything = false;         // what it names is unknown: every requirement
    bool binds_roles() const { return statement == "role" || statement.empty(); }
    std::string to_string() const;  // "site.conf:12:30: firewall statement not read: unknown role ..."
};

struct Site {
    std::string file;
    std::string name;
    std::vector<std::string> catalogs;  // resolved paths of `catalog` statements
    std::vector<Zone> zones;
    std::vector<Role> roles;
    std::vector<Firewall> firewalls;
    std::vector<PortClassBinding> port_classes;
    std::vector<AddressBinding> addresses;
    std::vector<std::string> corrected;           // `use corrected`: ids or id prefixes ("mps.t2")
    std::vector<Interval> sensitive_ports;        // `sensitive 22, 3389`: the broad check's list
                                                  // (empty: its default)
    Assumptions assumptions;                      // `assume recent nomatch` (assume.hpp)
    std::vector<UnresolvedStatement> unresolved;  // statements that could not be read
    Diagnostics diagnostics;

    bool ok() const { return !diagnostics.has_errors(); }
    const Zone* zone(std::string_view name) const;  // nullptr when absent
    const Role* role(std::string_view name) const;  // exact name
    const Firewall* firewall(std::string_view name) const;
    const Firewall* host_firewall(std::string_view role) const;
    PortBindings port_bindings() const;  // for Catalog::resolve
    bool uses_corrected(std::string_view requirement_id) const;
    // The Windows context for a host firewall: its RPC range and the address keywords bound
    // for every host or for its role.
    WindowsContext windows_context(const Firewall& fw) const;
};

struct SiteOptions {
    bool load_firewalls = true;                             // false: parse only (rulesets stay empty)
    std::uint64_t max_input_size = default_max_input_size;  // for the site file and every firewall file
    IptablesOptions iptables{};                             // for every iptables-save file the site names
};

// Reads a site from text; `file` names it in diagnostics and is the base of relative paths.
Site read_site(std::string_view text, std::string file, const SiteOptions& options = {});
// Reads a site file. An unreadable file gives one error diagnostic.
Site load_site(const std::string& path, const SiteOptions& options = {});
// Reads every firewall's files into its rulesets (again, if already read). Problems go to
// site.diagnostics at the firewall statement, and to the rulesets' own diagnostics.
void load_firewalls(Site& site, std::uint64_t max_input_size = default_max_input_size,
                    const IptablesOptions& iptables = {});

// ---- The ACL graph ---------------------------------------------------------------------------

enum class VertexKind : std::uint8_t { zone, host, firewall };

struct PathStep {
    VertexKind kind = VertexKind::zone;
    std::string name;  // zone, role or firewall name ("" for the implicit zone)
};

// One enforcement point on a path, with the hook that runs there.
struct PathHop {
    int firewall = -1;          // index into Site::firewalls
    Hook hook = Hook::forward;  // OUTPUT at the source host, FORWARD between zones,
                                // INPUT at the destination host
    std::string in_interface;   // FORWARD: the interface facing the previous zone
    std::string out_interface;  // FORWARD: the interface facing the next zone
};

struct SitePath {
    std::vector<PathStep> steps;  // source host ... zones and firewalls ... destination host
    std::vector<PathHop> hops;
    std::string to_string() const;  // "MPF Client > clients > perimeter > servers > Domain Controller"
};

// Every simple path from one role to another in the ACL graph (a path goes through zones and
// network firewalls only; hosts are its ends). Roles without a zone share an implicit one.
std::vector<SitePath> site_paths(const Site& site, std::string_view source_role,
                                 std::string_view destination_role);

}  // namespace rulegap
