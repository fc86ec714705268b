#include "common/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace migratlas {

Progress Progress::for_terminal(bool quiet)
{
    return Progress(!quiet && ::isatty(STDERR_FILENO) == 1);
}

void Progress::start(std::string label)
{
    m_label = std::move(label);
    m_started = std::chrono::steady_clock::now();
    m_last_draw = {};
    m_last_percent = -1;
    update(0.0);
}

void Progress::update(double fraction)
{
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100.0);
    if (percent == m_last_percent || (now - m_last_draw < std::chrono::milliseconds(100) && percent < 100)) {
        return;
    }
    m_last_percent = percent;
    m_last_draw = now;
    constexpr int width = 30;
    const int filled = percent * width / 100;
    std::fprintf(stderr, "\r%-28.28s [%.*s%*s] %3d%%", m_label.c_str(), filled,
        "##############################", width - filled, "", percent);
    std::fflush(stderr);
}

void Progress::finish()
{
    if (!m_enabled) {
        return;
    }
    update(1.0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    std::fprintf(stderr, " %.1f s\n", seconds);
    std::fflush(stderr);
}

int Progress::gdal_callback(double fraction, const char* /*message*/, void* self)
{
    static_cast<Progress*>(self)->update(fraction);
    return 1; // never cancel
}

} // namespace migratlas
