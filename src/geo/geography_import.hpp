// The geo stage end to end: read a source, build and check units against the hierarchy, and
// (import) write units, unit_neighbours and a run_log entry into the workspace atomically.
#pragma once

#include "common/diagnostics.hpp"
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
    double tolerance_km2 = 1.0;  ///< setting tolerance_km2: overlaps and gaps below this area (per piece) are not reported
};

/// What to read and where to put it. Settings by name (the mapping's code_field, level, ...;
/// name_conflict, tolerance_km2); the front end says where each was set.
struct GeoRequest {
    std::string source;                ///< any OGR source, or a PG: connection string
    GeographyOptions options;
    std::filesystem::path workspace;   ///< check: optional (parents are then checked against it); import: required
};

/// `geo check`: everything import does except writing. With a workspace, parents may come from the
/// units already there and missing parents are orphans; without it they are only warnings. Data
/// problems are errors in `diagnostics` (with their positions); the report says what was read and
/// built. Structural problems throw.
[[nodiscard]] CheckReport run_check(const GeoRequest& request, Diagnostics& diagnostics, Progress& progress);

/// `geo import`: checks as above (parents must exist in the source or the workspace) and, when
/// `diagnostics` has no errors, replaces units with the same codes in the `units` layer, keeps the
/// others, recomputes `unit_neighbours` for the levels it touched, appends a run_log entry and
/// commits. With errors in `diagnostics` nothing is written and report.written stays false.
[[nodiscard]] CheckReport run_import(const GeoRequest& request, Diagnostics& diagnostics, Progress& progress);

/// The options as (name, value) pairs, as stored in the run log.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> run_parameters(const GeographyOptions& options);

} // namespace migratlas::geo
