// BoxIndex: see box_index.hpp.
#include "box_index.hpp"

#include <algorithm>
#include <numeric>

namespace rulegap::detail {

namespace {

constexpr std::size_t nfields = static_cast<std::size_t>(field_count);
constexpr std::size_t scan_below = 4;   // boxes: fewer are scanned
constexpr std::size_t few_queries = 8;  // queries: fewer scan
constexpr std::size_t sample = 48;      // boxes per side when choosing the field

// Up to `sample` boxes spread evenly over v.
std::vector<const Box*> sample_of(const std::vector<Box>& v) {
    std::vector<const Box*> out;
    std::size_t step = std::max<std::size_t>(1, v.size() / sample);
    for (std::size_t i = 0; i < v.size() && out.size() < sample; i += step) out.push_back(&v[i]);
    return out;
}

}  // namespace

Box hull_of(const std::vector<Box>& boxes) {
    Box h;
    for (Interval& i : h.dim) i = {~uint128{0}, 0};
    for (const Box& b : boxes)
        for (std::size_t d = 0; d < nfields; ++d) {
            h.dim[d].lo = std::min(h.dim[d].lo, b.dim[d].lo);
            h.dim[d].hi = std::max(h.dim[d].hi, b.dim[d].hi);
        }
    return h;
}

BoxIndex::BoxIndex(const std::vector<Box>& boxes, const std::vector<Box>& queries)
    : boxes_(&boxes), hull_(hull_of(boxes)) {
    // A few queries scan: cheaper than sorting the boxes.
    if (boxes.size() < scan_below || queries.size() < few_queries) return;
    // The field in which the fewest sampled (query, box) pairs overlap.
    std::vector<const Box*> qs = sample_of(queries), bs = sample_of(boxes);
    std::size_t best = ~std::size_t{0};
    for (Field f : check_order) {
        std::size_t d = idx(f), n = 0;
        for (const Box* q : qs)
            for (const Box* b : bs)
                if (!(q->dim[d].hi < b->dim[d].lo || b->dim[d].hi < q->dim[d].lo)) ++n;
        if (n < best) {
            best = n;
            field_ = d;
        }
    }
    order_.resize(boxes.size());
    std::iota(order_.begin(), order_.end(), std::uint32_t{0});
    std::sort(order_.begin(), order_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return boxes[a].dim[field_].lo < boxes[b].dim[field_].lo; });
    lo_.resize(boxes.size());
    for (std::size_t i = 0; i < boxes.size(); ++i) lo_[i] = boxes[order_[i]].dim[field_].lo;
    leaves_ = std::bit_ceil(boxes.size());
    max_hi_.assign(2 * leaves_, 0);
    for (std::size_t i = 0; i < boxes.size(); ++i) max_hi_[leaves_ + i] = boxes[order_[i]].dim[field_].hi;
    for (std::size_t n = leaves_ - 1; n >= 1; --n) max_hi_[n] = std::max(max_hi_[2 * n], max_hi_[2 * n + 1]);
}

std::size_t BoxIndex::upper_bound(uint128 v) const {
    return static_cast<std::size_t>(std::upper_bound(lo_.begin(), lo_.end(), v) - lo_.begin());
}

}  // namespace rulegap::detail
