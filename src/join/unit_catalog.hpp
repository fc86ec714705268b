// The MEGA units of a workspace as a code lookup (attributes and representative points, no polygons)
// and the rule that places a code at a level: roll finer units up, accept countries, reject the rest.
// First step of the join stage; flows and border resolve every code they read through it.
#pragma once

#include "geo/unit_info.hpp"

#include <gdal_priv.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace migratlas::join {

/// Why a row did not join a unit (reason codes in rejects, run_log and reports).
enum class JoinReason {
    joined,
    unknown_code,        ///< neither a unit of the workspace nor an ISO 3166-1 alpha-3 country
    coarser_than_level,  ///< a unit above the requested level (e.g. a level-2 residence at --level 3)
    outside_units,       ///< a place that lies in no unit (a crossing point located nowhere)
    no_residence,        ///< no residence declared and no place to fall back on
};
[[nodiscard]] std::string_view to_string(JoinReason reason);

/// What to do with codes that are neither units nor ISO3 countries (OD tables, --counts points).
enum class UnknownCodes {
    fail,  ///< stop, list them, write nothing (default: a misspelt code must not vanish silently)
    skip,  ///< count the rows as rejects (unknown_code) and go on (e.g. UNHCR's UKN, STA)
};
/// "fail" or "skip"; throws SettingError("unknown_codes", ...) otherwise.
[[nodiscard]] UnknownCodes parse_unknown_codes(std::string_view text);

/// One end of a flow: a unit of the workspace, or a country that may not be in it.
struct PlaceRef {
    JoinReason reason = JoinReason::joined;
    std::optional<std::size_t> unit;  ///< index into UnitCatalog::units() when the place is a unit
    std::string code;                 ///< the (rolled-up) code; the ISO3 code of a country outside the workspace
};

class UnitCatalog {
public:
    /// Reads the `units` layer (throws InputError naming the command that makes it when absent).
    static UnitCatalog from_workspace(GDALDataset& dataset);
    explicit UnitCatalog(std::vector<geo::UnitInfo> units);

    [[nodiscard]] const std::vector<geo::UnitInfo>& units() const { return m_units; }
    [[nodiscard]] std::optional<std::size_t> find(std::string_view code) const;
    /// The ancestor of `unit` at `level` (the unit itself at its own level); nullopt when the unit is
    /// above `level` or the chain of parents is broken.
    [[nodiscard]] std::optional<std::size_t> ancestor_at(std::size_t unit, int level) const;
    /// Code of the level-1 ancestor; the code's prefix before '-' when the chain is broken.
    [[nodiscard]] const std::string& country_of(std::size_t unit) const { return m_country[unit]; }
    [[nodiscard]] bool has_level(int level) const;
    /// Indices of the units of `level`, in code order.
    [[nodiscard]] std::vector<std::size_t> units_at(int level) const;

    /// A residence or unit code placed at `level`: the unit itself, or its ancestor at `level` when
    /// finer; coarser units are `coarser_than_level`, unknown codes `unknown_code`.
    [[nodiscard]] PlaceRef place_unit(std::string_view code, int level) const;
    /// An end of an origin-destination table: a unit (rolled up to `level` when one is given and the
    /// unit is finer), a level-1 unit, or an ISO 3166-1 alpha-3 code outside the workspace. Units
    /// coarser than `level` other than countries are `coarser_than_level`.
    [[nodiscard]] PlaceRef place_end(std::string_view code, std::optional<int> level) const;

    /// Display name of a code: the unit's name, the ISO 3166-1 name of a country, else the code.
    [[nodiscard]] std::string name_of(std::string_view code) const;

private:
    std::vector<geo::UnitInfo> m_units;
    std::unordered_map<std::string, std::size_t> m_by_code;
    std::vector<std::string> m_country;
};

} // namespace migratlas::join
