// rulegap CLI — one updating line on standard error that says what a long command is doing.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace rulegap::cli {

// Shown only when standard error is a terminal (never in CI logs or files), not with --quiet,
// and only once the command has run for a second: then the line says what it is doing and for
// how long ("rulegap: checking requirement 12 of 34: mps.t2.r7 (3 s)"), redrawn as that
// changes, and is wiped when the command ends. Safe to call from any thread.
class ProgressLine {
public:
    explicit ProgressLine(bool enabled);  // enabled: the caller's --quiet not given
    ~ProgressLine();                      // wipes the line
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void set(std::string_view what);
    void done();  // wipes the line now (before the report is printed)

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::string what_;
    bool stop_ = false;
    bool shown_ = false;
    std::thread thread_;
};

}  // namespace rulegap::cli
