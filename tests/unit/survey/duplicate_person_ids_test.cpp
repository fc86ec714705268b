// A person listed twice would be weighted twice: calibrate and estimate reject every repeated id
// with its line before solving (fixture tests/fixtures/calibration/duplicate_person_ids/).
#include "common/error.hpp"
#include "survey/calibrate_run.hpp"
#include "survey/estimate_run.hpp"
#include "survey/survey_data.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace migratlas::survey {
namespace {

using migratlas::test::TempDir;
const std::filesystem::path fixture =
    std::filesystem::path(MIGRATLAS_FIXTURES_DIR) / "calibration" / "duplicate_person_ids";

SurveyReadSpec sex_and_area()
{
    SurveyReadSpec spec;
    spec.categorical = {"sex", "area"};
    return spec;
}

std::string reject_lines(const Diagnostics& diagnostics)
{
    std::string text;
    for (const auto& entry : diagnostics.entries()) {
        text += entry.to_string() + "\n";
    }
    return text;
}

std::string data_error(const std::function<void()>& run)
{
    try {
        run();
    } catch (const DataError& e) {
        return e.what();
    }
    return {};
}

TEST(DuplicatePersonIds, EveryRepeatIsRejectedWithTheLineOfTheFirst)
{
    Diagnostics diagnostics;
    const SurveyData data = read_survey(fixture / "survey.csv", sex_and_area(), diagnostics);
    EXPECT_EQ(reject_lines(diagnostics), migratlas::test::read_file(fixture / "expected_rejects.txt"));
    EXPECT_EQ(data.rows_read, 11U);
    EXPECT_EQ(data.size(), 8U);
    EXPECT_EQ(diagnostics.reject_counts().at("duplicate_id"), 3U);
    EXPECT_EQ(data.rows_read, data.size() + diagnostics.rejected());
    EXPECT_EQ(data.ids[2], "P03");
    EXPECT_EQ(data.lines[2], 4U);  // the first occurrence is the one kept
}

TEST(DuplicatePersonIds, AllAreCountedWhenOnlyTheFirstAreListed)
{
    Diagnostics diagnostics(false, 2);
    const SurveyData data = read_survey(fixture / "survey.csv", sex_and_area(), diagnostics);
    EXPECT_EQ(diagnostics.reject_counts().at("duplicate_id"), 3U);
    EXPECT_EQ(diagnostics.entries().size(), 2U);
    EXPECT_EQ(diagnostics.suppressed(), 1U);
    const std::string message = data_error([&] { require_no_rejects(data, diagnostics); });
    EXPECT_NE(message.find("survey.csv:7:1: person_id 'P03' is already on line 4"), std::string::npos) << message;
    EXPECT_NE(message.find("3 of 11 rows of survey.csv rejected: duplicate_id 3"), std::string::npos) << message;
}

TEST(DuplicatePersonIds, StopCalibrationBeforeAnyFileIsWritten)
{
    TempDir dir;
    CalibrateRequest request;
    request.survey = fixture / "survey.csv";
    request.controls = fixture / "controls.csv";
    request.weights_out = dir.path() / "weights.csv";
    request.estimate = EstimateSpec{};
    request.estimate->variable = "sex";
    request.estimate->by = "area";
    request.estimate->out = dir.path() / "estimates.csv";
    Diagnostics diagnostics;
    Progress progress;
    const std::string message = data_error([&] { run_calibrate(request, diagnostics, progress); });
    EXPECT_NE(message.find("survey.csv:7:1: person_id 'P03' is already on line 4"), std::string::npos) << message;
    EXPECT_EQ(diagnostics.reject_counts().at("duplicate_id"), 3U);
    EXPECT_FALSE(std::filesystem::exists(request.weights_out));
    EXPECT_FALSE(std::filesystem::exists(request.estimate->out));
}

TEST(DuplicatePersonIds, StopEstimationBeforeAnyFileIsWritten)
{
    TempDir dir;
    EstimateRequest request;
    request.survey = fixture / "survey.csv";
    request.weights = dir.file("weights.csv", "person_id,weight\nP01,10\nP02,10\nP03,10\nP04,10\nP05,10\nP06,10\n"
        "P07,10\nP08,10\n");
    request.spec.variable = "sex";
    request.spec.out = dir.path() / "estimates.csv";
    Diagnostics diagnostics;
    Progress progress;
    const std::string message = data_error([&] { run_estimate(request, diagnostics, progress); });
    EXPECT_NE(message.find("survey.csv:7:1: person_id 'P03' is already on line 4"), std::string::npos) << message;
    EXPECT_EQ(reject_lines(diagnostics), migratlas::test::read_file(fixture / "expected_rejects.txt"));
    EXPECT_FALSE(std::filesystem::exists(request.spec.out));
}

TEST(DuplicatePersonIds, WithoutTheRepeatsTheFixtureCalibrates)
{
    TempDir dir;
    std::string survey = migratlas::test::read_file(fixture / "survey.csv");
    for (const char* repeat : {"P03,10,2,urban\n", "P03,12,1,rural\n", "P07,10,2,rural\n"}) {
        const auto at = survey.rfind(repeat);
        ASSERT_NE(at, std::string::npos);
        survey.erase(at, std::string(repeat).size());
    }
    CalibrateRequest request;
    request.survey = dir.file("survey.csv", survey);
    request.controls = fixture / "controls.csv";
    request.weights_out = dir.path() / "weights.csv";
    Diagnostics diagnostics;
    Progress progress;
    const auto outcome = run_calibrate(request, diagnostics, progress);
    EXPECT_EQ(outcome.rows_read, 8U);
    EXPECT_NEAR(outcome.result.total_calibrated, 100.0, 1e-9);
}

TEST(DuplicatePersonIds, ARowRejectedForAnotherReasonIsNotTheFirstOccurrence)
{
    TempDir dir;
    const auto path = dir.file("survey.csv", "person_id,design_weight,sex\nA,abc,1\nA,10,1\nB,10,2\n");
    Diagnostics diagnostics;
    SurveyReadSpec spec;
    spec.categorical = {"sex"};
    const SurveyData data = read_survey(path, spec, diagnostics);
    EXPECT_EQ(data.size(), 2U);
    EXPECT_EQ(diagnostics.reject_counts().count("duplicate_id"), 0U);
    EXPECT_EQ(diagnostics.reject_counts().at("bad_weight"), 1U);
}

/// Reads ids in the given order (3000 distinct ones, then `repeats`) and returns the rejects.
std::vector<Diagnostic> duplicates_among(const std::vector<int>& order, const std::vector<int>& repeats)
{
    TempDir dir;
    std::string survey = "person_id,design_weight,sex\n";
    for (const int k : order) {
        survey += "id-" + std::to_string(k) + ",10," + std::to_string(1 + k % 2) + "\n";
    }
    for (const int k : repeats) {
        survey += "id-" + std::to_string(k) + ",10,1\n";
    }
    Diagnostics diagnostics;
    SurveyReadSpec spec;
    spec.categorical = {"sex"};
    const SurveyData data = read_survey(dir.file("survey.csv", survey), spec, diagnostics);
    EXPECT_EQ(data.size(), order.size());
    EXPECT_EQ(data.rows_read, data.size() + diagnostics.rejected());
    return diagnostics.entries();
}

TEST(DuplicatePersonIds, AreFoundAfterIdsInIncreasingOrder)
{
    // id-1 ... id-3000 need no index (shorter ids first, then byte order); the repeats build it.
    std::vector<int> increasing(3000);
    std::iota(increasing.begin(), increasing.end(), 1);
    const auto rejects = duplicates_among(increasing, {700, 2999});
    ASSERT_EQ(rejects.size(), 2U);
    EXPECT_EQ(rejects[0].to_string(),
        "survey.csv:3002:1: warning: person_id 'id-700' is already on line 701; each person must appear once "
        "[duplicate_id]");
    EXPECT_EQ(rejects[1].pos.line, 3003U);
}

TEST(DuplicatePersonIds, AreFoundAmongThousandsOfIdsInAnyOrder)
{
    // Descending ids are hashed from the second row on: the index grows before and after the
    // reading sample sizes it.
    std::vector<int> decreasing(3000);
    std::iota(decreasing.rbegin(), decreasing.rend(), 1);
    const auto rejects = duplicates_among(decreasing, {1, 3000, 1500});
    ASSERT_EQ(rejects.size(), 3U);
    EXPECT_EQ(rejects[0].message, "person_id 'id-1' is already on line 3001; each person must appear once");
    EXPECT_EQ(rejects[1].message, "person_id 'id-3000' is already on line 2; each person must appear once");
    EXPECT_EQ(rejects[2].message, "person_id 'id-1500' is already on line 1502; each person must appear once");
}

} // namespace
} // namespace migratlas::survey
