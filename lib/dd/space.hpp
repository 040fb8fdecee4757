// Private to lib/ for now (it becomes the public PacketSet at the migration, see
// docs/packet-set.md): sets of packets as decision diagrams.
//
// A Space owns a Manager whose first 12 levels are the packet fields, in an order fixed when the
// Space is made; free variables (1-bit levels, for undecided matches) are added later, each in a
// slot between two fields (slot k: right after the k-th field of the order; 0: above them all),
// in the order they are made within a slot.
// Sets are boolean diagrams over the packet levels, always within the universe of well-formed
// packets that docs/packet-set.md defines (ports only for port protocols, ICMP type and code
// only for icmp / ipv6-icmp, flags only for tcp, IPv4 addresses below 2^32; fields that do not
// apply are 0). complement() is relative to that universe.
//
// A Set is a (Space, root) pair: cheap to copy, equal sets have equal roots. The Space must
// outlive its sets; one thread at a time per Space.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "lib/dd/manager.hpp"
#include "rulegap/packet.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::dd {

// The packet fields from the root down.
using FieldOrder = std::array<Field, field_count>;
// The order measured best on the TUM snapshots (docs/packet-set.md).
FieldOrder default_order();

class Set;

class Space {
public:
    explicit Space(const FieldOrder& order = default_order());
    Space(const Space&) = delete;
    Space& operator=(const Space&) = delete;

    Manager& manager() { return m_; }
    const Manager& manager() const { return m_; }
    const FieldOrder& order() const { return order_; }
    std::uint32_t level(Field f) const { return level_[static_cast<std::size_t>(f)]; }
    static constexpr std::uint32_t packet_levels = field_count;

    // A new free variable in slot 0..packet_levels (below the variables of its slot made before
    // it); returns its level.
    std::uint32_t add_variable(std::uint32_t slot) {
        return m_.add_level(1, (slot << slot_bits) + ++slot_count_[slot]);
    }
    // The same, but above the variables of its slot made before it by this function (and below
    // those of add_variable): a walk down a chain that adds a variable per rule then shares the
    // diagram of what is left, instead of copying it per rule (lib/lint).
    std::uint32_t add_variable_above(std::uint32_t slot) {
        return m_.add_level(1, ((slot + 1) << slot_bits) - ++slot_count_above_[slot]);
    }
    // The slot right after field f.
    std::uint32_t slot_after(Field f) const { return m_.rank(level(f)) >> slot_bits; }
    static bool is_variable(std::uint32_t level) { return level >= packet_levels && level != terminal_level; }

    // ---- sets (roots of boolean diagrams within the universe) --------------------------------
    Ref universe() const { return universe_; }
    Ref family(int f);                                     // ipv4(), ipv6()
    Ref where(Field f, std::span<const Interval> values);  // well-formed packets with f in values
    Ref where(Field f, Interval i) { return where(f, std::span<const Interval>(&i, 1)); }
    Ref where(Field f, uint128 value) { return where(f, Interval{value, value}); }
    Ref of(const Packet& p);  // one packet (no interface: 0)
    Ref complement(Ref a) { return m_.minus(universe_, a); }
    bool subset(Ref a, Ref b) { return m_.minus(a, b) == zero; }
    bool contains(Ref a, const Packet& p) const;
    BigCount size(Ref a) const { return m_.count(a, packet_levels); }
    std::vector<Interval> values(Ref a, Field f) const { return m_.values(a, level(f)); }
    BigCount count_values(Ref a, Field f) const;
    // As PacketSet::with_field / widened: field f set to the values, then brought back into
    // the universe (fields that do not apply to the new family and protocol become 0).
    Ref with_field(Ref a, Field f, std::span<const Interval> values);
    Ref widened(Ref a, Field f);
    // The same packet PacketSet::witness() picks for the same members.
    std::optional<Packet> witness(Ref a);

    // ---- tests over the whole domain (not clipped to the universe) ---------------------------
    // For compiled rulesets, which are only ever read at well-formed packets.
    Ref test(Field f, std::span<const Interval> values) { return m_.select(level(f), values, one, zero); }
    Ref test(Field f, Interval i) { return test(f, std::span<const Interval>(&i, 1)); }
    Ref test(const Condition& c);  // a decidable condition (negation included)
    Ref test(const Rule& r);       // the conjunction of its decidable conditions

    // A packet's field values, indexed by level (interfaces it does not give: 0).
    std::vector<uint128> point(const Packet& p) const;

private:
    Ref normalise(Ref a);

    // Field k of the order has rank (k + 1) << slot_bits; variables of slot k get the ranks
    // between (k << slot_bits) + 1 and the next field's.
    static constexpr std::uint32_t slot_bits = 24;
    Manager m_;
    std::array<std::uint32_t, field_count + 1> slot_count_{};
    std::array<std::uint32_t, field_count + 1> slot_count_above_{};
    FieldOrder order_;
    std::array<std::uint32_t, field_count> level_{};
    Ref universe_ = zero;
    // Per group of (family, protocol) pairs with the same inapplicable fields: the pairs, and
    // the set where those fields are 0.
    struct Kind {
        Ref pairs = zero;
        Ref zeros = one;
        std::vector<Field> unused;
    };
    std::vector<Kind> kinds_;
};

// A set of packets of one Space: a value (copying is free), compared by root.
class Set {
public:
    Set() = default;
    Set(Space& s, Ref r) : s_(&s), r_(r) {}
    static Set all(Space& s) { return {s, s.universe()}; }
    static Set none(Space& s) { return {s, zero}; }
    static Set where(Space& s, Field f, std::span<const Interval> v) { return {s, s.where(f, v)}; }
    static Set where(Space& s, Field f, Interval i) { return {s, s.where(f, i)}; }
    static Set where(Space& s, Field f, uint128 v) { return {s, s.where(f, v)}; }

    Space* space() const { return s_; }
    Ref root() const { return r_; }

    Set operator|(const Set& o) const { return {*s_, s_->manager().unite(r_, o.r_)}; }
    Set operator&(const Set& o) const { return {*s_, s_->manager().intersect(r_, o.r_)}; }
    Set operator-(const Set& o) const { return {*s_, s_->manager().minus(r_, o.r_)}; }
    Set complement() const { return {*s_, s_->complement(r_)}; }
    bool empty() const { return r_ == zero; }
    bool subset_of(const Set& o) const { return s_->subset(r_, o.r_); }
    bool intersects(const Set& o) const { return (*this & o).r_ != zero; }
    bool operator==(const Set& o) const { return r_ == o.r_; }
    bool contains(const Packet& p) const { return s_->contains(r_, p); }
    BigCount size() const { return s_->size(r_); }
    std::vector<Interval> values(Field f) const { return s_->values(r_, f); }
    Set with_field(Field f, std::span<const Interval> v) const { return {*s_, s_->with_field(r_, f, v)}; }
    Set widened(Field f) const { return {*s_, s_->widened(r_, f)}; }
    std::optional<Packet> witness() const { return s_->witness(r_); }
    std::size_t node_count() const { return s_->manager().size(r_); }

private:
    Space* s_ = nullptr;
    Ref r_ = zero;
};

}  // namespace rulegap::dd
