// Synthetic linked border-crossing records of the reporting country (crossings.csv) with the
// behaviour behind each person (crossings_truth.csv). Input of the records stage (12/16 rule).
#pragma once

#include "common/progress.hpp"
#include "demo/border_survey.hpp"
#include "demo/crossing_points.hpp"
#include "demo/region.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace migratlas::demo {

/// Why a person crosses: each class exercises a part of shared/reference/linkage/RULES.md.
enum class Behaviour {
    resident_trips,  ///< residents on short trips by air, land or river (short_term)
    visitor,         ///< tourists, business and family visitors (visitor)
    frontier_worker, ///< non-residents crossing IN each weekday morning and OUT each evening (0 nights)
    seasonal_worker, ///< non-residents staying 3-5 months a year, several years (visitor)
    immigrant,       ///< arrive and stay; some travel later, some emigrate again
    emigrant,        ///< residents who leave; some return, some visit back
    newborn,         ///< born during observation (birth rule, section 6.1)
    left_censored,   ///< first seen in the first months, status unknown (burn-in)
};
inline constexpr std::size_t behaviour_count = 8;
std::string_view behaviour_name(Behaviour behaviour);

struct CrossingsConfig {
    std::uint64_t seed = 1;
    std::uint64_t persons = 3000;
    std::size_t persons_per_block = 4096; ///< unit of parallel work; output does not depend on threads
    // Observation period and reference offset (written to params.txt).
    int observation_start_year = 2020;
    int observation_end_year = 2024;     ///< inclusive, to 31 December
    int reference_offset_minutes = -300; ///< -05:00
    int neighbour_offset_minutes = -240; ///< -04:00, the clock of XOE's border posts
};

struct CrossingsSummary {
    std::uint64_t persons = 0;
    std::uint64_t rows = 0; ///< data rows written (all noise included)
    std::array<std::uint64_t, behaviour_count> persons_by_behaviour{};
    std::array<std::uint64_t, behaviour_count> rows_by_behaviour{};
    std::uint64_t exact_duplicates = 0;
    std::uint64_t double_scans = 0;
    std::uint64_t missing_records = 0; ///< crossings left out of the file (missing exit/entry)
    std::uint64_t invalid_rows = 0;    ///< rows a reader must reject (RULES.md section 2)
    std::uint64_t utc_rows = 0;        ///< written with `Z`
    std::uint64_t neighbour_offset_rows = 0;
};

/// Streams crossings.csv and crossings_truth.csv (person_id,behaviour). Persons are generated in
/// blocks with their own random streams on all cores; blocks are written in order, so the files
/// are the same for any thread count. Memory stays bounded by a few blocks. With `survey`, the valid
/// land crossings of its year are offered to the border survey in file order.
CrossingsSummary write_crossings(const std::filesystem::path& crossings_path,
                                 const std::filesystem::path& truth_path, const DemoRegion& region,
                                 const std::vector<CrossingPoint>& points, const CrossingsConfig& config,
                                 Progress& progress, BorderSurveySampler* survey = nullptr);

/// params.txt for the classifier (same keys as shared/reference/linkage/params.txt).
void write_linkage_params(const std::filesystem::path& path, const CrossingsConfig& config);

} // namespace migratlas::demo
