// The flows stage: record events (or external OD tables) → flows, unit_flows, flow_indicators and
// corridors in the workspace, with a run_log entry whose counts reconcile every row and event.
// Called by `migratlas flows` (src/cli/flows_command.cpp) and, later, by `migratlas build`.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "flows/flow_indicators.hpp"
#include "flows/od_table.hpp"
#include "join/event_join.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::flows {

struct Request {
    std::filesystem::path workspace;
    std::optional<int> level;        ///< records: 2 (default) or 3; OD tables: roll finer units up to it
    std::string period;              ///< "YYYY-MM:YYYY-MM" (see join::parse_period_setting); empty = default
    std::string by;                  ///< breakdown: subset of sex,age_group,nationality,crossing_point
    std::string origin_by = "nationality";
    std::vector<OdSource> od;        ///< external OD tables; when given, records are not read
    std::string unknown_codes = "fail";
    std::filesystem::path population;  ///< CSV unit_code,...,population; empty = none
    std::string shape = "straight";  ///< straight, great-circle or arc
    double arc_bend = 0.2;
    bool via_crossing = false;
    std::optional<std::int64_t> top;  ///< corridors: keep the N largest of each period and type
};

struct SystemSummary {
    std::string period;
    std::string flow_class;
    SystemIndicators indicators;
};

struct CorridorSummary {
    std::string period, flow_type, origin, destination;
    std::int64_t persons = 0;
    double share_pct = 0;
};

struct Outcome {
    std::string source;                 ///< "records" or the OD file names
    std::string period;                 ///< label of the period used ("" = every period of the OD tables)
    bool default_period = false;        ///< records: the final months chosen because --period was not given
    std::vector<std::string> notes;     ///< what a reader of the figures must know
    /// Reconciliation. Records: events of the period = in flows + not in flows by reason;
    /// OD: rows read = joined + by reason.
    std::map<std::string, std::int64_t> counts;
    std::size_t flows = 0;
    std::size_t unit_flows = 0;
    std::size_t corridors = 0;
    std::size_t corridors_without_geometry = 0;
    std::vector<SystemSummary> systems;
    std::vector<CorridorSummary> top_corridors;  ///< the first 10 of each period and type
    double seconds = 0;
};

/// Validates the settings (SettingError naming the setting), reads, builds and writes every product
/// in one workspace transaction: nothing is written unless everything succeeded.
[[nodiscard]] Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::flows
