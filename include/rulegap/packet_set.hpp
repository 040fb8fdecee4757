// rulegap — exact sets of packets.
//
// A PacketSet is a set of packets over the fields below, closed under union, intersection,
// difference and complement, with exact emptiness, subset and equality tests, exact counting and
// a concrete witness. Values are immutable; operations return new sets. A set is a canonical
// decision diagram (docs/packet-set.md); sets made from one another share its nodes, and any
// thread may use any set (the nodes they share are locked per operation). No global state.
//
// Only well-formed packets are members: IPv4 addresses are below 2^32; ports exist only for
// protocols with ports (tcp, udp, sctp, dccp, udplite; otherwise they are 0); ICMP type and code
// only for icmp on IPv4 and ipv6-icmp on IPv6 (otherwise 0); TCP flags only for tcp (otherwise
// 0). complement() is relative to that universe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/detail/compact.hpp"
#include "rulegap/packet.hpp"

namespace rulegap {

enum class Field : std::uint8_t {
    family,    // 4 or 6
    protocol,  // 0..255
    src_addr,  // IPv4: 0..2^32-1, IPv6: 0..2^128-1
    dst_addr,
    src_port,  // 0..65535
    dst_port,
    icmp_type,  // 0..255
    icmp_code,  // 0..255
    tcp_flags,  // 0..255, bits as in tcp_flag
    state,      // ConnState as a number, 0..4
    in_iface,   // interface name, see interface_value()
    out_iface,
};
constexpr int field_count = 12;
std::string_view to_string(Field f);

// Interface names are encoded so that a name is one value and an iptables wildcard (`eth+`) is
// one interval: the name's bytes, big-endian, zero-padded to 15 bytes. The empty name (value 0)
// stands for "no interface" (no input interface on OUTPUT, no output interface on INPUT).
constexpr std::size_t max_interface_length = 15;
uint128 interface_value(std::string_view name);         // name must be <= 15 bytes
Interval interface_interval(std::string_view pattern);  // "eth0" -> one value, "eth+" -> prefix
std::string interface_name(uint128 value);              // inverse of interface_value

// A packet's value of a field; nullopt for an interface the packet does not give.
std::optional<uint128> field_value(const Packet& p, Field f);

// The largest value a field can take (for addresses: of IPv6).
uint128 field_max(Field f);

// Unsigned integer of any size, for counts such as "how many packets".
class BigCount {
public:
    BigCount() = default;
    BigCount(std::uint64_t v);  // NOLINT: implicit on purpose
    static BigCount from_uint128(uint128 v);
    BigCount operator+(const BigCount& o) const;
    BigCount operator*(const BigCount& o) const;
    bool operator==(const BigCount& o) const;
    std::strong_ordering operator<=>(const BigCount& o) const;
    bool is_zero() const;
    std::optional<std::uint64_t> to_uint64() const;  // when it fits
    std::string to_string() const;                   // decimal
    double to_double() const;                        // approximate
private:
    std::vector<std::uint32_t> limbs_;  // little-endian, no leading zero limbs
};

// A range of header space: the well-formed packets whose every listed field lies in its
// intervals (sorted, disjoint, not touching); a field not listed takes every value a well-formed
// packet of the range can have. The family is always listed, with one value.
struct HeaderRange {
    struct Values {
        Field field;
        std::vector<Interval> intervals;
        bool operator==(const Values&) const = default;
    };
    std::vector<Values> fields;                        // in Field order, each field at most once
    const std::vector<Interval>* find(Field f) const;  // nullptr: every value
    bool operator==(const HeaderRange&) const = default;
};

// A set cut into disjoint ranges: the first `limit` of them, in a canonical order, and how many
// there are in all (saturating at 2^64 - 1).
struct HeaderRanges {
    std::vector<HeaderRange> ranges;
    std::uint64_t total = 0;
    bool truncated() const { return total > ranges.size(); }
};

namespace detail {
struct SetSpace;
struct SetAccess;
}  // namespace detail

class PacketSet {
public:
    // The empty set.
    PacketSet() = default;

