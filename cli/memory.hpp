// rulegap — process-wide memory set-up for the command line (not for the library).
#pragma once

namespace rulegap::cli {

// Called once at the start of main(). Reading a large ruleset builds a model of many small heap
// blocks; with glibc, this makes the heap one region backed by transparent huge pages where the
// kernel allows it (THP "madvise" mode), so that a fresh process does not take a page fault for
// every 4 KiB of model. Only virtual address space is reserved: untouched memory costs nothing.
// Does nothing on other C libraries, or when the kernel refuses.
void tune_memory();

}  // namespace rulegap::cli
