// Preimages (preimage.hpp): mark the ancestors of the target terminals, then rebuild only them,
// children first.
#include "lib/dd/preimage.hpp"

#include <algorithm>

namespace rulegap::dd {

Preimages::Preimages(Manager& m, Ref root) : m_(m), root_(root) {
    if (is_terminal(root)) return;
    // Iterative post-order: a node gets its place once all its children have theirs.
    std::vector<std::pair<Ref, std::uint32_t>> stack{{root, 0}};
    order_.emplace(root, 0xffffffffu);
    std::uint32_t finished = 0;
    while (!stack.empty()) {
        auto& [n, i] = stack.back();
        if (i < m_.edge_count(n)) {
            const Ref c = m_.edge_child(n, i++);
            std::vector<Ref>& up = parents_[c];
            if (up.empty() || up.back() != n) up.push_back(n);
            if (!is_terminal(c) && order_.emplace(c, 0xffffffffu).second) stack.push_back({c, 0});
            continue;
        }
        order_[n] = finished++;
        stack.pop_back();
    }
}

Ref Preimages::of(std::span<const Ref> targets) {
    if (is_terminal(root_))
        return std::find(targets.begin(), targets.end(), root_) != targets.end() ? one : zero;
    // The nodes above the targets.
    std::unordered_map<Ref, Ref> built;
    std::vector<Ref> marked, todo;
    auto reach = [&](Ref c) {
        auto it = parents_.find(c);
        if (it == parents_.end()) return;
        for (Ref p : it->second)
            if (built.emplace(p, zero).second) {
                marked.push_back(p);
                todo.push_back(p);
            }
    };
    for (Ref t : targets) reach(t);
    while (!todo.empty()) {
        Ref n = todo.back();
        todo.pop_back();
        reach(n);
    }
    std::sort(marked.begin(), marked.end(), [&](Ref a, Ref b) { return order_.at(a) < order_.at(b); });
    std::vector<uint128> his;
    std::vector<Ref> kids;
    for (Ref n : marked) {
        his.clear();
        kids.clear();
        for (std::uint32_t i = 0; i < m_.edge_count(n); ++i) {
            const Ref c = m_.edge_child(n, i);
            Ref k = zero;
            if (is_terminal(c))
                k = std::find(targets.begin(), targets.end(), c) != targets.end() ? one : zero;
            else if (auto it = built.find(c); it != built.end())
                k = it->second;
            his.push_back(m_.edge_hi(n, i));
            kids.push_back(k);
        }
        built[n] = m_.make(m_.level(n), his, kids);
    }
    auto it = built.find(root_);
    return it == built.end() ? zero : it->second;
}

}  // namespace rulegap::dd
