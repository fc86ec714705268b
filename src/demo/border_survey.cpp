#include "demo/border_survey.hpp"

#include "common/output_file.hpp"

#include <fmt/format.h>

namespace migratlas::demo {

namespace {

const char* age_group_label(int age)
{
    // The records stage's groups: children on their own.
    return age < 18 ? "0-17" : age < 30 ? "18-29" : age < 45 ? "30-44" : age < 65 ? "45-64" : "65+";
}

} // namespace

void BorderSurveySampler::add(SurveyCandidate candidate)
{
    Cell& cell = m_cells[{candidate.point, static_cast<std::uint32_t>(candidate.quarter), candidate.in ? 0U : 1U}];
    ++cell.crossings;
    if (cell.sample.size() < m_design.interviews_per_cell) {
        cell.sample.push_back(std::move(candidate));
        return;
    }
    // Reservoir sampling: every crossing of the cell ends in the sample with the same probability.
    const std::uint64_t j = m_rng.below(cell.crossings);
    if (j < m_design.interviews_per_cell) {
        cell.sample[j] = std::move(candidate);
    }
}

std::size_t BorderSurveySampler::write(const std::filesystem::path& path, const std::vector<CrossingPoint>& points) const
{
    OutputFile file(path);
    file.write("person_id,stratum,crossing_point,quarter,direction,design_weight,sex,age,age_group,nationality,"
               "intends_to_stay,frontier_worker\n");
    std::size_t persons = 0;
    for (const auto& [key, cell] : m_cells) {
        const std::string& point = points[key[0]].point_id;
        const std::string quarter = fmt::format("{}-Q{}", m_design.year, key[1]);
        const char* direction = key[2] == 0 ? "IN" : "OUT";
        const double weight = static_cast<double>(cell.crossings) / static_cast<double>(cell.sample.size());
        for (const SurveyCandidate& c : cell.sample) {
            file.write(fmt::format("B{:06d},{},{},{},{},{:.6f},{},{},{},{},{},{}\n", ++persons, point, point, quarter,
                direction, weight, c.sex, c.age, age_group_label(c.age), c.nationality,
                c.intends_to_stay ? 1 : 0, c.frontier_worker ? 1 : 0));
        }
    }
    file.commit();
    return persons;
}

} // namespace migratlas::demo
