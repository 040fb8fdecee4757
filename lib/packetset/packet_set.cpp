// PacketSet: exact sets of packets as lists of pairwise-disjoint boxes.
//
// Intersection meets boxes pairwise; difference splits each box of the left side by every box of
// the right side it meets, one field at a time (at most two pieces per field); union is
// A | (B - A). Two boxes that differ in exactly one field and touch there are merged: the new
// pieces of a difference among themselves, the new pieces of a union also with the boxes already
// there (within a work budget), the results of intersections and rewrites all together.
#include <algorithm>
#include <bit>
#include <utility>

#include "box_index.hpp"
#include "universe.hpp"

namespace rulegap {

using detail::Box;
using detail::idx;

namespace {

constexpr std::size_t nfields = static_cast<std::size_t>(field_count);

// Work allowed for merging new pieces into a set (pieces x boxes compared); above it the set is
// still exact, only less compact.
constexpr std::size_t merge_budget = std::size_t{1} << 22;

// Disjoint unions of more boxes are not merged: a pass sorts all boxes twelve times, too slow to
// do every time a large part of an evaluation is put back together.
constexpr std::size_t normalise_limit = 4096;

// When a and b differ in exactly one field and touch there, returns that field.
int mergeable_field(const Box& a, const Box& b) {
    int field = -1;
    for (Field f : detail::check_order) {
        std::size_t d = idx(f);
        if (a.dim[d] == b.dim[d]) continue;
        if (field >= 0) return -1;
        field = static_cast<int>(d);
    }
    if (field < 0) return -1;
    const Interval& x = a.dim[static_cast<std::size_t>(field)];
    const Interval& y = b.dim[static_cast<std::size_t>(field)];
    if ((x.hi != ~uint128{0} && x.hi + 1 == y.lo) || (y.hi != ~uint128{0} && y.hi + 1 == x.lo)) return field;
    return -1;
}

void merge_along(Box& into, const Box& other, int field) {
    Interval& x = into.dim[static_cast<std::size_t>(field)];
    const Interval& y = other.dim[static_cast<std::size_t>(field)];
    x = {std::min(x.lo, y.lo), std::max(x.hi, y.hi)};
}

// Appends each piece to boxes, first absorbing any box it can merge with (the merged box may
// merge again). Pieces are disjoint from boxes and from each other.
void merge_into(std::vector<Box>& boxes, std::vector<Box>& pieces) {
    if (pieces.empty()) return;
    if (pieces.size() * (boxes.size() + pieces.size()) > merge_budget) {
        detail::normalise(pieces);
        boxes.insert(boxes.end(), pieces.begin(), pieces.end());
        return;
    }
    for (Box p : pieces) {
        bool again = true;
        while (again) {
            again = false;
            for (std::size_t i = 0; i < boxes.size(); ++i) {
                int f = mergeable_field(p, boxes[i]);
                if (f < 0) continue;
                merge_along(p, boxes[i], f);
                boxes[i] = boxes.back();
                boxes.pop_back();
                again = true;
                break;
            }
        }
        boxes.push_back(p);
    }
}

// Pieces of a - (the boxes ys, each meeting a), appended to out.
void subtract_each(const Box& a, const std::vector<const Box*>& ys, std::vector<Box>& out) {
    std::vector<Box> work{a}, next;
    for (const Box* yp : ys) {
        const Box& y = *yp;
        next.clear();
        for (const Box& p : work) {
            if (detail::intersects(p, y)) detail::split(p, y, next);
            else next.push_back(p);
        }
        work.swap(next);
        if (work.empty()) return;
    }
    out.insert(out.end(), work.begin(), work.end());
}

// The boxes of the index that meet a.
void meeting(const detail::BoxIndex& index, const Box& a, std::vector<const Box*>& ys) {
    ys.clear();
    index.visit(a, [&](const Box& y) {
        ys.push_back(&y);
        return true;
    });
}

// Pieces of a - (boxes of b), appended to out.
void subtract_all(const Box& a, const std::vector<Box>& b, std::vector<Box>& out) {
    std::vector<Box> work{a}, next;
    for (const Box& y : b) {
        if (!detail::intersects(a, y)) continue;
        next.clear();
        for (const Box& p : work) {
            if (detail::intersects(p, y)) detail::split(p, y, next);
            else next.push_back(p);
        }
        work.swap(next);
        if (work.empty()) return;
    }
    out.insert(out.end(), work.begin(), work.end());
}

// Whether some part of a lies outside the boxes ys (each meeting a).
bool sticks_out(const Box& a, const std::vector<const Box*>& ys) {
    std::vector<Box> work{a}, next;
    for (const Box* yp : ys) {
        const Box& y = *yp;
        if (detail::covers(y, a)) return false;
        next.clear();
        for (const Box& p : work) {
            if (detail::intersects(p, y)) detail::split(p, y, next);
            else next.push_back(p);
        }
        work.swap(next);
        if (work.empty()) return false;
    }
    return true;
}

// Sorted, merged, clipped to the field's range.
std::vector<Interval> tidy(Field f, std::vector<Interval> v) {
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

// Capacity for a result of n boxes: rounded up to a power of two, so that the large buffers of a
// long chain of operations come in few sizes and the allocator can hand freed ones back out
// instead of mapping (and faulting in) fresh memory for every result.
std::size_t capacity_for(std::size_t n) { return std::bit_ceil(std::max<std::size_t>(n, 4)); }

BigCount width(const Interval& i) { return BigCount::from_uint128(i.hi - i.lo) + BigCount(1); }

}  // namespace

namespace detail {

void normalise(std::vector<Box>& boxes) {
    if (boxes.size() < 2) return;
    if (boxes.size() <= 16) {  // few boxes: try every pair
        bool changed = true;
        while (changed) {
            changed = false;
            for (std::size_t i = 0; i < boxes.size() && !changed; ++i) {
                for (std::size_t j = i + 1; j < boxes.size(); ++j) {
                    int f = mergeable_field(boxes[i], boxes[j]);
                    if (f < 0) continue;
                    merge_along(boxes[i], boxes[j], f);
                    boxes.erase(boxes.begin() + static_cast<std::ptrdiff_t>(j));
                    changed = true;
                    break;
                }
            }
        }
        return;
    }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keys;
    std::vector<char> dead;
    for (int round = 0; round < 4; ++round) {
        bool changed = false;
        for (std::size_t d = 0; d < nfields; ++d) {
            keys.clear();
            for (std::uint32_t i = 0; i < boxes.size(); ++i) {
                std::uint64_t h = 0x9e3779b97f4a7c15ull;
                for (std::size_t e = 0; e < nfields; ++e) {
                    if (e == d) continue;
                    for (uint128 w : {boxes[i].dim[e].lo, boxes[i].dim[e].hi}) {
                        h ^= static_cast<std::uint64_t>(w) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
                        h ^= static_cast<std::uint64_t>(w >> 64) + (h << 6) + (h >> 2);
                        h *= 0xff51afd7ed558ccdull;
                    }
                }
                keys.push_back({h, i});
            }
            std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
                if (a.first != b.first) return a.first < b.first;
                return boxes[a.second].dim[d].lo < boxes[b.second].dim[d].lo;
            });
            dead.assign(boxes.size(), 0);
            std::size_t acc = 0;
            for (std::size_t k = 1; k < keys.size(); ++k) {
                Box& a = boxes[keys[acc].second];
                const Box& b = boxes[keys[k].second];
                if (keys[acc].first == keys[k].first && mergeable_field(a, b) == static_cast<int>(d)) {
                    merge_along(a, b, static_cast<int>(d));
                    dead[keys[k].second] = 1;
                    changed = true;
                } else {
                    acc = k;
                }
            }
            if (changed) {
                std::size_t w = 0;
                for (std::size_t i = 0; i < boxes.size(); ++i)
                    if (!dead[i]) boxes[w++] = boxes[i];
                boxes.resize(w);
            }
        }
        if (!changed) break;
    }
}

}  // namespace detail

