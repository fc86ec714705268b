// The records stage's entry point (`migratlas link`, and the atlas file's link step): reads the rule
// parameters and the key, locates the crossing points, links and classifies the crossings, and writes
// the events, rejects and duplicates files and the workspace tables only when everything succeeded.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "records/crossing_linker.hpp"
#include "records/link_workspace.hpp"
#include "records/rule_parameters.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace migratlas::records {

/// Settings by name; a front end (CLI flags, atlas file) fills them and records where it set each one.
struct LinkRequest {
    std::filesystem::path crossings;
    std::filesystem::path params;           ///< params.txt (RULES.md §1)
    ParameterText parameter_overrides;      ///< observation_start, ..., min_days set on top of the file
    std::filesystem::path key_file;         ///< its bytes are the HMAC key; never logged
    std::filesystem::path points;           ///< crossing points CSV; empty = none (needs workspace)
    std::filesystem::path workspace;        ///< empty = no workspace tables
    std::filesystem::path events_csv;       ///< empty = not written
    std::filesystem::path rejects_csv;
    std::filesystem::path duplicates_csv;
    std::string memory_budget = "4G";       ///< setting memory_budget: a size, at least 16M
    unsigned threads = 0;                   ///< 0 = all cores
    double snap_km = 2.0;                   ///< setting snap_km: 0 to 50
    std::filesystem::path temp_directory;   ///< spill files; empty = the system temp folder
};

struct LinkOutcome {
    LinkCounts counts;
    RuleParameters rule;
    std::size_t points_read = 0;   ///< crossing points read (0 without points)
    PointCoverage coverage;
    double seconds = 0;
};

/// Runs the stage. Bad settings throw SettingError (memory_budget, snap_km, points) or UsageError
/// (the parameters file) before any row is read; structural problems throw InputError; bad rows are
/// rejects in `diagnostics` (with its strict mode the first reject throws DataError). Files and
/// tables appear only when the whole run succeeded.
[[nodiscard]] LinkOutcome run_link(const LinkRequest& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::records
