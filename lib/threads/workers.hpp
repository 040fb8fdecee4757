// rulegap — threads a program starts ahead of time and lends to the readers (internal: the
// command line uses it through lib/threads/tuning.hpp; not part of the public API).
//
// A reader that splits a large file among threads (IptablesOptions::threads) needs them the
// moment the file is in memory. A thread started then takes a while to run — 1 to 4 ms on a
// virtual machine whose other processor sleeps, a tenth of reading a 100,000-rule file — so a
// program that knows early that it will read such a file (the command line, once it has its
// arguments) starts Workers first and gives them to the reader: by the time the file is read
// and indexed they run, and take their part at once. docs/design.md, "Workers".
//
// No global state: each Workers is its own set of threads, and any number of readers, on any
// threads, may share one (a reader that finds no idle worker starts a thread of its own).
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>

namespace rulegap::detail {

class Workers {
public:
    // Starts `count` threads (fewer when the system refuses some); each calls `on_start` first
    // (a program can prepare the thread's heap there). An idle worker waits for work by
    // yielding the processor for `eager` after it starts or ends a task — it then takes a task
    // at once, and any other thread that wants the processor has it — and past that it sleeps.
    explicit Workers(unsigned count, std::function<void()> on_start = {},
                     std::chrono::milliseconds eager = std::chrono::milliseconds(30));
    ~Workers();   // runs the tasks already handed over, then ends the threads
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;

    unsigned size() const;    // threads that run
    unsigned idle() const;    // of them, how many no task is promised to (try_run would succeed)

    // Promises `task` to an idle worker, which runs it as soon as it is ready (a worker still
    // starting counts as idle). The future is ready when the task has ended, and holds what it
    // threw; the worker is idle again by then. With no idle worker the task is not taken (nor
    // destroyed before this returns): the future is invalid (!valid()).
    std::future<void> try_run(std::function<void()> task);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace rulegap::detail
