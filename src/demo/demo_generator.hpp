// `migratlas demo`: writes a complete synthetic input set (geographies, population, crossing
// points, crossings, survey, controls) for a fictional 3-country region. Runs before every stage.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "demo/crossings.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::demo {

enum class Scale { small, medium, large };

/// "small" | "medium" | "large"; throws UsageError otherwise.
Scale parse_scale(std::string_view text);
std::string_view scale_name(Scale scale);
/// Persons in crossings.csv for a scale: 3,000 / 200,000 / 5,000,000.
std::uint64_t persons_for_scale(Scale scale);

struct DemoRequest {
    std::filesystem::path out_dir;
    std::uint64_t seed = 1;
    Scale scale = Scale::small;
    std::optional<std::uint64_t> persons; ///< overrides the scale's person count (benchmarks)
};

struct DemoFile {
    std::string name;
    std::uintmax_t bytes = 0;
    double seconds = 0.0; ///< time spent producing it
};

struct DemoOutcome {
    std::size_t level1_units = 0;
    std::size_t level2_units = 0;
    std::size_t level3_units = 0;
    std::size_t land_points = 0;
    std::size_t airports = 0;
    std::int64_t population = 0;
    std::int64_t reporting_population = 0;
    std::size_t enumeration_areas = 0;
    std::size_t survey_persons = 0;
    int survey_households = 0;
    int survey_psus = 0;
    int survey_strata = 0;
    double design_born_abroad = 0.0;
    std::int64_t control_born_abroad = 0;
    CrossingsSummary crossings;
    std::vector<DemoFile> files;
    double seconds = 0.0;
};

/// Creates `out_dir` if needed and (over)writes geographies.gpkg, population.csv,
/// crossing_points.csv, crossings.csv, crossings_truth.csv, params.txt, survey.csv, controls.csv
/// and README.txt. Same seed and scale give byte-identical files.
[[nodiscard]] DemoOutcome run(const DemoRequest& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::demo