// ---- construction ----------------------------------------------------------------------------

PacketSet PacketSet::none() { return PacketSet(); }

PacketSet PacketSet::all() { return PacketSet(detail::universe()); }

PacketSet PacketSet::ipv4() { return where(Field::family, 4); }

PacketSet PacketSet::ipv6() { return where(Field::family, 6); }

// A packet that does not give an interface is taken to have none (value 0), as witness() does.
PacketSet PacketSet::of(const Packet& p) {
    Box b;
    for (std::size_t d = 0; d < nfields; ++d) {
        uint128 v = field_value(p, static_cast<Field>(d)).value_or(0);
        b.dim[d] = {v, v};
    }
    for (const Box& u : detail::universe())
        if (detail::covers(u, b)) return PacketSet(std::vector<Box>{b});
    return PacketSet();
}

PacketSet PacketSet::where(Field f, std::initializer_list<Interval> values) {
    return where(f, std::vector<Interval>(values));
}

PacketSet PacketSet::where(Field f, const std::vector<Interval>& values) {
    std::vector<Interval> v = tidy(f, values);
    std::vector<Box> out;
    for (const Box& u : detail::universe()) {
        for (const Interval& i : v) {
            const Interval& x = u.dim[idx(f)];
            if (i.hi < x.lo || x.hi < i.lo) continue;
            Box b = u;
            b.dim[idx(f)] = {std::max(i.lo, x.lo), std::min(i.hi, x.hi)};
            out.push_back(b);
        }
    }
    detail::normalise(out);
    return PacketSet(std::move(out));
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
}  // namespace

