// rulegap — starting a thread on another processor than the one that starts it.
#include "lib/threads/start_apart.hpp"

#include <algorithm>

#ifdef __linux__
#include <pthread.h>
#endif

namespace rulegap::threads {

unsigned usable_cores() {
#ifdef __linux__
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof mine, &mine) == 0 && CPU_COUNT(&mine) > 0)
        return static_cast<unsigned>(CPU_COUNT(&mine));
#endif
    return std::max(1u, std::thread::hardware_concurrency());
}

void StartApart::place(std::thread& t) {
#ifdef __linux__
    cpu_set_t mine;
    CPU_ZERO(&mine);
    const int cpu = sched_getcpu();
    if (t.joinable() && cpu >= 0 && cpu < CPU_SETSIZE &&
        pthread_getaffinity_np(pthread_self(), sizeof mine, &mine) == 0) {
        cpu_set_t others = mine;
        CPU_CLR(cpu, &others);
        if (CPU_COUNT(&others) > 0 &&
            pthread_setaffinity_np(t.native_handle(), sizeof others, &others) == 0) {
            allowed_ = mine;
            restore_ = true;
        }
    }
#else
    (void)t;
#endif
    placed_.store(true, std::memory_order_release);
}

void StartApart::settle() {
    while (!placed_.load(std::memory_order_acquire)) std::this_thread::yield();
#ifdef __linux__
    if (restore_) pthread_setaffinity_np(pthread_self(), sizeof allowed_, &allowed_);
#endif
}

}  // namespace rulegap::threads
