// rulegap — requirement catalogs: the port requirements of a vendor document, as data.
//
// A catalog is read from a small line-oriented language (rules/README.md):
//
//   catalog mps "Microsoft Provisioning System: port requirements"
//   class "Random 4xxx" = 4000-4999 "client ephemeral port, as the document writes it"
//   table 1 "Port List for ..." from "MPF Client" to "Provisioning Engine"
//   row 1 TCP "Random 4xxx" -> 135 "Remote Procedure Call (RPC) Bind"  tag rpc-endpoint-mapper
//   row 2 TCP 135 -> "Random 4xxx" "RPC Bind"  reply-of 1
//
// Everything here is plain data. Reading never throws: errors go to Catalog::diagnostics as
// "file:line:column: error: reason".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/limits.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

// The port classes every catalog knows (a catalog may redeclare them with other defaults).
inline constexpr std::string_view random_4xxx_class = "Random 4xxx";    // default 4000-4999
inline constexpr std::string_view dynamic_port_class = "Dynamic Port";  // default 49152-65535
inline constexpr std::string_view rpc_dynamic_class = "RPC Dynamic";    // default 49152-65535

// Tags the catalogs use and the checker looks for.
inline constexpr std::string_view rpc_endpoint_mapper_tag = "rpc-endpoint-mapper";  // TCP 135
inline constexpr std::string_view rpc_session_tag = "rpc-session";  // the dynamic session port

// A named set of ports that a site may rebind ("Random 4xxx", "Dynamic Port", ...).
struct PortClass {
    std::string name;
    std::vector<Interval> ports;  // the default binding: sorted, disjoint, within 0..65535
    std::string remark;
    bool builtin = false;  // one of the three above, not declared by the catalog
    SourceLoc where;       // the `class` statement (empty for builtin classes)
};

// The built-in classes with their defaults.
std::vector<PortClass> default_port_classes();

// A port position of a flow.
enum class PortKind : std::uint8_t {
    any,     // `any`: every port (the document gives none, e.g. a client's source port)
    none,    // `-`: the document's cell is empty; no port can be derived
    number,  // `135`
    range,   // `4000-4999`
    named,   // `"Random 4xxx"`: a port class, bound by the site or the class default
    label,   // ICMP rows: the document's text in a port column ("ICMP Echo"); no port
};
std::string_view to_string(PortKind k);

struct PortSpec {
    PortKind kind = PortKind::any;
    std::uint16_t lo = 0;  // number: lo == hi; range: lo <= hi
    std::uint16_t hi = 65535;
    std::string name;  // named: the class name
    std::string text;  // as written: "135", "4000-4999", "Random 4xxx", "any", "-"
    bool operator==(const PortSpec&) const = default;
};

// Site bindings of port classes, by class name: they replace the class defaults.
using PortBindings = std::map<std::string, std::vector<Interval>, std::less<>>;

// One flow: protocol, source port, destination port (ICMP: type and the reply's type).
struct Flow {
    std::uint8_t protocol = 6;
    std::string protocol_text;  // as written in the catalog ("TCP", "UDP", "ICMP")
    PortSpec source;
    PortSpec destination;
    std::optional<std::uint8_t> icmp_type;  // ICMP only: 8 = echo request
    std::optional<std::uint8_t> icmp_code;
    std::optional<std::uint8_t> icmp_reply_type;  // ICMP only: 0 = echo reply
    SourceLoc where;
};

// A reading of a row that differs from the document's, which a site may choose.
struct Correction {
    std::vector<Flow> alternatives;  // at least one; met by any of them
    std::string reply_of;            // id of the forward requirement, when the reading is a reply
    std::string source_role;         // the requirement's roles, or the forward row's swapped
    std::string destination_role;    //   when this reading is a reply
    SourceLoc where;
};

struct Requirement {
    std::string id;         // "mps.t2.r7", "nap.t1.r3b", "nap.dhcp.r1"
    std::string table_key;  // "t2" for table 2, "dhcp" for a section
    int table = 0;          // table number; 0 for a section (requirements from the text)
    std::string table_title;
    int row = 0;                     // row number within the table
    std::string row_label;           // as written: "7", "3b"
    std::string source_role;         // where the flow starts: the table's left-hand role ("MPF
    std::string destination_role;    //   Client"); a reply row's are its forward row's, swapped
    std::vector<Flow> alternatives;  // at least one; the requirement is met by any one of them
    std::string remark;              // the document's remark, as written
    std::string reply_of;            // id of the forward requirement this row is the reply of
    std::vector<std::string> tags;
    std::vector<std::string> annotations;  // oddities and hidden needs, for the report
    std::optional<Correction> corrected;
    SourceLoc where;  // the `row` statement

    const Flow& flow() const { return alternatives.front(); }  // the first (often only) flow
    bool is_reply() const { return !reply_of.empty(); }
    bool has_tag(std::string_view tag) const;
};

// A table of the document, or a section of its text (`section dhcp ...`).
struct RequirementTable {
    std::string key;  // "t1", "dhcp"
    int number = 0;   // 0 for a section
    std::string title;
    std::string source_role;  // the default roles of its rows (from the title or header)
    std::string destination_role;
    std::vector<std::string> annotations;
    std::vector<std::string> footnotes;  // the document's footnotes, as written
    SourceLoc where;
};

struct Catalog {
    std::string file;
    std::string name;  // "mps": the first part of every id
    std::string title;
    std::string document;                   // the document transcribed
    std::vector<PortClass> classes;         // builtin ones first, then those declared
    std::vector<RequirementTable> tables;   // in the order written
    std::vector<Requirement> requirements;  // in the order written
    Diagnostics diagnostics;

    bool ok() const { return !diagnostics.has_errors(); }
    const Requirement* find(std::string_view id) const;         // nullptr when absent
    const PortClass* port_class(std::string_view name) const;   // nullptr when absent
    const RequirementTable* table(std::string_view key) const;  // "t1", "dhcp"
    std::vector<const Requirement*> in_table(std::string_view key) const;

    // The ports a PortSpec stands for: `any` all ports, a number or range itself, a class its
    // binding in `bindings` or else its default. nullopt for `-`, ICMP labels and unknown classes.
    std::optional<std::vector<Interval>> resolve(const PortSpec& spec,
                                                 const PortBindings& bindings = {}) const;
};

// Reads a catalog from text; `file` names it in diagnostics. Never throws.
Catalog read_catalog(std::string_view text, std::string file);
struct CatalogOptions {
    std::uint64_t max_input_size = default_max_input_size;  // a larger file is refused (limits.hpp)
};

// Reads a catalog file (UTF-8, LF or CRLF). An unreadable or over-limit file gives one error
// diagnostic.
Catalog load_catalog(const std::string& path, const CatalogOptions& options = {});

}  // namespace rulegap
