// The demo's border survey (border_survey.csv): travellers interviewed as they cross a land point in
// one survey year, like Mexico's EMIF. Cells are point x quarter x direction; in each cell a fixed
// number of crossings is drawn at random from all of its crossings (reservoir sampling in file order),
// and the design weight is the cell's crossings over its interviews. Calibrated with `calibrate` to the
// recorded crossings that `border --controls-out` writes (docs/methods/flows-indicators.md).
#pragma once

#include "demo/crossing_points.hpp"
#include "demo/rng.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace migratlas::demo {

/// A crossing that could be interviewed: a valid record at a land point in the survey year.
struct SurveyCandidate {
    std::uint32_t point = 0;  ///< index into the crossing points
    int quarter = 1;          ///< 1..4 of the crossing's reference date
    bool in = true;
    char sex = 'F';
    int age = 0;              ///< in full years at the crossing
    std::string nationality;
    bool intends_to_stay = false;  ///< declared purpose: to settle (12 months or more) on the other side
    bool frontier_worker = false;  ///< crosses to work and returns the same day
};

struct BorderSurveyDesign {
    int year = 2023;
    std::size_t interviews_per_cell = 6;
};

class BorderSurveySampler {
public:
    BorderSurveySampler(std::uint64_t seed, const BorderSurveyDesign& design) : m_rng(seed, 0x42535256ULL), m_design(design) {}
    [[nodiscard]] const BorderSurveyDesign& design() const { return m_design; }

    /// Candidates must arrive in the same order on every run (the crossings are written in order).
    void add(SurveyCandidate candidate);
    /// Writes person_id,stratum (the crossing point: interviews are drawn point by point),crossing_point,quarter,direction,design_weight,sex,age,age_group,
    /// nationality,intends_to_stay,frontier_worker; returns the number of persons.
    std::size_t write(const std::filesystem::path& path, const std::vector<CrossingPoint>& points) const;

private:
    struct Cell {
        std::uint64_t crossings = 0;
        std::vector<SurveyCandidate> sample;
    };
    Rng m_rng;
    BorderSurveyDesign m_design;
    std::map<std::array<std::uint32_t, 3>, Cell> m_cells;  ///< (point, quarter, direction)
};

} // namespace migratlas::demo
