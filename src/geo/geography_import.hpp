// The geo stage end to end: read a source, build and check units against the hierarchy, and
// (import) write units, unit_neighbours and a run_log entry into the workspace atomically.
#pragma once

#include "common/progress.hpp"
#include "geo/check_report.hpp"
#include "geo/field_mapping.hpp"
#include "geo/unit_builder.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace migratlas::geo {

struct GeographyOptions {
    FieldMapping mapping;
    NameConflict name_conflict = NameConflict::error;
    double tolerance_km2 = 1.0;  ///< overlaps and gaps below this area (per piece) are not reported
    bool strict = false;         ///< the first rejected feature stops the run
};

/// `geo check`: everything import does except writing. With `workspace`, parents may come from the
/// units already there and missing parents are orphans; without it they are only warnings.
/// Structural problems throw; data problems are errors in the report (report.usable() false).
[[nodiscard]] CheckReport check_geography(const std::string& source, const GeographyOptions& options,
    const std::optional<std::filesystem::path>& workspace, Progress& progress);

/// `geo import`: checks as above (parents must exist in the source or the workspace) and, when the
/// report has no errors, replaces units with the same codes in the `units` layer, keeps the others,
/// recomputes `unit_neighbours` for the levels it touched, appends a run_log entry and commits.
/// With errors nothing is written and report.written stays false.
[[nodiscard]] CheckReport import_geography(const std::string& source, const GeographyOptions& options,
    const std::filesystem::path& workspace, Progress& progress);

/// The options as (name, value) pairs, as stored in the run log.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> run_parameters(const GeographyOptions& options);

} // namespace migratlas::geo
