// Calibration must fail loudly, naming the margin and category, on inconsistent or impossible
// controls (small hand-made fixtures).
#include "survey/calibration_model.hpp"
#include "survey/calibrator.hpp"
#include "survey/controls.hpp"
#include "survey/survey_data.hpp"
#include "common/error.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace migratlas::survey {
namespace {

using migratlas::test::TempDir;

// 8 persons: sex × area, two each, design weight 10 (N̂ = 80).
constexpr const char* small_survey =
    "person_id,design_weight,sex,area,zone\n"
    "1,10,1,urban,U\n2,10,1,urban,U\n3,10,1,rural,R\n4,10,1,rural,R\n"
    "5,10,2,urban,U\n6,10,2,urban,U\n7,10,2,rural,R\n8,10,2,rural,R\n";

/// Runs read → model → calibrate and returns the error message ("" when it succeeded).
template <typename ErrorType>
std::string failure(const TempDir& dir, const std::string& survey, const std::string& controls,
    CalibrationOptions options = {})
{
    const auto survey_path = dir.file("survey.csv", survey);
    const auto controls_path = dir.file("controls.csv", controls);
    try {
        const Controls parsed = read_controls(controls_path);
        SurveyReadSpec spec;
        spec.categorical = parsed.variables();
        Diagnostics diagnostics;
        const SurveyData data = read_survey(survey_path, spec, diagnostics);
        require_no_rejects(data, diagnostics);
        const auto model = CalibrationModel::build(parsed, data);
        calibrate(model, data.design_weights, options);
    } catch (const ErrorType& e) {
        return e.what();
    }
    return {};
}

TEST(CalibrationFailure, SmallFixtureCalibratesWhenConsistent)
{
    TempDir dir;
    const auto message = failure<Error>(dir, small_survey, "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,40\n");
    EXPECT_EQ(message, "");
}

TEST(CalibrationFailure, MarginsWithDifferentGrandTotals)
{
    TempDir dir;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,45\n");
    EXPECT_NE(message.find("controls.csv:4: margin 'area' sums to 105 but margin 'sex' sums to 100"), std::string::npos)
        << message;
}

TEST(CalibrationFailure, ControlCategoryWithoutSampleCases)
{
    TempDir dir;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,50\narea,rural,30\narea,periurban,20\n");
    EXPECT_NE(message.find("controls.csv:6: category 'periurban' of margin 'area' has no sample persons"),
        std::string::npos) << message;
}

TEST(CalibrationFailure, SampleValueWithoutControlCategory)
{
    TempDir dir;
    std::string survey = small_survey;
    survey += "9,10,3,urban,U\n";
    const auto message = failure<DataError>(dir, survey,
        "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,40\n");
    EXPECT_NE(message.find("survey.csv:10: sex value '3' has no category in margin 'sex'"), std::string::npos)
        << message;
}

TEST(CalibrationFailure, InteractionValueWithoutControlCategory)
{
    TempDir dir;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex:area,1:urban,30\nsex:area,1:rural,20\nsex:area,2:urban,50\n");
    EXPECT_NE(message.find("sex:area value '2:rural' has no category"), std::string::npos) << message;
}

TEST(CalibrationFailure, MarginThatIsAFunctionOfAnotherIsCollinear)
{
    TempDir dir;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,40\nzone,U,60\nzone,R,40\n");
    EXPECT_NE(message.find("collinear constraints: margin 'zone' category 'R'"), std::string::npos) << message;
}

TEST(CalibrationFailure, DuplicatedMarginIsCollinear)
{
    TempDir dir;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\narea,urban,60\narea,rural,40\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,40\n");
    EXPECT_NE(message.find("collinear constraints: margin 'area' category 'rural'"), std::string::npos) << message;
}

TEST(CalibrationFailure, BoundsThatCannotReachACategoryTotal)
{
    TempDir dir;
    CalibrationOptions options;
    options.method = CalibrationMethod::raking;
    options.lower = 0.9;
    options.upper = 1.1;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\narea,urban,60\narea,rural,40\n", options);
    EXPECT_NE(message.find("infeasible bounds: margin 'sex' category '1' has total 50"), std::string::npos) << message;
}

TEST(CalibrationFailure, JointlyInfeasibleBoundsAreReported)
{
    // Each category alone is reachable with g in [0.5, 1.6], but together they force g > 1.6
    // for (sex 1, urban): g_D = t, g_B = g_C = 1.1 − t, g_A = 1.8 + t with t ≥ 0.5.
    TempDir dir;
    const std::string survey = "person_id,design_weight,sex,area\n1,1,1,urban\n2,1,1,rural\n3,1,2,urban\n4,1,2,rural\n";
    const std::string controls = "margin,category,total\nsex,1,2.9\nsex,2,1.1\narea,urban,2.9\narea,rural,1.1\n";
    for (auto method : {CalibrationMethod::logit, CalibrationMethod::raking, CalibrationMethod::linear}) {
        CalibrationOptions options;
        options.method = method;
        options.lower = 0.5;
        options.upper = 1.6;
        const auto message = failure<DataError>(dir, survey, controls, options);
        EXPECT_NE(message.find("bounds [0.5, 1.6] are likely infeasible"), std::string::npos)
            << to_string(method) << ": " << message;
    }
}

TEST(CalibrationFailure, NonConvergenceWithinMaxIter)
{
    TempDir dir;
    CalibrationOptions options;
    options.max_iter = 1;
    const auto message = failure<DataError>(dir, small_survey,
        "margin,category,total\nsex,1,30\nsex,2,70\narea,urban,80\narea,rural,20\n", options);
    EXPECT_NE(message.find("did not converge within 1 iterations"), std::string::npos) << message;
    EXPECT_NE(message.find("raise max_iter"), std::string::npos) << message;
}

TEST(CalibrationFailure, LogitWithoutBoundsIsAUsageError)
{
    TempDir dir;
    CalibrationOptions options;
    options.method = CalibrationMethod::logit;
    const auto message = failure<UsageError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\n", options);
    EXPECT_NE(message.find("logit calibration needs finite bounds"), std::string::npos) << message;
}

TEST(CalibrationFailure, MissingSurveyColumnNamesIt)
{
    TempDir dir;
    const auto message = failure<InputError>(dir, small_survey,
        "margin,category,total\nsex,1,50\nsex,2,50\nregion,north,100\n");
    EXPECT_NE(message.find("missing required column 'region'"), std::string::npos) << message;
}

TEST(CalibrationFailure, MissingControlsColumn)
{
    TempDir dir;
    const auto message = failure<InputError>(dir, small_survey, "margin,category,count\nsex,1,50\n");
    EXPECT_NE(message.find("missing required column 'total'"), std::string::npos) << message;
}

TEST(CalibrationFailure, BadDesignWeightsAreRejectedWithTheirLine)
{
    TempDir dir;
    const std::string survey = "person_id,design_weight,sex\n1,10,1\n2,abc,1\n3,-4,2\n4,0,2\n5,10,2\n";
    const auto survey_path = dir.file("survey.csv", survey);
    SurveyReadSpec spec;
    spec.categorical = {"sex"};
    Diagnostics diagnostics;
    const auto data = read_survey(survey_path, spec, diagnostics);
    EXPECT_EQ(data.rows_read, 5U);
    EXPECT_EQ(data.size(), 2U);
    EXPECT_EQ(diagnostics.reject_counts().at("bad_weight"), 3U);
    try {
        require_no_rejects(data, diagnostics);
        FAIL() << "rejected rows must stop the calibration";
    } catch (const DataError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("survey.csv:3:2: design_weight 'abc' is not a positive number"), std::string::npos)
            << message;
        EXPECT_NE(message.find("3 of 5 rows"), std::string::npos) << message;
    }
}

} // namespace
} // namespace migratlas::survey
