#include "cli/memory.hpp"

#include <cstddef>  // defines __GLIBC__ with glibc

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <mutex>
#include <vector>
#endif

namespace rulegap::cli {

#if defined(__GLIBC__) && defined(__linux__)

namespace {

// The heap's free space starts at `first`, where a block was just freed (it merged back into the
// top). Pages up to `touched` (the end of what the heap has written: its header, the freed
// block's first page, the top's header after it) are, or share a page table with, 4 KiB pages, so
// the kernel gives the 2 MiB around them 4 KiB at a time: ~500 faults, at ~10 us each on a
// virtual machine. A block from `first` to the next 2 MiB boundary after `touched`, held until
// exit, makes the rest of the heap start on huge pages. Only its first page is ever touched.
void skip_to_huge_pages(std::uintptr_t first, std::uintptr_t touched) {
    constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
    constexpr std::uintptr_t header = 2 * sizeof(std::size_t);  // a block's header
    std::uintptr_t huge = (touched + huge_page) & ~(huge_page - 1);
    if (huge - first < 4 * header) huge += huge_page;
    void* plug = std::malloc(huge - first - 2 * header);
    if (!plug) return;
    if (reinterpret_cast<std::uintptr_t>(plug) != first) {
        std::free(plug);  // not where the heap's top was: of no use
        return;
    }
    // Held for the rest of the process, in reach (not a leak to a leak checker).
    static std::mutex held_mutex;
    static std::vector<void*> held;
    std::lock_guard<std::mutex> lock(held_mutex);
    held.push_back(plug);
}

}  // namespace

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
        void* probe = std::malloc(mib);  // below the mmap threshold: taken from the top, which grows
        if (!probe) continue;
        static_cast<volatile char*>(probe)[0] = 0;  // (so that the compiler keeps the malloc)
        auto begin = reinterpret_cast<std::uintptr_t>(probe);
        auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
        std::free(probe);
        if (end == static_cast<std::uintptr_t>(-1) || end < begin + reserve / 2) continue;
        const std::uintptr_t first = begin;  // the probe wrote its first byte and the top's header after it
        begin = (begin + huge_page - 1) & ~(huge_page - 1);
        end &= ~(huge_page - 1);
        if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
        skip_to_huge_pages(first, first + mib + 4 * sizeof(std::size_t));
        break;
    }
    mallopt(M_TOP_PAD, static_cast<int>(64 * mib));
}

void tune_thread_memory() {
    constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
    constexpr std::size_t size = std::size_t{30} << 20;  // below tune_memory()'s 32 MiB mmap threshold
    void* block = std::malloc(size);
    if (!block) return;
    auto begin = (reinterpret_cast<std::uintptr_t>(block) + huge_page - 1) & ~(huge_page - 1);
    auto end = (reinterpret_cast<std::uintptr_t>(block) + size) & ~(huge_page - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    std::free(block);
    skip_to_huge_pages(reinterpret_cast<std::uintptr_t>(block), reinterpret_cast<std::uintptr_t>(block));
}

#else

void tune_memory() {}
void tune_thread_memory() {}

#endif

}  // namespace rulegap::cli
