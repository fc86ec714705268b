// Writes the records stage's products into the workspace (events_monthly, crossings_monthly,
// crossing_points) with a run_log entry whose counts prove that every input row is accounted for.
#pragma once

#include "common/run_log.hpp"
#include "records/crossing_linker.hpp"
#include "records/crossing_point_units.hpp"

#include <filesystem>
#include <vector>

namespace migratlas::records {

/// Crossing points of the records that end up with unit 'unknown': absent from the points file,
/// or present but located in no unit (kept in every table, counted here for the summary and run log).
struct PointCoverage {
    std::size_t codes_not_in_points_file = 0;
    std::int64_t crossings_not_in_points_file = 0;
    std::size_t codes_not_located = 0;
    std::int64_t crossings_not_located = 0;
};
[[nodiscard]] PointCoverage point_coverage(const LinkResult& result, const std::vector<CrossingPoint>& points);

/// Adds rows_read, events (total and per event_type), rejected:<reason>, duplicate:<reason>,
/// persons and the spill figures to `log` under stage "records".
void add_link_counts(RunLog& log, const LinkCounts& counts);

/// Replaces the three tables and appends `log`, atomically (Workspace::commit). `points` may be empty
/// (no --points): every unit_code is then 'unknown' and no crossing_points table is written.
void write_link_workspace(const std::filesystem::path& workspace, const LinkResult& result,
    const std::vector<CrossingPoint>& points, const RunLog& log);

} // namespace migratlas::records
