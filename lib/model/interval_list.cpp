// rulegap — IntervalList: a vector of intervals with room for one in place.
#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include "rulegap/detail/compact.hpp"

namespace rulegap::detail {

IntervalList::IntervalList(std::span<const Interval> values) {
    if (values.size() > 1) grow(values.size());
    std::copy(values.begin(), values.end(), data());
    size_ = static_cast<std::uint32_t>(values.size());
}

IntervalList& IntervalList::operator=(const IntervalList& o) {
    if (this == &o) return *this;
    size_ = 0;
    reserve(o.size_);
    std::copy(o.begin(), o.end(), data());
    size_ = o.size_;
    return *this;
}

bool IntervalList::operator==(const IntervalList& o) const {
    return std::equal(begin(), end(), o.begin(), o.end());
}

void IntervalList::grow(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("IntervalList: too many intervals");
    std::size_t cap =
        std::max<std::size_t>(n, cap_ <= 1 ? 2 : std::min<std::size_t>(2 * std::size_t{cap_}, 0xFFFFFFFFu));
    Interval* p = std::allocator<Interval>().allocate(cap);
    std::copy(begin(), end(), p);
    release();
    heap_ = p;
    cap_ = static_cast<std::uint32_t>(cap);
}

void IntervalList::free_heap() noexcept { std::allocator<Interval>().deallocate(heap_, cap_); }

}  // namespace rulegap::detail
