// Work split over threads for the protector and the attacker, with results that do not depend on
// the thread count: each task writes only its own outputs, and callers merge them in task order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace migratlas::disclose {

/// `requested` threads, or one per core for 0.
inline unsigned thread_count(unsigned requested)
{
    return requested != 0 ? requested : std::max(1U, std::thread::hardware_concurrency());
}

/// Runs task(i) for every i in [0, tasks) on up to `threads` threads (the calling one included).
/// The first exception a task throws is rethrown once every thread has stopped.
template <class Task>
void parallel_for(std::size_t tasks, unsigned threads, Task&& task)
{
    const std::size_t workers = std::min<std::size_t>(thread_count(threads), tasks);
    if (workers <= 1) {
        for (std::size_t i = 0; i < tasks; ++i) {
            task(i);
        }
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        for (std::size_t i = next.fetch_add(1); i < tasks; i = next.fetch_add(1)) {
            try {
                task(i);
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) {
                    error = std::current_exception();
                }
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (std::thread& thread : pool) {
        thread.join();
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

} // namespace migratlas::disclose
