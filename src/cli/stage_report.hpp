// Runs one stage for a command and reports it: diagnostics (first 10 and a count of the rest) on
// stderr, on failure too; the summary on success unless --quiet; one JSON document with --json
// (outcome and structured diagnostics; on failure the error). A SettingError is re-thrown saying
// which flag set the setting. Used by the flows and border commands.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "common/setting_origins.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace migratlas::cli {

class StageReport {
public:
    struct Result {
        std::string summary;
        nlohmann::json outcome;
    };

    StageReport(std::string command, bool quiet, bool json) : m_command(std::move(command)), m_quiet(quiet), m_json(json) {}

    void run(const SettingOrigins& origins, bool strict, const std::function<Result(Diagnostics&, Progress&)>& stage);

private:
    std::string m_command;
    bool m_quiet;
    bool m_json;
};

} // namespace migratlas::cli
