// How the columns of a geography source map to MEGA unit attributes (the geo CLI flags).
// Read by the source reader; stored as run_log parameters by geo import.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace migratlas::geo {

struct FieldMapping {
    std::string layer;                    ///< empty: the source's only layer
    std::string where;                    ///< OGR attribute filter (SQL WHERE clause)
    std::string code_field;               ///< required
    std::string name_field;               ///< required
    std::string parent_field;             ///< parent code per feature
    std::optional<int> level;             ///< one level for every feature ...
    std::string level_field;              ///< ... or a level per feature
    std::string parent_code;              ///< one full parent code for every feature (no prefix added)
    std::string code_prefix;              ///< prepended to codes read from the code and parent fields
    std::optional<int> parent_code_length;///< parent = prefix + first N characters of the raw code
    std::string assume_srs;               ///< e.g. "EPSG:32718" for sources without a declared CRS

    /// Throws UsageError when the mapping is contradictory (no level, two parent rules, ...).
    void validate() const;
    /// The non-empty settings as (flag, value) pairs, for the run log.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> parameters() const;
};

} // namespace migratlas::geo
