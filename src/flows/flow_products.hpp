// Builds the flows stage's products from the OD table in memory: flows, unit_flows (per-unit balances
// and rates), flow_indicators (system-wide, Bell et al. 2002) and corridors (ranked lines).
#pragma once

#include "common/table.hpp"
#include "flows/corridor_geometry.hpp"
#include "flows/flow_indicators.hpp"
#include "flows/flow_table.hpp"
#include "flows/record_flows.hpp"
#include "join/unit_catalog.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace migratlas::flows {

/// Names, levels and representative points of flow ends.
class EndDirectory {
public:
    explicit EndDirectory(const join::UnitCatalog& catalog) : m_catalog(catalog) {}
    [[nodiscard]] std::string name(std::string_view code) const;
    /// MEGA level of a unit; 1 for a country outside the workspace; none for "unknown".
    [[nodiscard]] std::optional<int> level(std::string_view code) const;
    /// Representative point: the unit's (a country's level-1 unit's); none outside the workspace.
    [[nodiscard]] std::optional<geo::LonLat> point(std::string_view code) const;

private:
    const join::UnitCatalog& m_catalog;
};

/// The class a flow type is summed in for balances and system indicators: immigration and
/// emigration are "migration"; short_term, visitor and OD labels are their own class.
[[nodiscard]] std::string_view flow_class(std::string_view flow_type);

[[nodiscard]] Table make_flows_table(const std::vector<FlowRow>& rows, const EndDirectory& ends);

/// The members of one flow class: record flows are bipartite (countries abroad ↔ units of the
/// reporting country); OD tables are square (every code may send to every other).
struct SystemMembers {
    bool bipartite = false;
    std::set<std::string> units;      ///< bipartite: the units of the reporting country at the flows' level
};

struct BalanceProducts {
    Table unit_flows;
    Table flow_indicators;
    struct System {
        std::string period;
        std::string flow_class;
        SystemIndicators indicators;
    };
    std::vector<System> systems;
};

/// unit_flows and flow_indicators of every (period, class). `population(code)` gives residents.
[[nodiscard]] BalanceProducts make_balances(const std::vector<FlowRow>& rows, const EndDirectory& ends,
    const SystemMembers& members, const std::function<std::optional<double>(std::string_view)>& population);

struct CorridorOptions {
    ShapeOptions shape;
    bool via_crossing = false;
    std::optional<std::size_t> top;  ///< keep the N largest corridors of each period and type
};

struct CorridorProducts {
    Table corridors;
    std::size_t without_geometry = 0;  ///< corridors with an end (or point) that has no location
};

/// The line of one (origin, destination, crossing point); no WKB when an end (or the point) has no location.
struct CorridorLine {
    std::string wkb;
    std::optional<double> length_km;
};
using CorridorLineKey = std::tuple<std::string, std::string, std::string>;  ///< origin, destination, point
using CorridorLines = std::map<CorridorLineKey, CorridorLine>;

/// The lines of every corridor of `rows`, each drawn once: the same pair recurs in every period and
/// class (26 years of UNHCR data). The geometry is most of the work, so it can run beside other work.
[[nodiscard]] CorridorLines draw_corridor_lines(const std::vector<FlowRow>& rows, const EndDirectory& ends,
    const PointLookup& points, const CorridorOptions& options);

/// The ranked corridors of `rows`, with the lines of draw_corridor_lines (of the same rows and options).
[[nodiscard]] CorridorProducts make_corridors(const std::vector<FlowRow>& rows, const EndDirectory& ends,
    const CorridorOptions& options, const CorridorLines& lines);
[[nodiscard]] CorridorProducts make_corridors(const std::vector<FlowRow>& rows, const EndDirectory& ends,
    const PointLookup& points, const CorridorOptions& options);

} // namespace migratlas::flows
