#include "demo/survey_sample.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <set>

namespace migratlas::demo {

namespace {

struct Stratum {
    std::size_t level2_index = 0;
    bool urban = true;
    std::vector<std::size_t> areas; ///< indices into population.areas
    double frame_size = 0.0;
    int sample_psus = 0;
};

/// Systematic PPS: inclusion probability n * size / total; sizes that would exceed 1 are taken
/// with certainty and the rest re-allocated. Returns (area position, inclusion probability).
std::vector<std::pair<std::size_t, double>> systematic_pps(Rng& rng, const std::vector<double>& sizes, int n)
{
    std::vector<double> probability(sizes.size(), 0.0);
    std::vector<bool> certain(sizes.size(), false);
    for (bool changed = true; changed;) {
        changed = false;
        double rest_size = 0.0;
        int rest_n = n;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            if (certain[i]) {
                --rest_n;
            } else {
                rest_size += sizes[i];
            }
        }
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            if (!certain[i]) {
                probability[i] = rest_n * sizes[i] / rest_size;
                if (probability[i] >= 1.0) {
                    certain[i] = true;
                    changed = true;
                }
            } else {
                probability[i] = 1.0;
            }
        }
    }
    std::vector<std::pair<std::size_t, double>> selected;
    double cumulative = 0.0;
    double next_hit = rng.uniform();
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (certain[i]) {
            selected.emplace_back(i, 1.0);
            continue;
        }
        cumulative += probability[i];
        if (cumulative > next_hit) {
            selected.emplace_back(i, probability[i]);
            next_hit += 1.0;
        }
    }
    return selected;
}

std::unique_ptr<std::FILE, int (*)(std::FILE*)> create_file(const std::filesystem::path& path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
        throw InputError(path.string() + ": cannot create file");
    }
    return file;
}

void write_text(const std::filesystem::path& path, const std::string& text)
{
    const auto file = create_file(path);
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
        throw InputError(path.string() + ": write failed");
    }
}

} // namespace