    static PacketSet none();
    static PacketSet all();
    static PacketSet ipv4();
    static PacketSet ipv6();
    static PacketSet of(const Packet& p);

    // All well-formed packets whose field f lies in one of the intervals.
    static PacketSet where(Field f, std::initializer_list<Interval> values);
    static PacketSet where(Field f, const std::vector<Interval>& values);
    static PacketSet where(Field f, std::span<const Interval> values) {
        return where(f, std::vector<Interval>(values.begin(), values.end()));
    }
    static PacketSet where(Field f, uint128 value) { return where(f, {Interval{value, value}}); }
    static PacketSet where(Field f, uint128 lo, uint128 hi) { return where(f, {Interval{lo, hi}}); }
    // Address prefixes: family 4 or 6, prefix length in bits.
    static PacketSet source_prefix(int family, uint128 address, int length);
    static PacketSet destination_prefix(int family, uint128 address, int length);

    PacketSet operator|(const PacketSet& o) const;  // union
    PacketSet operator&(const PacketSet& o) const;  // intersection
    PacketSet operator-(const PacketSet& o) const;  // difference
    PacketSet complement() const;                   // all() - *this
    // The union of many sets.
    static PacketSet union_of(std::vector<PacketSet> parts);
    PacketSet& operator|=(const PacketSet& o) { return *this = *this | o; }
    PacketSet& operator&=(const PacketSet& o) { return *this = *this & o; }
    PacketSet& operator-=(const PacketSet& o) { return *this = *this - o; }

    bool empty() const;
    bool contains(const Packet& p) const;
    bool subset_of(const PacketSet& o) const;
    bool intersects(const PacketSet& o) const;
    bool operator==(const PacketSet& o) const;  // same members (not same layout)

    // Rewrites, as NAT and NOTRACK do: every member with field f replaced by a value in
    // `values` (the image), and the members whose field f, once replaced, would lie in `target`
    // (the pre-image). Used to follow packets through DNAT and back.
    PacketSet with_field(Field f, const std::vector<Interval>& values) const;
    PacketSet with_field(Field f, uint128 value) const { return with_field(f, {Interval{value, value}}); }
    // Members with field f set to anything (other fields kept): the projection back.
    PacketSet widened(Field f) const;

    // How many packets; how many distinct values field f takes in this set.
    BigCount size() const;
    BigCount count_values(Field f) const;
    // The distinct values of field f, as sorted disjoint intervals.
    std::vector<Interval> values(Field f) const;

    // A member, preferring readable values (lowest port, a printable interface name, state new,
    // ...). Empty when the set is empty.
    std::optional<Packet> witness() const;

    // The set as pairwise disjoint ranges whose union it is, at most `limit` of them. They depend
    // only on the members: the set is decided field by field in Field order, and values of a
    // field that lead to the same remaining set share a range.
    HeaderRanges disjoint_ranges(std::size_t limit) const;

private:
    friend struct detail::SetAccess;
    std::shared_ptr<detail::SetSpace> space_;  // null for the empty set
    std::uint32_t root_ = 0x80000000u;         // the diagram (this value: the empty set)
};

std::string to_string(const PacketSet& s);

// Sets and evaluations are decision diagrams whose nodes live in shared spaces. A space holds at
// most a number of nodes and edges together (default_max_nodes: about 600 MB); the operation
// that would pass it throws DiagramTooLarge, and the space is not used further (an Evaluator,
// the sets of that space). Evaluator, query() and check() take a limit of their own.
constexpr std::size_t default_max_nodes = 40'000'000;
class DiagramTooLarge : public std::runtime_error {
public:
    explicit DiagramTooLarge(std::size_t limit);
    std::size_t limit() const { return limit_; }

private:
    std::size_t limit_;
};  // human-readable summary, for tests and debugging

}  // namespace rulegap
