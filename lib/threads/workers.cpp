// rulegap — threads started ahead of time and lent to the readers (workers.hpp).
#include "lib/threads/workers.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "lib/threads/start_apart.hpp"

namespace rulegap::detail {

// A task and the promise its future waits on.
struct Job {
    std::function<void()> task;
    std::promise<void> done;
};

struct Workers::State {
    std::function<void()> on_start;
    std::chrono::milliseconds eager{0};

    mutable std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> queue;                           // promised, not yet taken
    unsigned idle = 0;                               // workers no task is promised to
    bool stopping = false;
    // Read without the lock by a worker that yields while it waits.
    std::atomic<std::size_t> queued{0};
    std::atomic<bool> stop{false};

    std::vector<std::thread> threads;
    std::deque<threads::StartApart> placements;   // one per thread (a deque: never moved)

    void run_worker(threads::StartApart& placement);
    bool take(Job& job);
};

// The next promised task, or false when the workers stop and none is left.
bool Workers::State::take(Job& job) {
    const auto until = std::chrono::steady_clock::now() + eager;
    for (unsigned n = 0; queued.load(std::memory_order_acquire) == 0 && !stop.load(std::memory_order_acquire); ++n) {
        if ((n & 63) == 63 && std::chrono::steady_clock::now() >= until) break;
        std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex);
    wake.wait(lock, [&] { return !queue.empty() || stopping; });
    if (queue.empty()) return false;
    job = std::move(queue.front());
    queue.pop_front();
    queued.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

void Workers::State::run_worker(threads::StartApart& placement) {
    placement.settle();
    if (on_start) {
        try {
            on_start();
        } catch (...) {   // (a preparation that fails leaves the thread as it is)
        }
    }
    Job job;
    while (take(job)) {
        std::exception_ptr failure;
        try {
            job.task();
        } catch (...) {
            failure = std::current_exception();   // for the future
        }
        job.task = nullptr;
        {
            // Idle again before the future is ready: whoever waited for it may lend this worker
            // again at once.
            std::lock_guard<std::mutex> lock(mutex);
            ++idle;
        }
        if (failure) job.done.set_exception(failure);
        else job.done.set_value();
        job = Job{};
    }
}

Workers::Workers(unsigned count, std::function<void()> on_start, std::chrono::milliseconds eager)
    : state_(std::make_unique<State>()) {
    state_->on_start = std::move(on_start);
    state_->eager = eager;
    state_->threads.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
        threads::StartApart& placement = state_->placements.emplace_back();
        try {
            state_->threads.emplace_back([s = state_.get(), &placement] { s->run_worker(placement); });
        } catch (const std::system_error&) {
            break;   // no more threads to be had: work with those that started
        }
        placement.place(state_->threads.back());
        std::lock_guard<std::mutex> lock(state_->mutex);
        ++state_->idle;
    }
}

Workers::~Workers() {
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stopping = true;
    }
    state_->stop.store(true, std::memory_order_release);
    state_->wake.notify_all();
    for (std::thread& t : state_->threads) t.join();
}

unsigned Workers::size() const { return static_cast<unsigned>(state_->threads.size()); }

unsigned Workers::idle() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->idle;
}

std::future<void> Workers::try_run(std::function<void()> task) {
    Job job{std::move(task), {}};
    std::future<void> done = job.done.get_future();
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        if (state_->stopping || state_->idle == 0) return {};
        --state_->idle;
        state_->queue.push_back(std::move(job));
        state_->queued.fetch_add(1, std::memory_order_release);
    }
    state_->wake.notify_one();
    return done;
}

}  // namespace rulegap::detail
