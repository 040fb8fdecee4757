// rulegap — iptables-save reader: loops among the jumps between chains.
#include "parsers/iptables/jumps.hpp"

#include <algorithm>

namespace rulegap::iptables {

bool closes_loop(std::span<const Jump> jumps, std::span<const std::size_t> chains) {
    for (std::size_t t = 0; t < chains.size(); ++t) {
        const std::size_t n = chains[t];
        // The table's jumps as adjacency lists in one array (first[c] .. first[c + 1]).
        std::vector<std::uint32_t> first(n + 1, 0);
        for (const Jump& j : jumps)
            if (j.table == t && j.from < n && j.to < n) ++first[j.from + 1];
        for (std::size_t c = 0; c < n; ++c) first[c + 1] += first[c];
        if (first[n] == 0) continue;
        std::vector<std::uint32_t> to(first[n]);
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (const Jump& j : jumps)
            if (j.table == t && j.from < n && j.to < n) to[fill[j.from]++] = j.to;
        // Depth-first, without recursion: 0 unseen, 1 on the path, 2 done.
        std::vector<std::uint8_t> state(n, 0);
        std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;  // chain, next edge
        for (std::uint32_t root = 0; root < n; ++root) {
            if (state[root] != 0 || first[root] == first[root + 1]) continue;
            state[root] = 1;
            stack.emplace_back(root, first[root]);
            while (!stack.empty()) {
                auto& [chain, next] = stack.back();
                if (next == first[chain + 1]) {
                    state[chain] = 2;
                    stack.pop_back();
                    continue;
                }
                const std::uint32_t target = to[next++];
                if (state[target] == 1) return true;
                if (state[target] == 0) {
                    state[target] = 1;
                    stack.emplace_back(target, first[target]);
                }
            }
        }
    }
    return false;
}

}  // namespace rulegap::iptables
