// Packet sets as decision diagrams: the universe, field tests, rewrites and witnesses.
#include "lib/dd/space.hpp"

#include <algorithm>

#include "lib/packetset/universe.hpp"
#include "lib/packetset/witness_pick.hpp"

namespace rulegap::dd {

namespace {

constexpr Field rewritable[] = {Field::src_port, Field::dst_port, Field::icmp_type, Field::icmp_code,
                                Field::tcp_flags};

std::vector<uint128> level_maxima(const FieldOrder& order) {
    std::vector<uint128> out;
    for (Field f : order) out.push_back(field_max(f));
    return out;
}

}  // namespace

FieldOrder default_order() {
    return {Field::family,   Field::in_iface,  Field::out_iface, Field::src_addr,
            Field::dst_addr, Field::protocol,  Field::state,     Field::src_port,
            Field::dst_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags};
}

Space::Space(const FieldOrder& order)
    : m_(level_maxima(order), 1u << slot_bits, 1u << slot_bits), order_(order) {
    for (std::uint32_t l = 0; l < field_count; ++l) level_[static_cast<std::size_t>(order[l])] = l;
    // The universe: the union of its boxes, each built from the bottom level up.
    auto box = [&](const detail::Box& b) {
        Ref r = one;
        for (std::uint32_t l = field_count; l-- > 0;) {
            const Interval& i = b.dim[static_cast<std::size_t>(order_[l])];
            r = m_.select(l, {&i, 1}, r, zero);
        }
        return r;
    };
    for (const detail::Box& b : detail::universe()) {
        universe_ = m_.unite(universe_, box(b));
        // The group of this box's (family, protocol) pairs: the fields pinned to 0.
        std::vector<Field> unused;
        for (Field f : rewritable)
            if (b.dim[static_cast<std::size_t>(f)].hi == 0) unused.push_back(f);
        auto it =
            std::find_if(kinds_.begin(), kinds_.end(), [&](const Kind& k) { return k.unused == unused; });
        if (it == kinds_.end()) {
            Kind k;
            k.unused = unused;
            for (Field f : unused) k.zeros = m_.intersect(k.zeros, test(f, Interval{0, 0}));
            kinds_.push_back(k);
            it = kinds_.end() - 1;
        }
        Ref pair = m_.intersect(test(Field::family, b.dim[static_cast<std::size_t>(Field::family)]),
                                test(Field::protocol, b.dim[static_cast<std::size_t>(Field::protocol)]));
        it->pairs = m_.unite(it->pairs, pair);
    }
}

Ref Space::family(int f) { return where(Field::family, static_cast<uint128>(f)); }

Ref Space::where(Field f, std::span<const Interval> values) {
    return m_.intersect(universe_, test(f, values));
}

std::vector<uint128> Space::point(const Packet& p) const {
    std::vector<uint128> v(m_.level_count(), 0);
    for (int f = 0; f < field_count; ++f)
        v[level(static_cast<Field>(f))] = field_value(p, static_cast<Field>(f)).value_or(0);
    return v;
}

Ref Space::of(const Packet& p) {
    std::vector<uint128> v = point(p);
    if (m_.eval(universe_, v) != one) return zero;
    Ref r = one;
    for (std::uint32_t l = field_count; l-- > 0;) {
        Interval i{v[l], v[l]};
        r = m_.select(l, {&i, 1}, r, zero);
    }
    return r;
}

bool Space::contains(Ref a, const Packet& p) const { return m_.eval(a, point(p)) == one; }

BigCount Space::count_values(Ref a, Field f) const {
    BigCount total;
    for (const Interval& i : values(a, f)) total = total + BigCount::from_uint128(i.hi - i.lo) + BigCount(1);
    return total;
}

Ref Space::test(const Condition& c) {
    Ref r = one;
    for (const FieldRange& fr : c.all_of) r = m_.intersect(r, test(fr.field, fr.values));
    return c.negated ? m_.minus(one, r) : r;
}

Ref Space::test(const Rule& rule) {
    Ref r = one;
    for (const Condition& c : rule.conditions)
        if (!c.undecided) r = m_.intersect(r, test(c));
    return r;
}

// Every member brought into the universe: per group of (family, protocol) pairs, the fields
// that do not apply are set to 0; the rest is clipped.
Ref Space::normalise(Ref a) {
    Ref out = zero;
    for (const Kind& k : kinds_) {
        Ref part = m_.intersect(a, k.pairs);
        if (part == zero) continue;
        for (Field f : k.unused) part = m_.exists(part, level(f));
        out = m_.unite(out, m_.intersect(part, k.zeros));
    }
    return m_.intersect(out, universe_);
}

Ref Space::with_field(Ref a, Field f, std::span<const Interval> values) {
    if (a == zero) return zero;
    Ref free = m_.exists(a, level(f));
    return normalise(m_.intersect(free, test(f, values)));
}

Ref Space::widened(Ref a, Field f) {
    Interval all{0, field_max(f)};
    return with_field(a, f, {&all, 1});
}

// Field by field, in a fixed order, the preferred value among those the remaining members take,
// then only the members with that value: the choice depends on the members alone.
std::optional<Packet> Space::witness(Ref a) {
    if (a == zero) return std::nullopt;
    Ref s = a;
    auto choose = [&](Field f, auto&& pick) {
        uint128 v = pick(m_.values(s, level(f)));
        s = m_.cofactor(s, level(f), v);
        return v;
    };
    auto lowest = [](const std::vector<Interval>& r) { return r.front().lo; };
    using detail::prefer;
    Packet p;
    p.family = static_cast<int>(choose(Field::family, [](const auto& r) { return prefer(r, {4, 6}); }));
    p.protocol = static_cast<std::uint8_t>(choose(Field::protocol, [](const auto& r) {
        return prefer(r, {6, 17, 1, 58});
    }));
    p.state = static_cast<ConnState>(
        static_cast<int>(choose(Field::state, [](const auto& r) { return prefer(r, {0}); })));
    uint128 flags = choose(Field::tcp_flags, [&](const auto& r) {
        return p.state == ConnState::new_ ? prefer(r, {tcp_flag::syn})
                                          : prefer(r, {tcp_flag::ack, tcp_flag::syn});
    });
    if (p.protocol == 6) p.tcp_flags = static_cast<std::uint8_t>(flags);
    p.dst = choose(Field::dst_addr, lowest);
    p.dst_port = static_cast<std::uint16_t>(choose(Field::dst_port, lowest));
    p.src = choose(Field::src_addr, lowest);
    p.src_port = static_cast<std::uint16_t>(choose(Field::src_port, lowest));
    p.icmp_type =
        static_cast<std::uint8_t>(choose(Field::icmp_type, [](const auto& r) { return prefer(r, {8}); }));
    p.icmp_code = static_cast<std::uint8_t>(choose(Field::icmp_code, lowest));
    uint128 in = choose(Field::in_iface, [](const auto& r) { return detail::pick_interface(r); });
    uint128 out = choose(Field::out_iface, [](const auto& r) { return detail::pick_interface(r); });
    if (in != 0) p.in_interface = interface_name(in);
    if (out != 0) p.out_interface = interface_name(out);
    return p;
}

}  // namespace rulegap::dd
