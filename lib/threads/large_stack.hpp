// Private to lib/: running a deeply recursive computation on a thread with a large stack.
//
// Compiling a hook recurses once per nested chain (10,000 nested jumps are legal), and diagram
// operations once per level on a path (one level per undecided rule). A process's main thread
// has 8 MiB; under AddressSanitizer frames are several times larger. The stack reserved here is
// address space only: pages are used as the recursion reaches them.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>

namespace rulegap::threads {

constexpr std::size_t large_stack = std::size_t{256} << 20;  // 256 MiB of address space

// Runs f on a new thread with a stack of `bytes` and waits for it; an exception f throws is
// rethrown here. If no such thread can be made, f runs on the calling thread.
void run_with_stack(std::size_t bytes, const std::function<void()>& f);

}  // namespace rulegap::threads
