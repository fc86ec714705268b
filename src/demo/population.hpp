// Synthetic resident population of the demo region: enumeration areas (the survey frame),
// households and persons per level-3 unit. Source of population.csv, controls.csv and the survey.
#pragma once

#include "demo/region.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::demo {

inline constexpr std::array<const char*, 5> age_groups = {"0-14", "15-29", "30-44", "45-64", "65+"};
int age_group_index(int age);

/// A census enumeration area: the PSU of the household survey.
struct EnumerationArea {
    int id = 0;                 ///< 1-based, in unit order
    std::size_t level3_index = 0;
    std::size_t level2_index = 0;
    bool urban = false;
    int households = 0;         ///< true count today
    int frame_households = 0;   ///< count in the sampling frame; outdated where migrants settled since
    double migrant_share = 0.0; ///< expected share of migrant households
};

struct SimPerson {
    int sex = 1; ///< 1 male, 2 female
    int age = 0;
    bool born_abroad = false;
    std::string country_of_birth;
};

struct SimHousehold {
    bool migrant = false;
    std::vector<SimPerson> members;
};

/// Persons by sex (1, 2) and age group, index (sex - 1) * 5 + age group.
using SexAgeCounts = std::array<std::int64_t, 10>;

struct SyntheticPopulation {
    std::uint64_t seed = 0;
    std::vector<EnumerationArea> areas;
    std::vector<std::string> area_country; ///< ISO3 per area (parallel to `areas`)
    std::vector<SexAgeCounts> by_level3;   ///< parallel to region.level3
    std::vector<std::int64_t> born_abroad_by_level3;
    std::vector<std::int64_t> urban_by_level3;
    std::int64_t total = 0;
    std::int64_t households = 0;
};

/// Builds the enumeration areas of every level-3 unit and simulates all households, keeping
/// only counts. Households of one area come from the area's own random stream, so the survey
/// can regenerate exactly the households of the areas it selects (generate_households).
SyntheticPopulation build_population(const DemoRegion& region, std::uint64_t seed);

/// The households of one enumeration area (identical on every call).
std::vector<SimHousehold> generate_households(const SyntheticPopulation& population, std::size_t area_index);

/// Writes `unit_code,sex,age_group,population` for every level-3 unit (sorted by code).
void write_population(const std::filesystem::path& path, const DemoRegion& region,
                      const SyntheticPopulation& population);

} // namespace migratlas::demo
