// The outcome of geo check / geo import: counts, CRS, total area (its diagnostics are kept apart).
// Printed by the CLI (text or JSON) and summarised in the run log.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace migratlas::geo {

struct CheckReport {
    std::string source;
    std::string layer;
    std::string driver;
    std::string crs;
    std::uint64_t features_read = 0;
    std::uint64_t units = 0;              ///< units built from the source
    std::uint64_t invalid_repaired = 0;
    std::uint64_t parts_merged = 0;
    std::uint64_t missing_code = 0;
    std::uint64_t missing_geometry = 0;
    std::uint64_t rejected = 0;           ///< all rejected features (missing code/geometry, not polygon, ...)
    std::map<std::string, std::uint64_t> rejected_by_reason;
    std::uint64_t duplicate_codes = 0;    ///< codes used by features with different names
    std::uint64_t orphans = 0;
    std::vector<std::string> orphan_codes;
    std::uint64_t overlaps = 0;
    double overlap_km2 = 0;
    std::uint64_t gaps = 0;
    double gap_km2 = 0;
    std::uint64_t outside_parent = 0;
    double outside_parent_km2 = 0;
    double tolerance_km2 = 0;
    double area_km2_total = 0;
    std::map<int, std::uint64_t> units_by_level;
    // Filled by import only.
    bool written = false;
    std::uint64_t units_replaced = 0;     ///< existing workspace units with a code of this source
    std::uint64_t units_in_workspace = 0; ///< after the import
    std::uint64_t neighbour_pairs = 0;    ///< unit_neighbours rows of the affected levels
    /// One JSON object (nlohmann_json), keys as the field names above, pretty-printed; the
    /// warnings and errors are the run's diagnostics, reported beside it (cli/report.hpp).
    [[nodiscard]] std::string to_json() const;
    /// A few lines for a terminal: what was read, what was built, what is wrong.
    [[nodiscard]] std::string summary() const;
};

} // namespace migratlas::geo
