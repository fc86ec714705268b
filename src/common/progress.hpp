// Progress reporting for long jobs: a one-line bar on a terminal, silent otherwise or with --quiet.
// Also adapts to GDAL's GDALProgressFunc so GDAL operations report through the same bar.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace migratlas {

class Progress {
public:
    /// `enabled` is normally `!quiet && isatty(stderr)`; see Progress::for_terminal.
    explicit Progress(bool enabled = false) : m_enabled(enabled) {}
    static Progress for_terminal(bool quiet);

    [[nodiscard]] bool enabled() const { return m_enabled; }

    /// Starts a new task; `label` is a short verb phrase ("reading crossings").
    void start(std::string label);
    /// Fraction in [0, 1]; redraws at most ~10 times per second.
    void update(double fraction);
    /// Ends the current task and prints its duration.
    void finish();

    /// A GDALProgressFunc-compatible callback; pass `this` as the user data.
    static int gdal_callback(double fraction, const char* message, void* self);

private:
    bool m_enabled;
    std::string m_label;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_last_draw;
    int m_last_percent = -1;
};

} // namespace migratlas