SurveySample draw_survey(const DemoRegion& region, const SyntheticPopulation& population, std::uint64_t seed,
                         const SurveyDesign& design)
{
    Rng rng(seed, 0x53555256ULL);
    // Strata in level-2 code order, urban before rural (as in the calibration reference set).
    std::vector<std::size_t> level2_order;
    for (std::size_t p = 0; p < region.level2.size(); ++p) {
        if (region.level2[p].parent_code == reporting_country) {
            level2_order.push_back(p);
        }
    }
    std::stable_sort(level2_order.begin(), level2_order.end(),
                     [&](std::size_t a, std::size_t b) { return region.level2[a].code < region.level2[b].code; });
    std::vector<Stratum> strata;
    for (const std::size_t p : level2_order) {
        for (const bool urban : {true, false}) {
            Stratum stratum;
            stratum.level2_index = p;
            stratum.urban = urban;
            for (std::size_t a = 0; a < population.areas.size(); ++a) {
                const EnumerationArea& area = population.areas[a];
                if (area.level2_index == p && area.urban == urban) {
                    stratum.areas.push_back(a);
                    stratum.frame_size += area.frame_households;
                }
            }
            if (!stratum.areas.empty()) {
                strata.push_back(std::move(stratum));
            }
        }
    }
    double sqrt_sum = 0.0;
    for (const Stratum& stratum : strata) {
        sqrt_sum += std::sqrt(stratum.frame_size);
    }
    for (Stratum& stratum : strata) {
        const auto share = static_cast<int>(std::lround(design.psu_count * std::sqrt(stratum.frame_size) / sqrt_sum));
        stratum.sample_psus = std::min(static_cast<int>(stratum.areas.size()), std::max(3, share));
    }

    SurveySample sample;
    sample.strata = static_cast<int>(strata.size());
    int next_psu = 1;
    int next_hh = 100001;
    int next_person = 1;
    for (std::size_t h = 0; h < strata.size(); ++h) {
        const Stratum& stratum = strata[h];
        std::vector<double> sizes;
        for (const std::size_t a : stratum.areas) {
            sizes.push_back(population.areas[a].frame_households);
        }
        struct Respondent {
            std::vector<SimPerson> members;
            double base_weight;
            int psu;
            std::size_t area;
        };
        std::vector<Respondent> respondents;
        double sampled_weight = 0.0;
        double responding_weight = 0.0;
        for (const auto& [position, probability] : systematic_pps(rng, sizes, stratum.sample_psus)) {
            const std::size_t a = stratum.areas[position];
            const EnumerationArea& area = population.areas[a];
            const int psu = next_psu++;
            std::vector<SimHousehold> households = generate_households(population, a);
            const int m = std::min(design.households_per_psu, area.households);
            // Simple random sample of m households (partial Fisher-Yates), in listing order.
            std::vector<int> index(households.size());
            std::iota(index.begin(), index.end(), 0);
            for (int k = 0; k < m; ++k) {
                const auto j = static_cast<std::size_t>(k) + rng.below(index.size() - static_cast<std::size_t>(k));
                std::swap(index[static_cast<std::size_t>(k)], index[j]);
            }
            std::sort(index.begin(), index.begin() + m);
            // The weight assumes the frame count is right: in areas that grew it is too small.
            const double base_weight = 1.0 / probability * area.frame_households / m;
            for (int k = 0; k < m; ++k) {
                SimHousehold& household = households[static_cast<std::size_t>(index[static_cast<std::size_t>(k)])];
                sampled_weight += base_weight;
                const bool responds = rng.bernoulli(household.migrant ? design.response_migrant : design.response_native);
                if (responds) {
                    responding_weight += base_weight;
                    respondents.push_back({std::move(household.members), base_weight, psu, a});
                }
            }
        }
        if (respondents.empty()) {
            throw DataError(fmt::format("demo survey: stratum {} has no responding household", h + 1));
        }
        const double adjustment = sampled_weight / responding_weight;
        for (const Respondent& respondent : respondents) {
            const int hh_id = next_hh++;
            ++sample.households;
            const double weight = std::round(respondent.base_weight * adjustment * 1e6) / 1e6;
            for (const SimPerson& member : respondent.members) {
                SurveyPerson person;
                person.hh_id = hh_id;
                person.person_id = next_person++;
                person.stratum = static_cast<int>(h) + 1;
                person.psu = respondent.psu;
                person.design_weight = weight;
                person.sex = member.sex;
                person.age = member.age;
                person.area = stratum.urban ? "urban" : "rural";
                person.unit_code = region.level2[stratum.level2_index].code;
                person.born_abroad = member.born_abroad;
                person.country_of_birth = member.country_of_birth;
                sample.design_born_abroad += member.born_abroad ? weight : 0.0;
                sample.persons.push_back(std::move(person));
            }
        }
    }
    sample.psus = next_psu - 1;

    // Controls: the true population of the reporting country, so every margin has one total.
    std::map<std::string, std::int64_t> by_unit;
    SexAgeCounts by_sex_age{};
    std::array<std::int64_t, 2> by_area{};  // rural, urban
    std::array<std::int64_t, 2> by_born{};  // 0, 1
    for (std::size_t i = 0; i < region.level3.size(); ++i) {
        if (region.level3[i].code.compare(0, 3, reporting_country) != 0) {
            continue;
        }
        const std::string level2 = region.level3[i].parent_code;
        std::int64_t unit_total = 0;
        for (std::size_t c = 0; c < by_sex_age.size(); ++c) {
            by_sex_age[c] += population.by_level3[i][c];
            unit_total += population.by_level3[i][c];
        }
        by_unit[level2] += unit_total;
        by_area[1] += population.urban_by_level3[i];
        by_area[0] += unit_total - population.urban_by_level3[i];
        by_born[1] += population.born_abroad_by_level3[i];
        by_born[0] += unit_total - population.born_abroad_by_level3[i];
    }
    for (const auto& [code, total] : by_unit) {
        sample.controls.push_back({"unit_code", code, total});
    }
    for (std::size_t g = 0; g < age_groups.size(); ++g) {
        for (int sex = 1; sex <= 2; ++sex) {
            sample.controls.push_back({"sex:age_group", fmt::format("{}:{}", sex, age_groups[g]),
                                       by_sex_age[static_cast<std::size_t>(sex - 1) * 5 + g]});
        }
    }
    sample.controls.push_back({"area", "rural", by_area[0]});
    sample.controls.push_back({"area", "urban", by_area[1]});
    sample.controls.push_back({"born_abroad", "0", by_born[0]});
    sample.controls.push_back({"born_abroad", "1", by_born[1]});
    sample.control_born_abroad = by_born[1];

    // Calibration needs at least one sample case in every category.
    std::set<std::pair<std::string, std::string>> seen;
    for (const SurveyPerson& p : sample.persons) {
        seen.insert({"unit_code", p.unit_code});
        seen.insert({"sex:age_group", fmt::format("{}:{}", p.sex, age_groups[static_cast<std::size_t>(age_group_index(p.age))])});
        seen.insert({"area", p.area});
        seen.insert({"born_abroad", p.born_abroad ? "1" : "0"});
    }
    for (const ControlTotal& control : sample.controls) {
        if (seen.count({control.margin, control.category}) == 0) {
            throw DataError("demo survey: control category " + control.margin + "=" + control.category +
                            " has no sample case; try another seed");
        }
    }
    return sample;
}

void write_survey(const std::filesystem::path& path, const SurveySample& sample)
{
    std::string text = "hh_id,person_id,stratum,psu,design_weight,sex,age,age_group,area,unit_code,born_abroad,country_of_birth\n";
    for (const SurveyPerson& p : sample.persons) {
        // Shortest form of the already rounded weight: at most 6 decimals, no trailing zeros.
        std::string weight = fmt::format("{:.6f}", p.design_weight);
        while (weight.back() == '0') {
            weight.pop_back();
        }
        if (weight.back() == '.') {
            weight.pop_back();
        }
        text += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", p.hh_id, p.person_id, p.stratum, p.psu, weight,
                            p.sex, p.age, age_groups[static_cast<std::size_t>(age_group_index(p.age))], p.area,
                            p.unit_code, p.born_abroad ? 1 : 0, p.country_of_birth);
    }
    write_text(path, text);
}

void write_controls(const std::filesystem::path& path, const SurveySample& sample)
{
    std::string text = "margin,category,total\n";
    for (const ControlTotal& c : sample.controls) {
        text += fmt::format("{},{},{}\n", c.margin, c.category, c.total);
    }
    write_text(path, text);
}

} // namespace migratlas::demo
