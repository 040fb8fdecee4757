// run_with_stack (large_stack.hpp): a POSIX thread with the stack size set, joined at once.
#include "lib/threads/large_stack.hpp"

#include <pthread.h>

namespace rulegap::threads {

namespace {

struct Job {
    const std::function<void()>* f;
    std::exception_ptr error;
};

void* trampoline(void* arg) {
    auto* job = static_cast<Job*>(arg);
    try {
        (*job->f)();
    } catch (...) { job->error = std::current_exception(); }
    return nullptr;
}

}  // namespace

void run_with_stack(std::size_t bytes, const std::function<void()>& f) {
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return f();
    Job job{&f, nullptr};
    pthread_t thread;
    const bool made =
        pthread_attr_setstacksize(&attr, bytes) == 0 && pthread_create(&thread, &attr, trampoline, &job) == 0;
    pthread_attr_destroy(&attr);
    if (!made) return f();
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
}

}  // namespace rulegap::threads
