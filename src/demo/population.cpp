#include "demo/population.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

namespace migratlas::demo {

int age_group_index(int age)
{
    if (age <= 14) {
        return 0;
    }
    if (age <= 29) {
        return 1;
    }
    if (age <= 44) {
        return 2;
    }
    return age <= 64 ? 3 : 4;
}

namespace {

constexpr std::uint64_t area_stream_base = 0x4541000000000000ULL;

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) { return std::log(p / (1.0 - p)); }

/// Gamma with an integer shape: a sum of exponentials (shape 2 and 4 are all we need).
double gamma_integer(Rng& rng, int shape, double scale)
{
    double product = 1.0;
    for (int i = 0; i < shape; ++i) {
        product *= 1.0 - rng.uniform();
    }
    return -scale * std::log(product);
}

/// Where the migrants of each country come from: mostly the neighbours, a few from overseas.
const char* migrant_origin(Rng& rng, const std::string& home)
{
    const double roll = rng.uniform();
    if (home == "XNA") {
        return roll < 0.55 ? "XSU" : roll < 0.9 ? "XOE" : roll < 0.96 ? "VEN" : "HTI";
    }
    if (home == "XSU") {
        return roll < 0.6 ? "XNA" : roll < 0.9 ? "XOE" : "VEN";
    }
    return roll < 0.6 ? "XNA" : roll < 0.9 ? "XSU" : "VEN";
}

} // namespace

SyntheticPopulation build_population(const DemoRegion& region, std::uint64_t seed)
{
    SyntheticPopulation population;
    population.seed = seed;
    Rng rng(seed, 0x504F5055ULL);
    std::vector<std::size_t> level2_of(region.level3.size(), 0);
    for (std::size_t i = 0; i < region.level3.size(); ++i) {
        for (std::size_t p = 0; p < region.level2.size(); ++p) {
            if (region.level2[p].code == region.level3[i].parent_code) {
                level2_of[i] = p;
            }
        }
    }
    for (std::size_t i = 0; i < region.level3.size(); ++i) {
        const RegionUnit& unit = region.level3[i];
        const std::string country = unit.code.substr(0, 3);
        const double density = unit.expected_population / std::max(unit.area_km2, 1e-9);
        // Urban share grows with density: 25/km2 is rural, 800/km2 fully urban.
        const double urban_share = std::clamp((std::log(density) - std::log(25.0)) / (std::log(800.0) - std::log(25.0)), 0.0, 1.0);
        // Migrants settle in cities and near the borders they crossed (distances in km).
        const double base = country == reporting_country ? 0.012 : 0.006;
        const double migrant_rate = base + 0.09 * std::exp(-unit.border_distance_km / 35.0) + 0.04 * urban_share;
        const double households = unit.expected_population / 3.2;
        const int area_count = std::max(1, static_cast<int>(std::lround(households / 160.0)));
        const int urban_count = static_cast<int>(std::lround(area_count * urban_share));
        for (int a = 0; a < area_count; ++a) {
            EnumerationArea area;
            area.id = static_cast<int>(population.areas.size()) + 1;
            area.level3_index = i;
            area.level2_index = level2_of[i];
            area.urban = a < urban_count;
            area.households = static_cast<int>(rng.between(80, 240));
            const double expected = std::min(migrant_rate * (area.urban ? 1.4 : 0.5), 0.9);
            // Migrant households cluster: an area-level logit-normal share around the unit rate.
            area.migrant_share = logistic(logit(expected) + rng.normal(0.0, 1.3));
            // Frame counts date from the last census: areas where many migrants settled since
            // have grown by a half, and the frame does not know it.
            area.frame_households = area.migrant_share > 0.25 ? static_cast<int>(std::lround(area.households * 0.6))
                                                              : area.households;
            population.areas.push_back(area);
            population.area_country.push_back(country);
        }
    }
    // A survey stratum (level-2 unit x area) needs at least 3 PSUs: areas of a stratum that
    // would have fewer move to the other area type of their level-2 unit.
    std::vector<std::array<int, 2>> per_stratum(region.level2.size(), {0, 0});
    for (const EnumerationArea& area : population.areas) {
        ++per_stratum[area.level2_index][area.urban ? 0 : 1];
    }
    for (EnumerationArea& area : population.areas) {
        const int count = per_stratum[area.level2_index][area.urban ? 0 : 1];
        if (count > 0 && count < 3) {
            area.urban = !area.urban;
        }
    }

    population.by_level3.assign(region.level3.size(), SexAgeCounts{});
    population.born_abroad_by_level3.assign(region.level3.size(), 0);
    population.urban_by_level3.assign(region.level3.size(), 0);
    for (std::size_t a = 0; a < population.areas.size(); ++a) {
        const EnumerationArea& area = population.areas[a];
        for (const SimHousehold& household : generate_households(population, a)) {
            ++population.households;
            for (const SimPerson& person : household.members) {
                ++population.by_level3[area.level3_index][static_cast<std::size_t>((person.sex - 1) * 5 + age_group_index(person.age))];
                population.born_abroad_by_level3[area.level3_index] += person.born_abroad ? 1 : 0;
                population.urban_by_level3[area.level3_index] += area.urban ? 1 : 0;
                ++population.total;
            }
        }
    }
    return population;
}

