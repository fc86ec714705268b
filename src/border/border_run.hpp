// The border stage: crossing-point indicators (a point layer) with their series, seasonality and
// breakdowns, border segments (a line layer), distance and buffer figures of every level-2/3 unit,
// border-survey estimates by point and segment, and calibration controls for a border survey.
// Called by `migratlas border` (src/cli/border_command.cpp).
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::border {

struct Request {
    std::filesystem::path workspace;
    std::filesystem::path points;       ///< crossing points CSV; empty = the workspace's crossing_points
    double snap_km = 2.0;               ///< locating --points: bridges just outside their unit
    std::filesystem::path counts;       ///< aggregate counts CSV; empty = the linked records
    std::string unknown_codes = "fail"; ///< counts rows of points not in the points: fail or skip
    std::string period;                 ///< "FROM:TO" (YYYY-MM or YYYY each); empty = all
    double buffer_km = 50;
    std::filesystem::path population;   ///< CSV unit_code,...,population; empty = none
    std::string migrants_variable = "born_abroad";  ///< estimates variable counted as migrants
    std::filesystem::path controls_out; ///< calibration controls of a border survey; empty = none
    std::string controls_by = "month";  ///< month, quarter or year
};

struct PointSummary {
    std::string point_id;
    std::int64_t crossings = 0;
    std::optional<double> trend_pct_per_year;
    std::string seasonality;
};

struct Outcome {
    std::string source;   ///< records or counts
    std::string period;   ///< label of the period covered
    std::map<std::string, std::int64_t> counts;  ///< reconciliation (crossings and rows)
    std::size_t points = 0;
    std::size_t points_with_crossings = 0;
    std::size_t segments = 0;
    std::size_t borders = 0;
    double border_km = 0;
    std::size_t units = 0;
    std::optional<double> population_in_buffer;  ///< level 3 where known, else level 2
    std::optional<double> migrants_in_buffer;
    std::size_t survey_estimates = 0;
    std::size_t control_categories = 0;
    std::vector<PointSummary> top_points;  ///< the 10 busiest
    std::vector<std::string> notes;
    double seconds = 0;
};

[[nodiscard]] Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::border
