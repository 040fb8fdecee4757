// rulegap — starting a thread on another processor than the one that starts it (private).
//
// Linux queues a new thread on its creator's processor. It runs there when the creator gives
// the processor up, or elsewhere once the scheduler moves it: on a virtual machine with an idle
// second processor, a thread started by a busy reader ran a median 2.5 ms late (up to 5 ms),
// and then often shared the reader's processor. So the creator allows the new thread every
// processor but its own — it starts on another at once (0.2 ms) — and the thread, once running
// there, allows itself every processor again (it is never left pinned). docs/design.md,
// "Starting threads apart".
#pragma once

#include <atomic>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

namespace rulegap::threads {

// How many cores the calling thread may run on (its affinity mask: `taskset`, a container's
// cpuset), at least 1; where that cannot be read, std::thread::hardware_concurrency(). Threads
// beyond it only take turns: two threads on one allowed core read filter100k 2.7 ms slower
// than one.
unsigned usable_cores();

class StartApart {
public:
    // On the creating thread, right after starting t (always, even if t already runs).
    void place(std::thread& t);
    // On the new thread, first: waits for place(), then allows every processor the creator may
    // use.
    void settle();

private:
    std::atomic<bool> placed_{false};
#ifdef __linux__
    cpu_set_t allowed_{};
    bool restore_ = false;
#endif
};

}  // namespace rulegap::threads