std::vector<SimHousehold> generate_households(const SyntheticPopulation& population, std::size_t area_index)
{
    const EnumerationArea& area = population.areas[area_index];
    const std::string& home = population.area_country[area_index];
    Rng rng(population.seed, area_stream_base + static_cast<std::uint64_t>(area.id));
    std::vector<SimHousehold> households(static_cast<std::size_t>(area.households));
    for (SimHousehold& household : households) {
        household.migrant = rng.bernoulli(area.migrant_share);
        const std::string origin = household.migrant ? migrant_origin(rng, home) : home;
        const auto size = 1 + rng.poisson(household.migrant ? 1.9 : 2.2);
        const int head_age = household.migrant ? static_cast<int>(std::lround(rng.uniform(20.0, 52.0)))
                                               : std::min(95, static_cast<int>(std::lround(18.0 + gamma_integer(rng, 4, 9.0))));
        const int head_sex = rng.bernoulli(0.58) ? 1 : 2;
        household.members.resize(static_cast<std::size_t>(size));
        for (std::size_t k = 0; k < household.members.size(); ++k) {
            SimPerson& person = household.members[k];
            if (k == 0) {
                person.age = head_age;
                person.sex = head_sex;
            } else if (k == 1) {
                person.age = std::clamp(head_age + static_cast<int>(std::lround(rng.normal(0.0, 4.0))), 16, 99);
                person.sex = 3 - head_sex;
            } else {
                person.age = rng.bernoulli(0.72) ? static_cast<int>(rng.below(18))
                                                 : std::min(99, static_cast<int>(std::lround(18.0 + gamma_integer(rng, 2, 10.0))));
                person.sex = rng.bernoulli(0.5) ? 1 : 2;
            }
            // Children of migrants are often born in the new country.
            const double p_abroad = household.migrant ? (k <= 1 ? 0.95 : person.age >= 6 ? 0.7 : 0.3) : 0.003;
            person.born_abroad = rng.bernoulli(p_abroad);
            if (!person.born_abroad) {
                person.country_of_birth = home;
            } else if (household.migrant) {
                person.country_of_birth = origin;
            } else {
                person.country_of_birth = rng.bernoulli(0.5) ? "ESP" : "USA";
            }
        }
    }
    return households;
}

void write_population(const std::filesystem::path& path, const DemoRegion& region,
                      const SyntheticPopulation& population)
{
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
        throw InputError(path.string() + ": cannot create file");
    }
    std::vector<std::size_t> order(region.level3.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return region.level3[a].code < region.level3[b].code; });
    std::string text = "unit_code,sex,age_group,population\n";
    for (const std::size_t i : order) {
        for (int sex = 1; sex <= 2; ++sex) {
            for (std::size_t g = 0; g < age_groups.size(); ++g) {
                text += fmt::format("{},{},{},{}\n", region.level3[i].code, sex, age_groups[g],
                                    population.by_level3[i][static_cast<std::size_t>(sex - 1) * 5 + g]);
            }
        }
    }
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
        throw InputError(path.string() + ": write failed");
    }
}

} // namespace migratlas::demo
