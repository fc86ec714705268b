// Figures attached to units by code: resident population (a CSV unit_code,...,population, e.g. the
// demo's population.csv by sex and age) and survey estimates (the workspace `estimates` table).
// Part of the join stage; flows computes rates from the population, border the buffer figures.
#pragma once

#include "common/diagnostics.hpp"
#include "common/table.hpp"
#include "join/unit_catalog.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::join {

/// One figure per unit of a catalog. Figures given for a unit are `direct`; `rolled_up` also fills
/// every unit without its own figure with the sum over its children (recursively), so a population
/// given by level-3 unit is known at levels 2 and 1 too.
struct UnitFigures {
    std::vector<std::optional<double>> direct;
    std::vector<std::optional<double>> rolled_up;
    std::uint64_t rows_read = 0;
    std::uint64_t rows_joined = 0;
    std::map<std::string, std::uint64_t> rows_by_reason;  ///< unjoined rows: unknown_code, missing_value, national_total
};

/// Sums of children for units without their own figure (deepest levels first).
[[nodiscard]] std::vector<std::optional<double>> roll_up(const UnitCatalog& catalog,
    const std::vector<std::optional<double>>& direct);

/// Reads `path` (columns unit_code and population; other columns such as sex or age_group are
/// summed over). Unknown codes are rejects (unknown_code), an empty population a reject
/// (missing_value). A population that is not a non-negative number stops the run (DataError listing
/// every such row), because a rate built on it would be wrong everywhere it is summed.
[[nodiscard]] UnitFigures read_population(const std::filesystem::path& path, const UnitCatalog& catalog,
    Diagnostics& diagnostics);

/// Totals of `variable` from an estimates table (statistic "total"; the first calibration method
/// found, or `method` when given) by unit. The national row (ALL) and codes that are not units
/// (e.g. crossing points of a border survey) are counted, not joined.
[[nodiscard]] UnitFigures join_estimates(const Table& estimates, const std::string& variable, const std::string& method,
    const UnitCatalog& catalog);

} // namespace migratlas::join