PacketSet PacketSet::source_prefix(int family, uint128 address, int length) {
    if (family != 4 && family != 6) return PacketSet();
    return where(Field::family, static_cast<uint128>(family)) & where(Field::src_addr, {prefix_interval(family, address, length)});
}

PacketSet PacketSet::destination_prefix(int family, uint128 address, int length) {
    if (family != 4 && family != 6) return PacketSet();
    return where(Field::family, static_cast<uint128>(family)) & where(Field::dst_addr, {prefix_interval(family, address, length)});
}

// ---- algebra ---------------------------------------------------------------------------------

PacketSet PacketSet::operator&(const PacketSet& o) const {
    if (boxes_.empty() || o.boxes_.empty()) return PacketSet();
    if (o.boxes_ == detail::universe()) return *this;
    if (boxes_ == detail::universe()) return o;
    // Index the larger side, query with the smaller one.
    const std::vector<Box>& big = boxes_.size() >= o.boxes_.size() ? boxes_ : o.boxes_;
    const std::vector<Box>& small = &big == &boxes_ ? o.boxes_ : boxes_;
    detail::BoxIndex index(big, small);
    std::vector<Box> out;
    for (const Box& a : small)
        index.visit(a, [&](const Box& b) {
            out.push_back(detail::meet(a, b));
            return true;
        });
    detail::normalise(out);
    return PacketSet(std::move(out));
}

PacketSet PacketSet::operator-(const PacketSet& o) const {
    if (boxes_.empty() || o.boxes_.empty()) return *this;
    // Boxes are large (12 intervals of 128-bit bounds): find what changes first, then copy once.
    detail::BoxIndex index(o.boxes_, boxes_);
    std::vector<char> touched(boxes_.size(), 0);
    std::vector<Box> pieces;
    std::vector<const Box*> ys;
    std::size_t untouched = 0;
    for (std::size_t i = 0; i < boxes_.size(); ++i) {
        meeting(index, boxes_[i], ys);
        if (ys.empty()) {
            ++untouched;
            continue;
        }
        touched[i] = 1;
        subtract_each(boxes_[i], ys, pieces);
    }
    if (untouched == boxes_.size()) return *this;
    detail::normalise(pieces);
    std::vector<Box> kept;
    kept.reserve(capacity_for(untouched + pieces.size()));
    for (std::size_t i = 0; i < boxes_.size();) {  // copy runs of untouched boxes in bulk
        std::size_t j = i;
        while (j < boxes_.size() && !touched[j]) ++j;
        kept.insert(kept.end(), boxes_.begin() + static_cast<std::ptrdiff_t>(i), boxes_.begin() + static_cast<std::ptrdiff_t>(j));
        i = j + 1;
    }
    // The new pieces are merged with each other only: in chains of differences, merging them
    // with the untouched boxes as well was measured to cost 40% of the time and to save nothing.
    kept.insert(kept.end(), pieces.begin(), pieces.end());
    return PacketSet(std::move(kept));
}

