// rulegap — how many threads read an iptables file (tuning.hpp).
#include "lib/threads/tuning.hpp"

#include <algorithm>

#include "lib/threads/start_apart.hpp"

namespace rulegap::detail {

unsigned threads_for(const IptablesOptions& options, std::size_t text_size) {
    const ReadTuning defaults;
    const ReadTuning& tuning = options.tuning ? *options.tuning : defaults;
    constexpr unsigned max_threads = 8;
    unsigned n = options.threads;
    if (n == 0)
        n = text_size > tuning.automatic_threads_up_to_bytes ? 1u
                                                             : std::min(threads::usable_cores(), max_threads);
    n = std::min(n, max_threads);
    return n < 2 || text_size < tuning.parallel_from_bytes ? 1u : n;
}

}  // namespace rulegap::detail
