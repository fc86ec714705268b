#include "common/run_log.hpp"

#include "common/diagnostics.hpp"
#include "common/sha256.hpp"

#include <chrono>
#include <ctime>

namespace migratlas {

void RunLog::add_input(std::string role, const std::string& path)
{
    inputs.push_back(Input{std::move(role), path, file_sha256(path)});
}

void RunLog::add_count(std::string stage, std::string name, std::int64_t value)
{
    counts.push_back(Count{std::move(stage), std::move(name), value});
}

void RunLog::add_reject_counts(const std::string& stage, const Diagnostics& diagnostics)
{
    for (const auto& [reason, n] : diagnostics.reject_counts()) {
        add_count(stage, "rejected:" + reason, static_cast<std::int64_t>(n));
    }
}

std::string utc_now_iso()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

} // namespace migratlas