PacketSet PacketSet::operator|(const PacketSet& o) const {
    if (boxes_.empty()) return o;
    if (o.boxes_.empty()) return *this;
    detail::BoxIndex index(boxes_, o.boxes_);
    std::vector<Box> pieces;
    std::vector<const Box*> ys;
    for (const Box& b : o.boxes_) {
        meeting(index, b, ys);
        if (ys.empty()) pieces.push_back(b);
        else subtract_each(b, ys, pieces);
    }
    if (pieces.empty()) return *this;
    detail::normalise(pieces);
    std::vector<Box> out;
    out.reserve(capacity_for(boxes_.size() + pieces.size()));
    out = boxes_;
    merge_into(out, pieces);
    return PacketSet(std::move(out));
}

PacketSet PacketSet::split_off(const PacketSet& o) {
    if (boxes_.empty() || o.boxes_.empty()) return PacketSet();
    detail::BoxIndex index(o.boxes_, boxes_);
    std::vector<std::size_t> holes;     // boxes that meet o: replaced by their pieces outside o
    std::vector<std::size_t> whole;     // boxes inside o: moved as they are
    std::vector<Box> cut_in, cut_out;   // pieces of the boxes that o cuts
    std::vector<const Box*> ys;
    for (std::size_t i = 0; i < boxes_.size(); ++i) {
        meeting(index, boxes_[i], ys);
        if (ys.empty()) continue;
        holes.push_back(i);
        if (ys.size() == 1 && detail::covers(*ys[0], boxes_[i])) {
            whole.push_back(i);
            continue;
        }
        for (const Box* y : ys) cut_in.push_back(detail::meet(boxes_[i], *y));
        subtract_each(boxes_[i], ys, cut_out);
    }
    if (holes.empty()) return PacketSet();
    if (whole.size() == boxes_.size()) return std::exchange(*this, PacketSet());  // all of it
    // As in a difference, only new pieces are merged (among themselves).
    detail::normalise(cut_in);
    detail::normalise(cut_out);
    std::vector<Box> inside;
    inside.reserve(capacity_for(whole.size() + cut_in.size()));
    for (std::size_t i : whole) inside.push_back(boxes_[i]);
    inside.insert(inside.end(), cut_in.begin(), cut_in.end());
    // Pieces fill the holes; spare pieces go at the end, spare holes are filled from the end.
    std::size_t k = 0;
    for (; k < holes.size() && k < cut_out.size(); ++k) boxes_[holes[k]] = cut_out[k];
    if (k < cut_out.size()) {
        boxes_.insert(boxes_.end(), cut_out.begin() + static_cast<std::ptrdiff_t>(k), cut_out.end());
    } else {
        for (std::size_t h = holes.size(); h-- > k;) {  // highest hole first: the end shrinks past it
            boxes_[holes[h]] = boxes_.back();
            boxes_.pop_back();
        }
    }
    return PacketSet(std::move(inside));
}

PacketSet PacketSet::disjoint_union(std::vector<PacketSet> parts) {
    std::size_t n = 0, nonempty = 0;
    for (const PacketSet& p : parts) {
        n += p.boxes_.size();
        nonempty += p.boxes_.empty() ? 0 : 1;
    }
    if (nonempty == 0) return PacketSet();
    if (nonempty == 1)
        for (PacketSet& p : parts)
            if (!p.boxes_.empty()) return std::move(p);
    std::vector<Box> out;
    out.reserve(capacity_for(n));
    for (const PacketSet& p : parts) out.insert(out.end(), p.boxes_.begin(), p.boxes_.end());
    if (out.size() <= normalise_limit) detail::normalise(out);
    return PacketSet(std::move(out));
}

