// Where a border run's crossing counts come from: the linked records in the workspace (kept crossings
// by month, point, direction, nationality, sex, age group, same-day return, mode, purpose), or a counts file
// (--counts: point_id,period,direction,count[,mode]) for offices that only have totals per port.
#pragma once

#include "border/point_tally.hpp"
#include "common/diagnostics.hpp"
#include "join/event_join.hpp"
#include "join/unit_catalog.hpp"

#include <gdal_priv.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace migratlas::border {

struct TallySet {
    std::string source;  ///< "records" or "counts"
    Granularity granularity = Granularity::month;
    std::optional<join::MonthRange> covered;  ///< periods with data (within the requested period)
    std::map<std::string, PointTally> points;
    join::ReasonTally read;                              ///< rows (persons = crossings)
    join::ReasonTally used;
    std::map<std::string, join::ReasonTally> by_reason;  ///< outside_period, unknown_code, missing_count
    std::set<std::string> periods_seen;
};

/// From the workspace's detailed tabulation of the linked records (crossings_detail).
/// Throws InputError when the workspace holds no linked records.
[[nodiscard]] TallySet tallies_from_records(GDALDataset& dataset, const std::string& workspace,
    const std::optional<join::MonthRange>& period);

/// From a counts file. Points not in `known_points` follow `unknown_codes`; a count that is not a
/// whole number >= 0, a direction other than IN/OUT, an unreadable period, yearly and monthly
/// periods mixed, or a key given twice stop the run listing every such row (nothing is written).
[[nodiscard]] TallySet tallies_from_counts(const std::filesystem::path& path, const std::set<std::string>& known_points,
    const std::optional<join::MonthRange>& period, join::UnknownCodes unknown_codes, Diagnostics& diagnostics);

} // namespace migratlas::border
