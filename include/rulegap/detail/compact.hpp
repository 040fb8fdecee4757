// rulegap — compact containers the model's structs hold (internal: the types of public members,
// not an API of their own; they may change).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "rulegap/packet.hpp"

namespace rulegap::detail {

// A short list of intervals, as a rule condition holds them: the first interval is stored in
// place, more go to the heap (most conditions name one port, one address or one protocol, so a
// ruleset of 100k rules needs no heap block per condition). The interface is a subset of
// std::vector's; it converts to std::span<const Interval> and is built from a vector.
class IntervalList {
public:
    using value_type = Interval;
    using iterator = Interval*;
    using const_iterator = const Interval*;
    using size_type = std::size_t;

    IntervalList() noexcept {}
    IntervalList(std::initializer_list<Interval> values)
        : IntervalList(std::span<const Interval>(values.begin(), values.size())) {}
    IntervalList(std::span<const Interval> values);
    IntervalList(const std::vector<Interval>& values)
        : IntervalList(std::span<const Interval>(values)) {}  // NOLINT: implicit on purpose
    template <typename It> IntervalList(It first, It last) {
        for (; first != last; ++first) push_back(*first);
    }
    IntervalList(const IntervalList& o) : IntervalList(std::span<const Interval>(o)) {}
    IntervalList(IntervalList&& o) noexcept { take(o); }
    IntervalList& operator=(const IntervalList& o);
    IntervalList& operator=(IntervalList&& o) noexcept {
        if (this != &o) {
            release();
            take(o);
        }
        return *this;
    }
    ~IntervalList() { release(); }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t capacity() const { return cap_; }
    Interval* data() { return cap_ <= 1 ? &one_ : heap_; }
    const Interval* data() const { return cap_ <= 1 ? &one_ : heap_; }
    Interval* begin() { return data(); }
    Interval* end() { return data() + size_; }
    const Interval* begin() const { return data(); }
    const Interval* end() const { return data() + size_; }
    Interval& operator[](std::size_t i) { return data()[i]; }
    const Interval& operator[](std::size_t i) const { return data()[i]; }
    Interval& front() { return data()[0]; }
    const Interval& front() const { return data()[0]; }
    Interval& back() { return data()[size_ - 1]; }
    const Interval& back() const { return data()[size_ - 1]; }
    void push_back(const Interval& v) {
        if (size_ == cap_) grow(size_ + 1);
        data()[size_++] = v;
    }
    void reserve(std::size_t n) {
        if (n > cap_) grow(n);
    }
    void clear() { size_ = 0; }
    operator std::span<const Interval>() const { return {data(), size_}; }  // NOLINT: implicit on purpose
    std::vector<Interval> to_vector() const { return {begin(), end()}; }
    bool operator==(const IntervalList& o) const;

private:
    void grow(std::size_t n);
    // (inline: a rule's ranges are moved several times while it is built)
    void release() noexcept {
        if (cap_ > 1) free_heap();
        cap_ = 1;
    }
    void free_heap() noexcept;
    void take(IntervalList& o) noexcept {
        if (o.cap_ > 1)
            heap_ = o.heap_;
        else
            one_ = o.one_;
        size_ = o.size_;
        cap_ = o.cap_;
        o.size_ = 0;
        o.cap_ = 1;
    }

    union {
        Interval one_{};  // cap_ <= 1
        Interval* heap_;  // cap_ > 1
    };
    std::uint32_t size_ = 0;
    std::uint32_t cap_ = 1;
};

// An interval or nothing, like std::optional<Interval>, kept out of line: a pointer's size in
// every rule instead of 48 bytes, for the few rules (DNAT, REDIRECT) that have one.
class OptionalInterval {
public:
    OptionalInterval() = default;
    OptionalInterval(std::nullopt_t) {}
    OptionalInterval(const Interval& i) : value_(std::make_unique<Interval>(i)) {}
    OptionalInterval(const OptionalInterval& o)
        : value_(o.value_ ? std::make_unique<Interval>(*o.value_) : nullptr) {}
    OptionalInterval(OptionalInterval&&) noexcept = default;
    OptionalInterval& operator=(const OptionalInterval& o) {
        if (this != &o) value_ = o.value_ ? std::make_unique<Interval>(*o.value_) : nullptr;
        return *this;
    }
    OptionalInterval& operator=(OptionalInterval&&) noexcept = default;
    OptionalInterval& operator=(std::nullopt_t) {
        value_.reset();
        return *this;
    }

    bool has_value() const { return value_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    const Interval& operator*() const { return *value_; }
    const Interval* operator->() const { return value_.get(); }
    friend bool operator==(const OptionalInterval& a, const Interval& b) { return a.has_value() && *a == b; }
    friend bool operator==(const OptionalInterval& a, const OptionalInterval& b) {
        return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
    }

private:
    std::unique_ptr<Interval> value_;
};

}  // namespace rulegap::detail
