// Reproduces R's survey::calibrate weights and svyby/svytotal estimates of the public reference
// set (tests/fixtures/calibration, copied from shared/reference/calibration).
#include "survey/calibration_model.hpp"
#include "survey/calibrator.hpp"
#include "survey/controls.hpp"
#include "survey/estimate_run.hpp"
#include "survey/estimator.hpp"
#include "survey/survey_data.hpp"
#include "common/csv_reader.hpp"
#include "common/parse.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

namespace migratlas::survey {
namespace {

const std::filesystem::path fixtures = std::filesystem::path(MIGRATLAS_FIXTURES_DIR) / "calibration";

std::vector<double> read_weight_column(const std::filesystem::path& path)
{
    CsvReader reader(path);
    const auto col = reader.require_column("weight");
    std::vector<double> weights;
    CsvRecord record;
    while (reader.next(record)) {
        weights.push_back(parse_double(record.fields[col]).value());
    }
    return weights;
}

struct ExpectedEstimate {
    double estimate;
    double se;
};

std::map<std::string, std::map<std::string, ExpectedEstimate>> read_expected_estimates()
{
    CsvReader reader(fixtures / "expected_estimates.csv");
    std::map<std::string, std::map<std::string, ExpectedEstimate>> expected;
    CsvRecord record;
    while (reader.next(record)) {
        expected[std::string(record.fields[0])][std::string(record.fields[1])] =
            ExpectedEstimate{parse_double(record.fields[2]).value(), parse_double(record.fields[3]).value()};
    }
    return expected;
}

EstimateSpec born_abroad_by_unit()
{
    EstimateSpec spec;
    spec.variable = "born_abroad";
    spec.by = "unit_code";
    spec.strata = "stratum";
    spec.psu = "psu";
    return spec;
}

class ReferenceSet : public ::testing::Test {
protected:
    void SetUp() override
    {
        controls = read_controls(fixtures / "controls.csv");
        const EstimateSpec spec = born_abroad_by_unit();
        Diagnostics diagnostics;
        data = read_survey(fixtures / "survey.csv", survey_columns("person_id", "design_weight", &controls, &spec),
            diagnostics);
        ASSERT_EQ(diagnostics.rejected(), 0U);
        ASSERT_EQ(data.size(), 5954U);
    }

    void check_estimates(const std::string& method, const std::vector<double>& weights, const CalibrationModel* model)
    {
        const auto expected = read_expected_estimates().at(method);
        const auto input = estimate_input(data, born_abroad_by_unit(), weights, model);
        const auto rows = estimate_by_domain(input, EstimateOptions{});
        ASSERT_EQ(rows.size(), expected.size());
        ASSERT_EQ(rows.back().unit_code, "ALL");
        for (const auto& row : rows) {
            SCOPED_TRACE(method + " " + row.unit_code);
            const auto& want = expected.at(row.unit_code);
            EXPECT_LE(std::abs(row.estimate - want.estimate) / want.estimate, 1e-8);
            if (model != nullptr && row.unit_code == "ALL") {
                // born_abroad is itself a margin: the national SE is numerical noise (R: ~3e-11).
                EXPECT_LT(row.se, 1e-6);
            } else {
                EXPECT_LE(std::abs(row.se - want.se) / want.se, 1e-6);
                EXPECT_NEAR(row.ci_low, row.estimate - 1.959963984540054 * row.se, 1e-9 * row.estimate);
                EXPECT_NEAR(row.cv, 100.0 * row.se / row.estimate, 1e-12 * row.cv);
            }
        }
    }

    void check_method(CalibrationMethod method, double lower, double upper)
    {
        const auto model = CalibrationModel::build(controls, data);
        EXPECT_EQ(model.column_count(), 19U);  // 22 categories − 3, as R's 19 model-matrix columns
        CalibrationOptions options;
        options.method = method;
        options.lower = lower;
        options.upper = upper;
        const auto result = calibrate(model, data.design_weights, options);
        const auto expected = read_weight_column(fixtures / ("expected_weights_" + to_string(method) + ".csv"));
        ASSERT_EQ(result.weights.size(), expected.size());
        double worst = 0.0;
        for (std::size_t k = 0; k < expected.size(); ++k) {
            worst = std::max(worst, std::abs(result.weights[k] - expected[k]) / std::abs(expected[k]));
        }
        EXPECT_LE(worst, 1e-8) << to_string(method);
        EXPECT_LT(result.max_rel_deviation, 1e-12);
        EXPECT_NEAR(result.total_calibrated, 1154317.0, 1e-6);
        EXPECT_GT(result.g_max, 1.9);  // migrants are up-weighted (R: g up to 1.98..2.14)
        check_estimates(to_string(method), result.weights, &model);
    }

    Controls controls;
    SurveyData data;
};

TEST_F(ReferenceSet, RakingWeightsAndEstimatesMatchR) { check_method(CalibrationMethod::raking, -INFINITY, INFINITY); }
TEST_F(ReferenceSet, LinearWeightsAndEstimatesMatchR) { check_method(CalibrationMethod::linear, -INFINITY, INFINITY); }
TEST_F(ReferenceSet, LogitWeightsAndEstimatesMatchR) { check_method(CalibrationMethod::logit, 0.3, 3.0); }

TEST_F(ReferenceSet, DesignWeightEstimatesMatchR) { check_estimates("design", data.design_weights, nullptr); }

TEST_F(ReferenceSet, RakingReportsIterationsAndEffectiveSampleSize)
{
    const auto model = CalibrationModel::build(controls, data);
    const auto result = calibrate(model, data.design_weights, CalibrationOptions{});
    EXPECT_GE(result.iterations, 4);
    EXPECT_LE(result.iterations, 8);
    EXPECT_NEAR(result.g_min, 0.810738, 1e-6);  // cross_checks.txt: raking g range [0.810738, 2.140407]
    EXPECT_NEAR(result.g_max, 2.140407, 1e-6);
    EXPECT_LT(result.n_eff_calibrated, result.n_eff_design);
    EXPECT_GT(result.n_eff_calibrated, 1000.0);
    EXPECT_EQ(result.cells, model.cell_count());
}

TEST_F(ReferenceSet, MeansAreRatiosWithFlags)
{
    EstimateOptions options;
    options.mean = true;
    const auto input = estimate_input(data, born_abroad_by_unit(), data.design_weights, nullptr);
    const auto rows = estimate_by_domain(input, options);
    // Design-weighted share born abroad: 37118.5 / 1102311.95 (cross_checks.txt).
    EXPECT_NEAR(rows.back().estimate, 37118.5 / 1102311.95, 1e-6);
    for (const auto& row : rows) {
        EXPECT_EQ(row.flag, reliability_flag(row.cv, options));
    }
}

TEST(ReliabilityFlag, ThresholdsAreInclusiveAndConfigurable)
{
    EstimateOptions options;
    EXPECT_EQ(reliability_flag(15.0, options), "ok");
    EXPECT_EQ(reliability_flag(15.01, options), "caution");
    EXPECT_EQ(reliability_flag(30.0, options), "caution");
    EXPECT_EQ(reliability_flag(30.5, options), "suppress");
    EXPECT_EQ(reliability_flag(NAN, options), "suppress");
    options.cv_caution = 5.0;
    options.cv_suppress = 10.0;
    EXPECT_EQ(reliability_flag(7.0, options), "caution");
}

} // namespace
} // namespace migratlas::survey
