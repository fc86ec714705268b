// External origin-destination tables (--od): CSV origin,destination,count[,period][,sex,age_group,
// nationality] or any columns named by a mapping, codes that are workspace units or ISO3 countries.
// This is how census matrices and UNHCR's asylum flows become flows and corridors.
#pragma once

#include "common/diagnostics.hpp"
#include "flows/flow_table.hpp"
#include "join/event_join.hpp"
#include "join/period.hpp"
#include "join/unit_catalog.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::flows {

/// Which CSV columns hold what. `count` may name several columns, summed over those reported
/// (an empty cell is missing, not 0; a row whose count columns are all empty has no count).
struct OdColumns {
    std::string origin = "origin";
    std::string destination = "destination";
    std::vector<std::string> count = {"count"};
    std::string period = "period";
    std::string sex = "sex";
    std::string age_group = "age_group";
    std::string nationality = "nationality";
    /// Fields named in the mapping: their columns must exist (the default names are optional).
    std::set<std::string> given;
};

/// "origin=coo_iso,destination=coa_iso,period=year,count=refugees+asylum_seekers+oip": any subset
/// of origin, destination, count, period, sex, age_group, nationality. Throws SettingError("od_columns", ...).
[[nodiscard]] OdColumns parse_od_columns(std::string_view text);

struct OdSource {
    std::filesystem::path path;
    OdColumns columns;
    std::string flow_type = "migration";  ///< the label of these flows in the flows table
};

using join::UnknownCodes;

/// Children are a group of their own: an age group label must be "A-B", "A+" or "unknown", and a
/// group may not hold both ages under 18 and ages 18 or over. Returns why a label is refused.
[[nodiscard]] std::optional<std::string> check_age_group(std::string_view label);

struct OdReadTally {
    join::ReasonTally read;                               ///< data rows (persons = their counts)
    join::ReasonTally joined;
    std::map<std::string, join::ReasonTally> by_reason;   ///< unknown_code, missing_count, outside_period, same_place, coarser_than_level
    std::set<std::string> periods;                        ///< period labels seen
    std::map<std::string, std::uint64_t> unknown_codes;   ///< code → rows
};

/// Reads one OD table into `table`. Ends are placed with `catalog.place_end` (finer units roll up to
/// `level` when given). Rows outside `period` are counted; structural and value errors (missing
/// column, a count that is not a whole number >= 0, an unreadable period or age group, a key given
/// twice) throw DataError/InputError listing every such row, so that nothing is written.
void read_od_table(const OdSource& source, const join::UnitCatalog& catalog, std::optional<int> level,
    const std::optional<join::MonthRange>& period, UnknownCodes unknown_codes, Diagnostics& diagnostics,
    FlowTable& table, OdReadTally& tally);

} // namespace migratlas::flows
