// Private to lib/packetset: finding the boxes of a set that meet a query box without trying them
// all.
//
// Boxes are sorted by their lower bound in one field; a max-tree over that order holds the
// largest upper bound of every range. The boxes that can meet a query q are those with
// lo <= q.hi (a prefix of the order, by binary search) and hi >= q.lo (subtrees whose largest hi
// is below q.lo are skipped). The field is the one that separates a sample of query boxes from a
// sample of indexed boxes best. Small sets are scanned, after a test against their hull.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "universe.hpp"

namespace rulegap::detail {

// Per-field bounds of a list of boxes (empty list: lo > hi everywhere, meets nothing).
Box hull_of(const std::vector<Box>& boxes);

class BoxIndex {
public:
    // Indexes `boxes` (which must outlive the index) for queries that look like `queries`.
    BoxIndex(const std::vector<Box>& boxes, const std::vector<Box>& queries);

    // Calls f(box) for every indexed box that meets q, until f returns false. Returns false when
    // f stopped the walk.
    template <class F>
    bool visit(const Box& q, F&& f) const {
        if (!intersects(q, hull_)) return true;
        if (order_.empty()) {  // small: scan
            for (const Box& b : *boxes_)
                if (intersects(q, b) && !f(b)) return false;
            return true;
        }
        const Interval& x = q.dim[field_];
        std::size_t end = upper_bound(x.hi);  // [0, end): lo <= q.hi
        if (end == 0) return true;
        // Depth-first over the max-tree, left to right, within [0, end).
        std::uint32_t stack[64];
        int top = 0;
        stack[top++] = 1;
        while (top > 0) {
            std::uint32_t node = stack[--top];
            if (max_hi_[node] < x.lo) continue;
            std::size_t level_size = span_of(node);
            std::size_t first = (node - level_start(node)) * level_size;
            if (first >= end) continue;
            if (node >= leaves_) {
                const Box& b = (*boxes_)[order_[node - leaves_]];
                if (intersects(q, b) && !f(b)) return false;
                continue;
            }
            stack[top++] = 2 * node + 1;
            stack[top++] = 2 * node;
        }
        return true;
    }

    // Whether some indexed box meets q.
    bool meets(const Box& q) const {
        return !visit(q, [](const Box&) { return false; });
    }

private:
    std::size_t upper_bound(uint128 v) const;
    // Node numbering of an implicit complete binary tree with `leaves_` leaves: node 1 is the
    // root, node n has children 2n and 2n+1, leaves are leaves_ .. 2*leaves_-1.
    std::size_t span_of(std::uint32_t node) const { return leaves_ >> (std::bit_width(node) - 1); }
    static std::size_t level_start(std::uint32_t node) { return std::bit_floor(node); }

    const std::vector<Box>* boxes_;
    Box hull_;
    std::size_t field_ = 0;
    std::size_t leaves_ = 0;                 // a power of two >= boxes
    std::vector<std::uint32_t> order_;       // box numbers by lo in field_ (empty: scan)
    std::vector<uint128> lo_;                // their lo, in that order
    std::vector<uint128> max_hi_;            // the max-tree, 2 * leaves_ entries
};

}  // namespace rulegap::detail
