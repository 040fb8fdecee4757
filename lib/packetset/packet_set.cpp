// PacketSet: exact sets of packets as canonical decision diagrams (lib/dd), in shared spaces
// (set_space.hpp). Set operations are the Manager's memoised apply; equality within one space is
// identity of roots.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "lib/packetset/set_space.hpp"

namespace rulegap {

using detail::Alone;
using detail::SetAccess;
using detail::SetSpace;
using detail::Together;

namespace detail {

std::shared_ptr<SetSpace> new_space() { return std::make_shared<SetSpace>(); }

dd::Ref copy_into(dd::Space& from, dd::Ref r, dd::Space& to) {
    const dd::Manager& src = from.manager();
    dd::Manager& dst = to.manager();
    std::unordered_map<dd::Ref, dd::Ref> memo;
    std::vector<uint128> his;
    std::vector<dd::Ref> kids;
    auto rec = [&](auto&& self, dd::Ref n) -> dd::Ref {
        if (dd::is_terminal(n)) return n;
        if (auto it = memo.find(n); it != memo.end()) return it->second;
        const std::uint32_t count = src.edge_count(n);
        std::vector<uint128> h(count);
        std::vector<dd::Ref> k(count);
        for (std::uint32_t i = 0; i < count; ++i) {
            h[i] = src.edge_hi(n, i);
            k[i] = self(self, src.edge_child(n, i));
        }
        dd::Ref out = dst.make(src.level(n), h, k);
        memo.emplace(n, out);
        return out;
    };
    return rec(rec, r);
}

Together::Together(const PacketSet& x, const PacketSet& y) {
    const std::shared_ptr<SetSpace>& sx = SetAccess::space(x);
    const std::shared_ptr<SetSpace>& sy = SetAccess::space(y);
    if (!sx && !sy) {
        space_ = new_space();
        lock1_ = std::unique_lock(space_->mutex);
        return;
    }
    if (!sx || !sy || sx == sy) {
        space_ = sx ? sx : sy;
        lock1_ = std::unique_lock(space_->mutex);
        a_ = SetAccess::root(x);
        b_ = SetAccess::root(y);
        return;
    }
    lock1_ = std::unique_lock(sx->mutex, std::defer_lock);
    lock2_ = std::unique_lock(sy->mutex, std::defer_lock);
    std::lock(lock1_, lock2_);
    // The smaller space's set is copied into the larger space.
    if (sx->space.manager().node_count() >= sy->space.manager().node_count()) {
        space_ = sx;
        a_ = SetAccess::root(x);
        b_ = copy_into(sy->space, SetAccess::root(y), sx->space);
    } else {
        space_ = sy;
        a_ = copy_into(sx->space, SetAccess::root(x), sy->space);
        b_ = SetAccess::root(y);
    }
}

std::array<Interval, field_count> hull(const PacketSet& s) {
    std::array<Interval, field_count> h;
    h.fill(Interval{~uint128{0}, 0});
    if (s.empty()) return h;
    Alone a(s);
    const dd::Space& sp = a.space();
    const dd::Manager& m = sp.manager();
    // By level (the space's order): the packet fields are levels 0..field_count - 1, by rank.
    std::array<Interval, field_count> by_level;
    by_level.fill(Interval{~uint128{0}, 0});
    auto widen_to = [&](std::uint32_t l, Interval i) {
        by_level[l].lo = std::min(by_level[l].lo, i.lo);
        by_level[l].hi = std::max(by_level[l].hi, i.hi);
    };
    auto skipped = [&](std::uint32_t from, std::uint32_t to) {  // levels strictly between
        for (std::uint32_t l = from; l < to && l < field_count; ++l) widen_to(l, {0, m.level_max(l)});
    };
    auto level_of = [&](dd::Ref r) { return dd::is_terminal(r) ? std::uint32_t{field_count} : m.level(r); };
    skipped(0, level_of(a.root()));
    std::unordered_set<dd::Ref> seen;
    std::vector<dd::Ref> stack{a.root()};
    while (!stack.empty()) {
        dd::Ref n = stack.back();
        stack.pop_back();
        if (dd::is_terminal(n) || !seen.insert(n).second) continue;
        const std::uint32_t l = m.level(n);
        uint128 lo = 0;
        for (std::uint32_t i = 0; i < m.edge_count(n); ++i) {
            const uint128 hi = m.edge_hi(n, i);
            const dd::Ref c = m.edge_child(n, i);
            if (c != dd::zero) {
                widen_to(l, {lo, hi});
                skipped(l + 1, level_of(c));
                stack.push_back(c);
            }
            lo = hi + 1;
        }
    }
    for (std::uint32_t l = 0; l < field_count; ++l) h[static_cast<std::size_t>(sp.order()[l])] = by_level[l];
    return h;
}

Alone::Alone(const PacketSet& x) : space_(SetAccess::space(x)) {
    if (!space_) space_ = new_space();
    lock_ = std::unique_lock(space_->mutex);
    root_ = SetAccess::root(x);
}

}  // namespace detail

namespace {

// Sorted, merged, clipped to the field's range.
std::vector<Interval> tidy(Field f, std::span<const Interval> v) {
    uint128 top = field_max(f);
    std::vector<Interval> in;
    for (Interval i : v) {
        if (i.lo > i.hi || i.lo > top) continue;
        in.push_back({i.lo, std::min(i.hi, top)});
    }
    std::sort(in.begin(), in.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> out;
    for (const Interval& i : in) {
        if (!out.empty() && (out.back().hi == ~uint128{0} || i.lo <= out.back().hi + 1))
            out.back().hi = std::max(out.back().hi, i.hi);
        else
            out.push_back(i);
    }
    return out;
}

// A set made from nothing: a fresh space.
template <typename F> PacketSet fresh(F&& build) {
    std::shared_ptr<SetSpace> sp = detail::new_space();
    dd::Ref r = build(sp->space);
    return SetAccess::make(std::move(sp), r);
}

}  // namespace

DiagramTooLarge::DiagramTooLarge(std::size_t limit)
    : std::runtime_error("the decision diagram grew past " + std::to_string(limit) + " nodes and edges"),
      limit_(limit) {}

// ---- construction ----------------------------------------------------------------------------

PacketSet PacketSet::none() { return PacketSet(); }

PacketSet PacketSet::all() {
    return fresh([](dd::Space& s) { return s.universe(); });
}

PacketSet PacketSet::ipv4() { return where(Field::family, 4); }

PacketSet PacketSet::ipv6() { return where(Field::family, 6); }

// A packet that does not give an interface is taken to have none (value 0), as witness() does.
PacketSet PacketSet::of(const Packet& p) {
    return fresh([&](dd::Space& s) { return s.of(p); });
}

PacketSet PacketSet::where(Field f, std::initializer_list<Interval> values) {
    return where(f, std::span<const Interval>(values.begin(), values.size()));
}

PacketSet PacketSet::where(Field f, const std::vector<Interval>& values) {
    std::vector<Interval> v = tidy(f, values);
    if (v.empty()) return PacketSet();
    return fresh([&](dd::Space& s) { return s.where(f, v); });
}

namespace {
Interval prefix_interval(int family, uint128 address, int length) {
    int bits = family == 4 ? 32 : 128;
    length = std::clamp(length, 0, bits);
    uint128 full = family == 4 ? uint128{0xffffffffu} : ~uint128{0};
    uint128 host = length == bits ? uint128{0} : (full >> length);
    uint128 lo = address & full & ~host;
    return {lo, lo | host};
}

PacketSet prefix_set(int family, Field f, uint128 address, int length) {
    if (family != 4 && family != 6) return PacketSet();
    Interval i = prefix_interval(family, address, length);
    return fresh([&](dd::Space& s) {
        return s.manager().intersect(s.where(Field::family, static_cast<uint128>(family)), s.where(f, i));
    });
}
}  // namespace

PacketSet PacketSet::source_prefix(int family, uint128 address, int length) {
    return prefix_set(family, Field::src_addr, address, length);
}

PacketSet PacketSet::destination_prefix(int family, uint128 address, int length) {
    return prefix_set(family, Field::dst_addr, address, length);
}

// ---- algebra ---------------------------------------------------------------------------------

PacketSet PacketSet::operator&(const PacketSet& o) const {
    if (empty() || o.empty()) return PacketSet();
    Together t(*this, o);
    return t.make(t.space().manager().intersect(t.a(), t.b()));
}

PacketSet PacketSet::operator-(const PacketSet& o) const {
    if (empty() || o.empty()) return *this;
    Together t(*this, o);
    return t.make(t.space().manager().minus(t.a(), t.b()));
}

PacketSet PacketSet::operator|(const PacketSet& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    Together t(*this, o);
    return t.make(t.space().manager().unite(t.a(), t.b()));
}

PacketSet PacketSet::union_of(std::vector<PacketSet> parts) {
    PacketSet out;
    for (const PacketSet& p : parts) out |= p;
    return out;
}

PacketSet PacketSet::complement() const {
    if (empty()) return all();
    Alone a(*this);
    return a.make(a.space().complement(a.root()));
}

bool PacketSet::empty() const { return root_ == dd::zero; }

bool PacketSet::contains(const Packet& p) const {
    if (empty()) return false;
    Alone a(*this);
    return a.space().contains(a.root(), p);
}

bool PacketSet::subset_of(const PacketSet& o) const {
    if (empty()) return true;
    if (o.empty()) return false;
    Together t(*this, o);
    return t.space().subset(t.a(), t.b());
}

bool PacketSet::intersects(const PacketSet& o) const {
    if (empty() || o.empty()) return false;
    Together t(*this, o);
    return t.space().manager().intersect(t.a(), t.b()) != dd::zero;
}

bool PacketSet::operator==(const PacketSet& o) const {
    if (empty() || o.empty()) return empty() == o.empty();
    if (space_ == o.space_) return root_ == o.root_;
    Together t(*this, o);
    return t.a() == t.b();
}

// ---- rewrites --------------------------------------------------------------------------------

// Field f of every member replaced by each value, then brought back into the universe: fields
// that do not apply to the resulting (family, protocol) become 0 (so setting a port on a gre
// packet leaves it as it was, and turning tcp into gre drops its ports), other fields are clipped
// (an IPv6 address set on an IPv4 packet keeps only what fits in 32 bits).
PacketSet PacketSet::with_field(Field f, const std::vector<Interval>& values) const {
    if (empty()) return PacketSet();
    std::vector<Interval> v = tidy(f, values);
    if (v.empty()) return PacketSet();
    Alone a(*this);
    return a.make(a.space().with_field(a.root(), f, v));
}

PacketSet PacketSet::widened(Field f) const { return with_field(f, {Interval{0, field_max(f)}}); }

// ---- measures --------------------------------------------------------------------------------

BigCount PacketSet::size() const {
    if (empty()) return BigCount();
    Alone a(*this);
    return a.space().size(a.root());
}

std::vector<Interval> PacketSet::values(Field f) const {
    if (empty()) return {};
    Alone a(*this);
    return a.space().values(a.root(), f);
}

BigCount PacketSet::count_values(Field f) const {
    if (empty()) return BigCount();
    Alone a(*this);
    return a.space().count_values(a.root(), f);
}

std::optional<Packet> PacketSet::witness() const {
    if (empty()) return std::nullopt;
    Alone a(*this);
    return a.space().witness(a.root());
}

std::size_t detail::node_count(const PacketSet& s) {
    if (s.empty()) return 0;
    Alone a(s);
    return a.space().manager().size(a.root());
}

}  // namespace rulegap
