// rulegap — how the iptables reader uses threads beyond IptablesOptions::threads (internal: the
// command line sets it through IptablesOptions::tuning; not part of the public API).
#pragma once

#include <cstddef>
#include <functional>

#include "rulegap/iptables.hpp"

namespace rulegap::detail {

struct ReadTuning {
    // IptablesOptions::threads counts from files of parallel_from_bytes on; threads = 0 (one per
    // usable core) only up to automatic_threads_up_to_bytes. A thread's rules live in its own
    // heap, which glibc grows by 4 KiB pages beyond what on_thread_start prepares, so by default
    // the largest files are read on one thread.
    std::size_t parallel_from_bytes = std::size_t{1} << 20;
    std::size_t automatic_threads_up_to_bytes = std::size_t{16} << 20;
    // Called first on each further thread the reader starts (a program can prepare its heap
    // there).
    std::function<void()> on_thread_start;
};

// How many threads read a text of this size (1: the calling thread alone); options.tuning, or
// the defaults above without it.
unsigned threads_for(const IptablesOptions& options, std::size_t text_size);

}  // namespace rulegap::detail
