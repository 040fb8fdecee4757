// Private to lib/: what a PacketSet is made of — a decision diagram (a root) in a shared
// dd::Space (docs/packet-set.md, "PacketSet on decision diagrams").
//
// Sets made from one another live in one space; a set made from nothing (PacketSet::where(),
// of(), all(), ...) starts a small space of its own. An operation on sets of two spaces first
// copies the set of the space with fewer nodes into the other, so work settles into one space.
// Every operation locks the space's mutex (both, in a fixed order, when two are involved): a
// PacketSet is a value that any thread may use, copies included. The space lives as long as a
// set refers to it; there is no state outside these objects.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <utility>

#include "lib/dd/space.hpp"
#include "rulegap/packet_set.hpp"

namespace rulegap::detail {

struct SetSpace {
    std::mutex mutex;
    dd::Space space;
};

// Access to a PacketSet's parts, for lib/ code that works on the diagram directly.
struct SetAccess {
    static const std::shared_ptr<SetSpace>& space(const PacketSet& s) { return s.space_; }
    static dd::Ref root(const PacketSet& s) { return s.root_; }
    static PacketSet make(std::shared_ptr<SetSpace> space, dd::Ref root) {
        PacketSet s;
        if (root != dd::zero) {
            s.space_ = std::move(space);
            s.root_ = root;
        }
        return s;
    }
};

std::shared_ptr<SetSpace> new_space();

// Per field, the lowest and highest value of the set's members (or wider: a field some path
// does not test counts as taking every value). The empty set: every interval lo > hi.
std::array<Interval, field_count> hull(const PacketSet& s);

// The nodes of the set's diagram (its internal layout: for tests, benchmarks and the design note).
std::size_t node_count(const PacketSet& s);

// The root of `r`, a diagram of `from`, rebuilt in `to` (same field order). Both locked.
dd::Ref copy_into(dd::Space& from, dd::Ref r, dd::Space& to);

// Two sets brought into one space, locked while this lives: a() and b() are their roots there.
class Together {
public:
    Together(const PacketSet& x, const PacketSet& y);
    const std::shared_ptr<SetSpace>& shared() const { return space_; }
    dd::Space& space() { return space_->space; }
    dd::Ref a() const { return a_; }
    dd::Ref b() const { return b_; }
    PacketSet make(dd::Ref r) const { return SetAccess::make(space_, r); }

private:
    std::shared_ptr<SetSpace> space_;
    std::unique_lock<std::mutex> lock1_, lock2_;
    dd::Ref a_ = dd::zero, b_ = dd::zero;
};

// One set's space, locked while this lives (a fresh space for the empty set).
class Alone {
public:
    explicit Alone(const PacketSet& x);
    const std::shared_ptr<SetSpace>& shared() const { return space_; }
    dd::Space& space() { return space_->space; }
    dd::Ref root() const { return root_; }
    PacketSet make(dd::Ref r) const { return SetAccess::make(space_, r); }

private:
    std::shared_ptr<SetSpace> space_;
    std::unique_lock<std::mutex> lock_;
    dd::Ref root_ = dd::zero;
};

}  // namespace rulegap::detail
