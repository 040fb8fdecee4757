// rulegap — process-wide memory set-up for the command line (not for the library).
#pragma once

namespace rulegap::cli {

// Called once at the start of main(). Reading a large ruleset builds a model of many small heap
// blocks; with glibc, this makes the heap one region backed by transparent huge pages where the
// kernel allows it (THP "madvise" mode), so that a fresh process does not take a page fault for
// every 4 KiB of model. Only virtual address space is reserved: untouched memory costs nothing.
// Does nothing on other C libraries, or when the kernel refuses.
void tune_memory();

// Called first on a thread that reads part of a large ruleset. glibc gives such a thread a heap
// of its own, which grows a page at a time (a system call each) and takes a fault per 4 KiB page:
// reading half of 100,000 rules then took longer than reading all of them on one thread. This
// grows the thread's heap once, by 30 MiB of address space on huge pages (with the thresholds
// tune_memory() sets, the block comes from the thread's heap and stays there when freed).
void tune_thread_memory();

}  // namespace rulegap::cli
