// What flows and border read from a workspace besides events: the located crossing points (written
// by link --points) and the observation window of the last link run (from run_log), which says
// which months are final under the 12/16 rule (RULES.md §8).
#pragma once

#include "join/period.hpp"

#include <gdal_priv.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::join {

struct LocatedPoint {
    std::string point_id, name;
    double lon = 0, lat = 0;
    std::string country_iso3, border_with_iso3;
    std::string unit_level2 = "unknown", unit_level3 = "unknown";
};

/// The crossing_points table; empty when the workspace has none (link ran without --points).
[[nodiscard]] std::vector<LocatedPoint> read_located_points(GDALDataset& dataset);

struct ObservationWindow {
    std::int32_t start = 0;  ///< observation_start (day number)
    std::int32_t end = 0;    ///< observation_end
    int window_months = 16;
};

/// observation_start/_end and window_months of the last `link` run in run_log; nullopt when absent.
[[nodiscard]] std::optional<ObservationWindow> read_observation_window(GDALDataset& dataset);

/// The months whose labels are final (RULES.md §8): from observation_start + 12 months (after the
/// burn-in year, when residence status may still be unknown) to the last month m whose last day plus
/// window_months is on or before observation_end + 1 (no open window left). nullopt when empty.
[[nodiscard]] std::optional<MonthRange> final_months(const ObservationWindow& window);

} // namespace migratlas::join