PacketSet PacketSet::complement() const { return all() - *this; }

bool PacketSet::empty() const { return boxes_.empty(); }

bool PacketSet::contains(const Packet& p) const {
    uint128 v[field_count];
    for (std::size_t d = 0; d < nfields; ++d) v[d] = field_value(p, static_cast<Field>(d)).value_or(0);
    for (const Box& b : boxes_) {
        bool in = true;
        for (std::size_t d = 0; d < nfields && in; ++d) in = b.dim[d].contains(v[d]);
        if (in) return true;
    }
    return false;
}

bool PacketSet::subset_of(const PacketSet& o) const {
    if (boxes_.empty()) return true;
    detail::BoxIndex index(o.boxes_, boxes_);
    std::vector<const Box*> ys;
    for (const Box& a : boxes_) {
        meeting(index, a, ys);
        if (sticks_out(a, ys)) return false;
    }
    return true;
}

bool PacketSet::intersects(const PacketSet& o) const {
    if (boxes_.empty() || o.boxes_.empty()) return false;
    const std::vector<Box>& big = boxes_.size() >= o.boxes_.size() ? boxes_ : o.boxes_;
    const std::vector<Box>& small = &big == &boxes_ ? o.boxes_ : boxes_;
    detail::BoxIndex index(big, small);
    for (const Box& a : small)
        if (index.meets(a)) return true;
    return false;
}

bool PacketSet::operator==(const PacketSet& o) const {
    if (boxes_ == o.boxes_) return true;
    if (boxes_.empty() != o.boxes_.empty()) return false;
    return subset_of(o) && o.subset_of(*this);
}

// ---- rewrites --------------------------------------------------------------------------------

// Field f of every member replaced by each value, then brought back into the universe: fields
// that do not apply to the resulting (family, protocol) become 0 (so setting a port on a gre
// packet leaves it as it was, and turning tcp into gre drops its ports), other fields are clipped
// (an IPv6 address set on an IPv4 packet keeps only what fits in 32 bits).
PacketSet PacketSet::with_field(Field f, const std::vector<Interval>& values) const {
    std::vector<Interval> v = tidy(f, values);
    std::vector<Box> images;
    for (const Box& a : boxes_) {
        for (const Interval& i : v) {
            Box b = a;
            b.dim[idx(f)] = i;
            for (const Box& u : detail::universe()) {
                Box c = b;
                for (Field g : {Field::src_port, Field::dst_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags})
                    if (u.dim[idx(g)].hi == 0) c.dim[idx(g)] = {0, 0};
                if (detail::intersects(c, u)) images.push_back(detail::meet(c, u));
            }
        }
    }
    // Images of different boxes may overlap: add them one by one, each minus what is there.
    std::vector<Box> out, pieces;
    for (const Box& b : images) {
        pieces.clear();
        subtract_all(b, out, pieces);
        out.insert(out.end(), pieces.begin(), pieces.end());
    }
    detail::normalise(out);
    return PacketSet(std::move(out));
}

PacketSet PacketSet::widened(Field f) const { return with_field(f, {Interval{0, field_max(f)}}); }

// ---- measures --------------------------------------------------------------------------------

BigCount PacketSet::size() const {
    BigCount total;
    for (const Box& b : boxes_) {
        BigCount n(1);
        for (const Interval& i : b.dim) n = n * width(i);
        total = total + n;
    }
    return total;
}

std::vector<Interval> PacketSet::values(Field f) const {
    std::vector<Interval> v;
    v.reserve(boxes_.size());
    for (const Box& b : boxes_) v.push_back(b.dim[idx(f)]);
    return tidy(f, std::move(v));
}

BigCount PacketSet::count_values(Field f) const {
    BigCount total;
    for (const Interval& i : values(f)) total = total + width(i);
    return total;
}

}  // namespace rulegap
