#include "cli/memory.hpp"

#include <cstddef>   // defines __GLIBC__ with glibc

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#endif

namespace rulegap::cli {

#if defined(__GLIBC__) && defined(__linux__)

void tune_memory() {
    constexpr std::size_t huge_page = std::size_t{2} << 20;
    constexpr std::size_t mib = std::size_t{1} << 20;
    // Blocks up to 32 MiB (glibc's most) come from the heap rather than from mmap calls of their
    // own, and freed memory stays in the process until exit (no trimming in the middle of a run).
    mallopt(M_MMAP_THRESHOLD, static_cast<int>(32 * mib));
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(2047 * mib));
    // No fastbins (the per-thread cache still serves small blocks): a model of many small blocks
    // otherwise pays for merging them back ("malloc_consolidate") at every larger request.
    mallopt(M_MXFAST, 0);
    // Grow the heap once by a large amount of address space, and ask for huge pages on it.
    for (std::size_t reserve : {std::size_t{1024} * mib, std::size_t{256} * mib}) {
        mallopt(M_TOP_PAD, static_cast<int>(reserve));
        void* probe = std::malloc(mib);   // below the mmap threshold: taken from the top, which grows
        if (!probe) continue;
        static_cast<volatile char*>(probe)[0] = 0;   // (so that the compiler keeps the malloc)
        auto begin = reinterpret_cast<std::uintptr_t>(probe);
        auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
        std::free(probe);
        if (end == static_cast<std::uintptr_t>(-1) || end < begin + reserve / 2) continue;
        begin = (begin + huge_page - 1) & ~(huge_page - 1);
        end &= ~(huge_page - 1);
        if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
        break;
    }
    mallopt(M_TOP_PAD, static_cast<int>(64 * mib));
}

void tune_thread_memory() {
    constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
    constexpr std::size_t size = std::size_t{30} << 20;   // below tune_memory()'s 32 MiB mmap threshold
    void* block = std::malloc(size);
    if (!block) return;
    auto begin = (reinterpret_cast<std::uintptr_t>(block) + huge_page - 1) & ~(huge_page - 1);
    auto end = (reinterpret_cast<std::uintptr_t>(block) + size) & ~(huge_page - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    std::free(block);
}

#else

void tune_memory() {}
void tune_thread_memory() {}

#endif

}  // namespace rulegap::cli
