// rulegap — iptables-save reader: lowering `-A` lines ahead of the driver, on other threads.
//
// What a `-A CHAIN ...` line lowers to depends on that line alone, not on the tables and chains
// before it. So on a large file, other threads parse and lower the later parts while the driver
// reads the first part itself; the driver then takes each line's rules and diagnostics in file
// order, exactly as if it had lowered the line there. A line a thread could not take on alone
// (a syntax error, any command but -A, a comment) it leaves to the driver, and so does the driver
// with a lowered line that its state makes something else (a rule outside a table, in a table
// being skipped). docs/design.md, "Reading on several threads".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lib/threads/start_apart.hpp"
#include "parsers/iptables/ast.hpp"
#include "parsers/iptables/line.hpp"
#include "parsers/iptables/lower.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::iptables {

// One `-A` line, lowered.
struct LoweredLine {
    std::size_t line = 0;  // 0-based
    std::uint32_t column = 1;
    ast::Token chain;  // the chain's name as written
    LowerResult result;
    std::uint32_t run = 0;                                     // in its chunk's runs
    std::uint32_t diagnostics_begin = 0, diagnostics_end = 0;  // in its chunk's diagnostics
};

// The rules of consecutive lowered `-A` lines of one chain with nothing but blank lines between
// them: nothing the driver reads comes between, so the driver takes them all at the run's first
// line, and when the chain has no rule yet the vector becomes the chain's rules (nothing is moved
// or held twice).
struct LoweredRun {
    std::vector<Rule> rules;
    // The rules the driver must finish: a jump or goto target to resolve against its chains, or
    // a comment the thread built (kept in its batch, not in the file's text). The others it
    // takes without touching them.
    std::vector<std::uint32_t> to_finish;
    bool taken = false;
};

// Up to a few thousand lowered lines, in file order: the driver frees a chunk once it is past it.
// A run does not cross chunks.
struct LoweredChunk {
    std::vector<LoweredLine> lines;
    std::vector<LoweredRun> runs;
    std::vector<Diagnostic> diagnostics;
};

// The lines [first, last) of a file, lowered by one thread. The thread hands chunks over as it
// completes them, so the driver takes the first ones while the thread lowers the rest.
struct LoweredBatch {
    std::size_t first = 0, last = 0;
    std::vector<LoweredChunk> chunks;  // reserved for all the range can hold: never reallocated
    Diagnostics diagnostics;           // the thread's handler writes here; moved to each chunk
    Ruleset texts;                     // comments the lowering had to build (escapes)
    std::exception_ptr failure;        // what the thread threw (memory), rethrown to the reader
    threads::StartApart placement;     // (for its own thread)
    std::thread thread;                // the batch's own thread
    // Hand-over: chunks[0, ready) are complete; `finished`: no more will come. The driver reads
    // only those chunks, the thread writes only the one after them.
    std::mutex mutex;
    std::condition_variable changed;
    std::atomic<bool> assigned{false};  // first and last are set (the thread may begin)
    std::size_t ready = 0;
    bool finished = false;
    std::size_t chunk = 0, next = 0;  // the driver's place: chunks[chunk].lines[next]
};

class ReadAhead {
public:
    // Starts threads for the later parts of the file when it is large enough and `options`
    // allow more than one thread; otherwise does nothing. The threads start before the file's
    // line index exists (a new thread takes a while to run, ~1-4 ms on a virtual machine, and
    // prepares its heap meanwhile) and wait for begin(). `file` is read only after begin().
    ReadAhead(std::string_view text, const std::string& file, const IptablesOptions& options);
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // Gives each thread its part of the lines; `index` must outlive the threads (finish()).
    void begin(const LineIndex& index);
    // Waits for the threads (what they lowered is freed with this object).
    void finish();

    // Lines before this one are not read ahead (after begin()).
    std::size_t first_line() const { return batches_.empty() ? line_count_ : batches_.front().first; }

    struct Lowered {
        LoweredLine* line = nullptr;  // nullptr: no thread lowered line i; the driver reads it
        LoweredChunk* chunk = nullptr;
    };
    // Line i as a thread lowered it (waiting for that thread). Ask in increasing line order:
    // chunks before line i are freed.
    Lowered lowered(std::size_t i);

private:
    static void wait_for(LoweredBatch& b);
    void assign(std::size_t line_count, const std::vector<std::size_t>& starts);

    std::size_t line_count_ = 0;
    std::vector<LoweredBatch> batches_;
    const LineIndex* index_ = nullptr;
    bool begun_ = false;
};

}  // namespace rulegap::iptables
