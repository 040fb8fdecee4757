// rulegap — what a ruleset does with a whole set of packets (`rulegap query`).
//
// query() evaluates a set of packets through one hook and returns, per deciding rule or policy
// in rule order, the verdict, the rule, the exact number of packets it decides, a witness and
// the packets themselves as a short list of disjoint header-space ranges.
//
// The set syntax (parse_packet_set) is explain's packet syntax with sets in place of values:
//   tcp any -> 131.159.14.0/23:22
//   tcp,udp 10.0.0.0/8,192.168.1.1-192.168.1.9 -> any:135,445,4000-4999 [state new,established]
//   icmp any -> 10.0.0.0/8 type echo-request      icmpv6 [2001:db8::/32] -> any type 128
//   any [in eth+] [out !eth0]                      tcp [flags syn]
// A field the text does not give takes every value; `any` as the protocol or an address does
// too (an address `any` in both families).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/assume.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/ruleset.hpp"
#include "rulegap/source.hpp"

namespace rulegap {

// The set syntax above. Errors carry the column of the offending word (line is 1).
struct PacketSetParseResult {
    std::optional<PacketSet> set;
    Diagnostic error;  // set when !set
    explicit operator bool() const { return set.has_value(); }
};
PacketSetParseResult parse_packet_set(std::string_view text);

// A range in the set syntax: `tcp 10.0.0.0/24 -> 131.159.14.26:22 [in eth1.110]`. Fields the
// range leaves out are not written (an address left out is `any`, or 0.0.0.0/0 / ::/0 when both
// are, to show the family); parse_packet_set reads it back as the same range.
std::string format_range(const HeaderRange& range);

// A value of a field as text: addresses as written in `family` (an IPv4 range that reaches the
// top of the 128-bit field ends at 255.255.255.255), interface names with bytes outside
// printable ASCII as \xNN ("" is no interface), other fields in decimal.
std::string field_value_text(Field field, uint128 value, int family);

struct QueryOptions {
    std::optional<Verdict> verdict;  // only the parts with this verdict (nullopt: all)
    std::size_t range_limit = 20;    // ranges listed per part
    Assumptions assume;              // decides undecided matches (assume.hpp); none: they stay unknown
    std::size_t max_nodes = default_max_nodes;  // diagram nodes (DiagramTooLarge past them)
};

// The packets of `where` that one rule or policy decides (or that are unknown for one reason).
struct QueryPart {
    Verdict verdict = Verdict::unknown;
    std::optional<RuleRef> decided_by;  // absent only for an unknown that no rule decided
    std::string reason;                 // for unknown
    PacketSet packets;
    BigCount count;                 // packets.size()
    std::optional<Packet> witness;  // packets.witness()
    HeaderRanges ranges;            // packets.disjoint_ranges(range_limit)
};

struct QueryResult {
    std::vector<QueryPart> parts;  // in rule order: rules as the file lists them (Windows: in
                                   // precedence), then policies, then unknown without a rule
    BigCount total;                // packets in `where`, over all parts (before the verdict filter)
};

QueryResult query(const Ruleset& ruleset, Hook hook, const PacketSet& where,
                  const QueryOptions& options = {});

}  // namespace rulegap
