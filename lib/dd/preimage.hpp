// Private to lib/: the preimages of a multi-terminal diagram — for each terminal (or group of
// terminals), the set of points that lead to it — each built in time proportional to the nodes
// that can reach it, not to the whole diagram. evaluate() cuts a hook's diagram into one part per
// outcome this way: hundreds of outcomes, most of them small.
#pragma once

#include <span>
#include <unordered_map>
#include <vector>

#include "lib/dd/manager.hpp"

namespace rulegap::dd {

class Preimages {
public:
    // Walks the diagram once (its nodes, and for each node or terminal the nodes above it).
    Preimages(Manager& m, Ref root);
    // The boolean diagram of the points whose terminal is one of `targets` (terminal Refs).
    Ref of(std::span<const Ref> targets);
    Ref of(Ref target) { return of(std::span<const Ref>(&target, 1)); }

private:
    Manager& m_;
    Ref root_;
    std::unordered_map<Ref, std::uint32_t> order_;       // node -> place in post-order
    std::unordered_map<Ref, std::vector<Ref>> parents_;  // node or terminal -> nodes with it as a child
};

}  // namespace rulegap::dd
