// Workers (lib/threads/workers.hpp): threads started ahead of time and lent to the readers.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lib/threads/workers.hpp"

namespace {

using namespace rulegap;
using rulegap::detail::Workers;
using namespace std::chrono_literals;

}  // namespace

TEST_CASE("workers: tasks run on the workers, and a worker is lent to one task at a time") {
    Workers workers(2);
    REQUIRE(workers.size() == 2);
    CHECK(workers.idle() == 2);
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::atomic<int> ran{0}, running{0};
    std::atomic<bool> together{true};
    std::vector<std::thread::id> ids(2);
    // Each task waits (up to 10 s) for the other to run too: one worker cannot run both.
    auto task = [&](std::size_t k) {
        ids[k] = std::this_thread::get_id();
        ++running;
        for (int i = 0; i < 10000 && running.load() < 2; ++i) std::this_thread::sleep_for(1ms);
        together = together && running.load() == 2;
        gate.wait();
        ++ran;
    };
    auto a = workers.try_run([&] { task(0); });
    auto b = workers.try_run([&] { task(1); });
    REQUIRE(a.valid());
    REQUIRE(b.valid());
    CHECK(workers.idle() == 0);
    bool third_ran = false;
    auto c = workers.try_run([&] { third_ran = true; });   // both are promised: not taken
    CHECK_FALSE(c.valid());
    release.set_value();
    a.get();
    b.get();
    CHECK(ran == 2);
    CHECK_FALSE(third_ran);
    CHECK(together);                                // two workers, at the same time
    CHECK(ids[0] != ids[1]);
    CHECK(ids[0] != std::this_thread::get_id());
    CHECK(workers.idle() == 2);                    // idle again once the futures are ready
    auto d = workers.try_run([&] { ++ran; });      // and lent again
    REQUIRE(d.valid());
    d.get();
    CHECK(ran == 3);
}

TEST_CASE("workers: what a task throws reaches its future, and the worker goes on") {
    Workers workers(1);
    auto f = workers.try_run([] { throw std::runtime_error("no memory"); });
    REQUIRE(f.valid());
    CHECK_THROWS_WITH_AS(f.get(), "no memory", std::runtime_error);
    CHECK(workers.idle() == 1);
    int v = 0;
    auto g = workers.try_run([&] { v = 7; });
    REQUIRE(g.valid());
    g.get();
    CHECK(v == 7);
}

TEST_CASE("workers: a worker still starting takes its task when ready; ending runs what was promised") {
    std::atomic<int> started{0};
    std::atomic<bool> ran{false};
    std::future<void> f;
    {
        // on_start runs first on each worker; the task is promised before it ends.
        Workers workers(1, [&] { std::this_thread::sleep_for(50ms); ++started; }, 0ms);
        CHECK(workers.idle() == 1);
        f = workers.try_run([&] { ran = started.load() == 1; });
        REQUIRE(f.valid());
    }   // the destructor waits for the promised task
    CHECK(ran);
    CHECK(started == 1);
    CHECK(f.wait_for(0s) == std::future_status::ready);
}

TEST_CASE("workers: a task lent right after the one before ended is always taken") {
    // Whoever waited for a task's future finds its worker idle: lint lends the worker that has
    // just read for it (a worker that counted itself idle only after the future was ready made
    // this fail now and then).
    Workers workers(1);
    int taken = 0;
    for (int i = 0; i < 2000; ++i) {
        auto f = workers.try_run([] {});
        if (!f.valid()) break;
        f.get();
        ++taken;
    }
    CHECK(taken == 2000);
}

TEST_CASE("workers: a sleeping worker wakes for a task; no workers lend nothing") {
    Workers workers(1, {}, 0ms);   // not eager: sleeps at once
    std::this_thread::sleep_for(20ms);
    auto f = workers.try_run([] {});
    REQUIRE(f.valid());
    CHECK(f.wait_for(10s) == std::future_status::ready);
    Workers none(0);
    CHECK(none.size() == 0);
    CHECK_FALSE(none.try_run([] {}).valid());
}
