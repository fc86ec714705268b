// Elapsed wall time on the monotonic clock, for the timings stages put in their outcomes and run
// summaries (read, model, solve, write seconds). steady_clock: a clock adjustment never shows.
#pragma once

#include <chrono>

namespace migratlas {

class Stopwatch {
public:
    Stopwatch() : m_start(std::chrono::steady_clock::now()) {}

    /// Seconds since construction or the last restart().
    [[nodiscard]] double seconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

    void restart() { m_start = std::chrono::steady_clock::now(); }

private:
    std::chrono::steady_clock::time_point m_start;
};

} // namespace migratlas
