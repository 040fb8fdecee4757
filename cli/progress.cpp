#include "cli/progress.hpp"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace rulegap::cli {

ProgressLine::ProgressLine(bool enabled) {
    if (enabled && isatty(STDERR_FILENO)) thread_ = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() { done(); }

void ProgressLine::set(std::string_view what) {
    if (!thread_.joinable()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    what_ = what;
}

void ProgressLine::done() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ProgressLine::run() {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    // Nothing for the first second: most commands end before.
    if (wake_.wait_until(lock, start + std::chrono::seconds(1), [&] { return stop_; })) return;
    while (!stop_) {
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - start).count();
        std::string line = "rulegap: " + (what_.empty() ? std::string("working") : what_) + " (" +
                           std::to_string(secs) + " s)";
        if (line.size() > 150) line = line.substr(0, 147) + "...";
        // \r, the line, then erase to its end: one line, redrawn in place.
        std::fprintf(stderr, "\r%s\033[K", line.c_str());
        std::fflush(stderr);
        shown_ = true;
        wake_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stop_; });
    }
    if (shown_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    }
}

}  // namespace rulegap::cli
