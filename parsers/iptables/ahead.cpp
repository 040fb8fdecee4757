// rulegap — iptables-save reader: lowering `-A` lines ahead of the driver, on other threads.
#include "parsers/iptables/ahead.hpp"

#include <algorithm>
#include <functional>

#include "lib/threads/tuning.hpp"

namespace rulegap::iptables {

namespace {

std::uint32_t to_u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

constexpr std::size_t chunk_lines = 4096;

// Completes the last chunk (the diagnostics so far are its) and hands it to the driver.
void publish_chunk(LoweredBatch& b) {
    b.chunks.back().diagnostics = std::move(b.diagnostics.items);
    b.diagnostics.items.clear();
    {
        std::lock_guard<std::mutex> lock(b.mutex);
        b.ready = b.chunks.size();
    }
    b.changed.notify_one();
}

// Starts the next chunk, handing over the one before.
void next_chunk(LoweredBatch& b) {
    if (!b.chunks.empty()) publish_chunk(b);
    LoweredChunk& c = b.chunks.emplace_back();
    c.lines.reserve(chunk_lines);
}

// The thread is done (or failed): nothing more comes.
void finish_batch(LoweredBatch& b) {
    {
        std::lock_guard<std::mutex> lock(b.mutex);
        b.finished = true;
    }
    b.changed.notify_one();
}

// How many of the lines from `i` on (up to `end`) start like line i up to its chain name: the
// size of the run line i starts, to size its vector once.
std::size_t run_length(const LineIndex& index, std::size_t i, std::size_t end, const ast::Token& chain) {
    std::string_view first = index.line(i);
    auto prefix_size = static_cast<std::size_t>(chain.begin + chain.size - first.data()) + 1;
    if (prefix_size > first.size()) return 1;
    std::string_view prefix = first.substr(0, prefix_size);  // "-A NAME " (what a chain name cannot hold)
    std::size_t n = 1;
    while (i + n < end && index.line(i + n).starts_with(prefix)) ++n;
    return n;
}

// What of a rule lowered ahead only the driver can finish (LoweredRun::to_finish).
bool needs_driver(const Rule& r, std::string_view text) {
    if (r.target.action == Action::jump || r.target.action == Action::go_to) return true;
    return !r.comment.empty() && !lies_in(r.comment, text);
}

// Parses and lowers the `-A` lines of b's range.
void lower_batch(LoweredBatch& b, std::string_view text, const LineIndex& index, const std::string& file,
                 const IptablesOptions& options) {
    ErrorHandler eh(text, index, file, b.diagnostics);
    Lowerer lowerer(eh, b.texts, options);
    ast::Line line;
    bool run_open = false;  // the last lowered line's run may go on
    std::string_view run_chain;
    for (std::size_t i = b.first; i < b.last; ++i) {
        std::string_view sv = index.line(i);
        std::string_view body = common::skip_blanks(sv);
        // Rules and counters before them; comments, headers and anything odd are the driver's
        // (and end a run: the driver reads them between the lines around them).
        if (body.size() < 3 || (body[0] != '-' && body[0] != '[')) {
            if (!body.empty()) run_open = false;
            continue;
        }
        if (b.chunks.empty() || b.chunks.back().lines.size() == chunk_lines) {
            next_chunk(b);
            run_open = false;
        }
        std::size_t diagnostics = b.diagnostics.items.size();
        if (!parse_line(sv, eh, line) || b.diagnostics.items.size() != diagnostics ||
            line.kind != ast::LineKind::command || line.command != 'A') {
            b.diagnostics.items.resize(diagnostics);
            run_open = false;
            continue;
        }
        LoweredChunk& c = b.chunks.back();
        if (!run_open || line.head.text() != run_chain) {
            std::size_t left = chunk_lines - c.lines.size();
            c.runs.emplace_back().rules.reserve(run_length(index, i, std::min(b.last, i + left), line.head));
            run_open = true;
            run_chain = line.head.text();
        }
        const char* line_begin = text.data() + index.line_start(i);
        CommandText ct = command_text(line, sv, line_begin);
        LoweredLine& l = c.lines.emplace_back();
        l.line = i;
        l.column = ct.column;
        l.chain = line.head;
        l.run = to_u32(c.runs.size() - 1);
        LoweredRun& run = c.runs.back();
        const std::size_t from = run.rules.size();
        l.result = lowerer.lower(line.args, ct.text, to_u32(i + 1), ct.column, run.rules);
        for (std::size_t k = from; k < run.rules.size(); ++k)
            if (needs_driver(run.rules[k], text)) run.to_finish.push_back(to_u32(k));
        l.diagnostics_begin = to_u32(diagnostics);
        l.diagnostics_end = to_u32(b.diagnostics.items.size());
    }
    if (!b.chunks.empty()) publish_chunk(b);
}

// A new thread's wait for its lines (begin() assigns them).
void wait_for_lines(LoweredBatch& b) {
    std::unique_lock<std::mutex> lock(b.mutex);
    b.changed.wait(lock, [&] { return b.assigned.load(std::memory_order_acquire); });
}

}  // namespace

ReadAhead::ReadAhead(std::string_view text, const std::string& file, const IptablesOptions& options) {
    const unsigned threads = detail::threads_for(options, text.size());
    if (threads < 2) return;
    const detail::ReadTuning* tuning = options.tuning;
    batches_ = std::vector<LoweredBatch>(threads - 1);  // never again: the threads hold their batch's address
    for (LoweredBatch& b : batches_) {
        auto work = [&b, text, this, &file, &options, tuning] {
            try {
                b.placement.settle();
                if (tuning && tuning->on_thread_start) tuning->on_thread_start();
                wait_for_lines(b);
                if (b.first < b.last) lower_batch(b, text, *index_, file, options);
            } catch (...) { b.failure = std::current_exception(); }
            finish_batch(b);
        };
        try {
            b.thread = std::thread(work);
        } catch (const std::system_error&) {  // no thread to be had: the driver reads these lines
            b.finished = true;
        }
        b.placement.place(b.thread);
    }
}

// The batch's thread is done with it.
void ReadAhead::wait_for(LoweredBatch& b) {
    if (b.thread.joinable()) b.thread.join();
}

void ReadAhead::begin(const LineIndex& index) {
    line_count_ = index.line_count();
    std::vector<std::size_t> starts;
    const std::size_t threads = batches_.size() + 1;
    if (!batches_.empty() && line_count_ >= 2 * threads) {
        // Equal parts by bytes; the driver reads the first itself.
        const std::size_t size = index.text_size();
        const std::size_t driver_part = size / threads;
        for (std::size_t k = 1; k < threads; ++k) {
            std::size_t at = driver_part + (size - driver_part) / (threads - 1) * (k - 1);
            std::size_t lo = 0, hi = line_count_;  // the first line starting at or after `at`
            while (lo < hi) {
                std::size_t mid = lo + (hi - lo) / 2;
                if (index.line_start(mid) < at)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo > 0 && lo < line_count_ && (starts.empty() || lo > starts.back())) starts.push_back(lo);
        }
    }
    index_ = &index;
    assign(line_count_, starts);
}

// Batch k lowers [starts[k], starts[k + 1]); batches without a start get no lines.
void ReadAhead::assign(std::size_t line_count, const std::vector<std::size_t>& starts) {
    begun_ = true;
    for (std::size_t k = 0; k < batches_.size(); ++k) {
        LoweredBatch& b = batches_[k];
        b.first = k < starts.size() ? starts[k] : line_count;
        b.last = k + 1 < starts.size() ? starts[k + 1] : line_count;
        b.chunks.reserve((b.last - b.first + chunk_lines - 1) /
                         chunk_lines);  // (a chunk holds chunk_lines lines)
        {
            std::lock_guard<std::mutex> lock(b.mutex);
            b.assigned.store(true, std::memory_order_release);
        }
        b.changed.notify_one();
    }
}

void ReadAhead::finish() {
    if (!begun_) assign(line_count_, {});  // (the reader failed before begin(): no lines to lower)
    for (LoweredBatch& b : batches_) wait_for(b);
}

ReadAhead::~ReadAhead() { finish(); }

ReadAhead::Lowered ReadAhead::lowered(std::size_t i) {
    if (batches_.empty() || i < batches_.front().first) return {};
    auto it = std::upper_bound(batches_.begin(), batches_.end(), i,
                               [](std::size_t line, const LoweredBatch& b) { return line < b.first; });
    LoweredBatch& b = *(it - 1);
    if (i >= b.last) return {};
    while (true) {
        // Wait for chunk b.chunk, or for the end of the thread's work.
        std::size_t ready = 0;
        bool finished = false;
        {
            std::unique_lock<std::mutex> lock(b.mutex);
            b.changed.wait(lock, [&] { return b.ready > b.chunk || b.finished; });
            ready = b.ready;
            finished = b.finished;
        }
        if (finished && b.failure) {
            wait_for(b);
            std::rethrow_exception(b.failure);
        }
        if (b.chunk >= ready) return {};  // finished, and no chunk holds line i
        LoweredChunk& c = b.chunks[b.chunk];
        while (b.next < c.lines.size() && c.lines[b.next].line < i) ++b.next;
        if (b.next < c.lines.size()) {
            if (c.lines[b.next].line == i) return {&c.lines[b.next], &c};
            return {};
        }
        c = LoweredChunk{};  // the driver is past it
        ++b.chunk;
        b.next = 0;
    }
}

}  // namespace rulegap::iptables
