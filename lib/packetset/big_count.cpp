// BigCount: unsigned integers of any size, for counting packets.
#include <algorithm>
#include <cmath>

#include "rulegap/packet_set.hpp"

namespace rulegap {

namespace {

void trim(std::vector<std::uint32_t>& limbs) {
    while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
}

}  // namespace

BigCount::BigCount(std::uint64_t v) {
    while (v != 0) {
        limbs_.push_back(static_cast<std::uint32_t>(v));
        v >>= 32;
    }
}

BigCount BigCount::from_uint128(uint128 v) {
    BigCount r;
    while (v != 0) {
        r.limbs_.push_back(static_cast<std::uint32_t>(v));
        v >>= 32;
    }
    return r;
}

BigCount BigCount::operator+(const BigCount& o) const {
    BigCount r;
    std::size_t n = std::max(limbs_.size(), o.limbs_.size());
    r.limbs_.resize(n + 1, 0);
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t s = carry;
        if (i < limbs_.size()) s += limbs_[i];
        if (i < o.limbs_.size()) s += o.limbs_[i];
        r.limbs_[i] = static_cast<std::uint32_t>(s);
        carry = s >> 32;
    }
    r.limbs_[n] = static_cast<std::uint32_t>(carry);
    trim(r.limbs_);
    return r;
}

BigCount BigCount::operator*(const BigCount& o) const {
    BigCount r;
    if (limbs_.empty() || o.limbs_.empty()) return r;
    r.limbs_.assign(limbs_.size() + o.limbs_.size(), 0);
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
        std::uint64_t carry = 0;
        for (std::size_t j = 0; j < o.limbs_.size(); ++j) {
            std::uint64_t cur = static_cast<std::uint64_t>(limbs_[i]) * o.limbs_[j] + r.limbs_[i + j] + carry;
            r.limbs_[i + j] = static_cast<std::uint32_t>(cur);
            carry = cur >> 32;
        }
        std::size_t k = i + o.limbs_.size();
        while (carry != 0) {
            std::uint64_t cur = static_cast<std::uint64_t>(r.limbs_[k]) + carry;
            r.limbs_[k] = static_cast<std::uint32_t>(cur);
            carry = cur >> 32;
            ++k;
        }
    }
    trim(r.limbs_);
    return r;
}

bool BigCount::operator==(const BigCount& o) const { return limbs_ == o.limbs_; }

std::strong_ordering BigCount::operator<=>(const BigCount& o) const {
    if (limbs_.size() != o.limbs_.size()) return limbs_.size() <=> o.limbs_.size();
    for (std::size_t i = limbs_.size(); i-- > 0;)
        if (limbs_[i] != o.limbs_[i]) return limbs_[i] <=> o.limbs_[i];
    return std::strong_ordering::equal;
}

bool BigCount::is_zero() const { return limbs_.empty(); }

std::optional<std::uint64_t> BigCount::to_uint64() const {
    if (limbs_.size() > 2) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = limbs_.size(); i-- > 0;) v = (v << 32) | limbs_[i];
    return v;
}

std::string BigCount::to_string() const {
    if (limbs_.empty()) return "0";
    std::vector<std::uint32_t> n = limbs_;
    std::vector<std::uint32_t> chunks;  // base 10^9, least significant first
    while (!n.empty()) {
        std::uint64_t rem = 0;
        for (std::size_t i = n.size(); i-- > 0;) {
            std::uint64_t cur = (rem << 32) | n[i];
            n[i] = static_cast<std::uint32_t>(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        chunks.push_back(static_cast<std::uint32_t>(rem));
        trim(n);
    }
    std::string out = std::to_string(chunks.back());
    for (std::size_t i = chunks.size() - 1; i-- > 0;) {
        std::string part = std::to_string(chunks[i]);
        out += std::string(9 - part.size(), '0') + part;
    }
    return out;
}

double BigCount::to_double() const {
    double v = 0;
    for (std::size_t i = limbs_.size(); i-- > 0;) v = v * 4294967296.0 + limbs_[i];
    return v;
}

}  // namespace rulegap
