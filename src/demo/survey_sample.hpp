// Two-stage stratified household survey of the reporting country drawn from the synthetic
// population, and the control totals for calibration (formats of shared/reference/calibration).
#pragma once

#include "demo/population.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::demo {

struct SurveyPerson {
    int hh_id = 0;
    int person_id = 0;
    int stratum = 0;
    int psu = 0;
    double design_weight = 0.0; ///< rounded to 6 decimals
    int sex = 1;
    int age = 0;
    std::string area;
    std::string unit_code; ///< level-2 code
    bool born_abroad = false;
    std::string country_of_birth;
};

struct ControlTotal {
    std::string margin;
    std::string category;
    std::int64_t total = 0;
};

struct SurveySample {
    std::vector<SurveyPerson> persons;
    std::vector<ControlTotal> controls;
    int strata = 0;
    int psus = 0;
    int households = 0;
    double design_born_abroad = 0.0; ///< design-weighted total of born_abroad
    std::int64_t control_born_abroad = 0;
};

struct SurveyDesign {
    int psu_count = 150;           ///< PSUs over all strata, allocated by sqrt of size, >= 3 each
    int households_per_psu = 12;
    double response_migrant = 0.6; ///< migrant households answer less often ...
    double response_native = 0.92; ///< ... and non-response is adjusted only within strata
};

/// Strata = level-2 unit x urban/rural; PSUs by systematic PPS on the (outdated) frame counts,
/// then a simple random sample of households; design weight = inverse inclusion probability with
/// a within-stratum non-response adjustment. Throws DataError if a control category has no
/// sample case (calibration would be impossible).
SurveySample draw_survey(const DemoRegion& region, const SyntheticPopulation& population, std::uint64_t seed,
                         const SurveyDesign& design = {});

/// survey.csv: hh_id,person_id,stratum,psu,design_weight,sex,age,age_group,area,unit_code,
/// born_abroad,country_of_birth (sorted by hh_id, person).
void write_survey(const std::filesystem::path& path, const SurveySample& sample);
/// controls.csv: margin,category,total (margins unit_code, sex:age_group, area, born_abroad).
void write_controls(const std::filesystem::path& path, const SurveySample& sample);

} // namespace migratlas::demo
