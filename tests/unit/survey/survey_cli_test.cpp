// Runs the real `migratlas calibrate` / `estimate`: exit codes, and no weights file on failure.
#include "workspace/workspace.hpp"
#include "workspace/product_io.hpp"
#include "common/products/survey.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace {

using migratlas::test::TempDir;
const std::filesystem::path fixtures = std::filesystem::path(MIGRATLAS_FIXTURES_DIR) / "calibration";

int run(const std::string& arguments, const std::filesystem::path& log)
{
    const std::string command = std::string(MIGRATLAS_BINARY) + " " + arguments + " 2>" + log.string() + " >/dev/null";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SurveyCli, CollinearControlsFailWithoutWritingWeights)
{
    TempDir dir;
    // The reference controls with the area margin repeated at the end.
    const auto controls = dir.file("controls.csv", migratlas::test::read_file(fixtures / "controls.csv") +
        "area,rural,352447\narea,urban,801870\n");
    const auto out = dir.path() / "weights.csv";
    const int code = run("calibrate --survey " + (fixtures / "survey.csv").string() + " --controls " + controls.string() +
        " --method raking --weights-out " + out.string(), dir.path() / "log.txt");
    EXPECT_EQ(code, 1);
    EXPECT_FALSE(std::filesystem::exists(out));
    const auto log = migratlas::test::read_file(dir.path() / "log.txt");
    EXPECT_NE(log.find("collinear constraints: margin 'area' category 'urban'"), std::string::npos) << log;
}

TEST(SurveyCli, DuplicatePersonIdsFailWithEveryRepeatListed)
{
    TempDir dir;
    const auto duplicates = fixtures / "duplicate_person_ids";
    const auto out = dir.path() / "weights.csv";
    const int code = run("calibrate --survey " + (duplicates / "survey.csv").string() + " --controls " +
        (duplicates / "controls.csv").string() + " --weights-out " + out.string(), dir.path() / "log.txt");
    EXPECT_EQ(code, 1);
    EXPECT_FALSE(std::filesystem::exists(out));
    const auto log = migratlas::test::read_file(dir.path() / "log.txt");
    // Every expected reject is printed, whatever indentation the reporter gives it.
    std::istringstream expected(migratlas::test::read_file(duplicates / "expected_rejects.txt"));
    for (std::string line; std::getline(expected, line);) {
        EXPECT_NE(log.find(line + "\n"), std::string::npos) << line << "\n" << log;
    }
    EXPECT_NE(log.find("duplicate_id 3"), std::string::npos) << log;
}

TEST(SurveyCli, InconsistentTotalsFailWithoutWritingWeights)
{
    TempDir dir;
    const auto controls = dir.file("controls.csv", "margin,category,total\narea,rural,352447\narea,urban,801870\n"
        "sex:age_group,1:0-14,5\n");
    const auto out = dir.path() / "weights.csv";
    const int code = run("calibrate --survey " + (fixtures / "survey.csv").string() + " --controls " + controls.string() +
        " --method linear --weights-out " + out.string(), dir.path() / "log.txt");
    EXPECT_EQ(code, 1);
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(SurveyCli, LogitWithoutBoundsIsBadUsage)
{
    TempDir dir;
    const auto out = dir.path() / "weights.csv";
    const int code = run("calibrate --survey " + (fixtures / "survey.csv").string() + " --controls " +
        (fixtures / "controls.csv").string() + " --method logit --weights-out " + out.string(), dir.path() / "log.txt");
    EXPECT_EQ(code, 2);
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(SurveyCli, CalibrateThenEstimateMatchesOneStepEstimates)
{
    TempDir dir;
    const auto weights = dir.path() / "w.csv";
    const auto one_step = dir.path() / "e1.csv";
    const auto two_step = dir.path() / "e2.csv";
    const std::string survey = (fixtures / "survey.csv").string();
    const std::string controls = (fixtures / "controls.csv").string();
    ASSERT_EQ(run("-q calibrate --survey " + survey + " --controls " + controls +
        " --method logit --bounds 0.3,3 --weights-out " + weights.string() +
        " --estimate born_abroad --by unit_code --strata stratum --psu psu --estimates-out " + one_step.string(),
        dir.path() / "log1.txt"), 0);
    ASSERT_EQ(run("-q estimate --survey " + survey + " --weights " + weights.string() +
        " --variable born_abroad --by unit_code --strata stratum --psu psu --calibrated-with " + controls +
        " --method logit --out " + two_step.string(), dir.path() / "log2.txt"), 0);
    const auto first = migratlas::test::read_file(one_step);
    EXPECT_EQ(first.substr(0, first.find('\n')), "unit_code,estimate,se,cv,ci_low,ci_high,flag");
    const auto all = first.find("\nALL,");
    ASSERT_NE(all, std::string::npos) << first;
    EXPECT_NEAR(std::stod(first.substr(all + 5)), 65206.0, 1e-6);
    // The two-step run reads the weights back from their %.17g text, which round-trips exactly,
    // so both ways give the same numbers up to summation rounding.
    const auto second = migratlas::test::read_file(two_step);
    EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 10);
    ASSERT_EQ(std::count(second.begin(), second.end(), '\n'), 10);
    std::istringstream a(first);
    std::istringstream b(second);
    std::string line_a;
    std::string line_b;
    std::getline(a, line_a);
    std::getline(b, line_b);
    while (std::getline(a, line_a) && std::getline(b, line_b)) {
        const auto comma_a = line_a.find(',');
        ASSERT_EQ(line_a.substr(0, comma_a), line_b.substr(0, line_b.find(',')));
        const double est_a = std::stod(line_a.substr(comma_a + 1));
        const double est_b = std::stod(line_b.substr(comma_a + 1));
        EXPECT_NEAR(est_a, est_b, 1e-12 * est_a) << line_a;
        EXPECT_EQ(line_a.substr(line_a.rfind(',')), line_b.substr(line_b.rfind(','))) << line_a;
    }
    const auto weights_text = migratlas::test::read_file(weights);
    EXPECT_EQ(weights_text.substr(0, 16), "person_id,weight");
    EXPECT_NE(weights_text.find("\n1,154.03715968259"), std::string::npos);  // expected_weights_logit.csv row 1
}

} // namespace

TEST(SurveyCli, WorkspaceKeepsTotalsAndMeansAndReportsCodesMissingFromUnits)
{
    TempDir dir;
    // Units R01..R07 only: R08 estimates must be kept but reported as not joining a map unit.
    std::string geojson = R"({"type":"FeatureCollection","features":[)";
    for (int i = 1; i <= 7; ++i) {
        const double x = i;
        geojson += std::string(i > 1 ? "," : "") + R"({"type":"Feature","properties":{"code":"R0)" +
            std::to_string(i) + R"(","name":"Region )" + std::to_string(i) +
            R"("},"geometry":{"type":"Polygon","coordinates":[[[)" + std::to_string(x) + ",0],[" +
            std::to_string(x + 1) + ",0],[" + std::to_string(x + 1) + ",1],[" + std::to_string(x) + ",1],[" +
            std::to_string(x) + ",0]]]}}";
    }
    geojson += "]}";
    const auto units = dir.file("units.geojson", geojson);
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_EQ(run("geo import " + units.string() + " --code-field code --name-field name --level 1 --workspace " +
        ws.string(), dir.path() / "geo.txt"), 0) << migratlas::test::read_file(dir.path() / "geo.txt");
    const std::string common = "calibrate --survey " + (fixtures / "survey.csv").string() + " --controls " +
        (fixtures / "controls.csv").string() + " --method linear --weights-out " + (dir.path() / "w.csv").string() +
        " --estimate born_abroad --by unit_code --strata stratum --psu psu --workspace " + ws.string();
    ASSERT_EQ(run(common, dir.path() / "total.txt"), 0) << migratlas::test::read_file(dir.path() / "total.txt");
    ASSERT_EQ(run(common + " --mean", dir.path() / "mean.txt"), 0) << migratlas::test::read_file(dir.path() / "mean.txt");
    const auto log = migratlas::test::read_file(dir.path() / "total.txt");
    EXPECT_NE(log.find("'R08' is not a code of the workspace units layer"), std::string::npos) << log;

    auto dataset = migratlas::workspace::open_readonly(ws);
    const migratlas::Table table = migratlas::workspace::read_product(*dataset, migratlas::products::estimates);
    std::size_t statistic_col = table.columns.size();
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        if (table.columns[i].name == "statistic") {
            statistic_col = i;
        }
    }
    ASSERT_LT(statistic_col, table.columns.size());
    std::size_t totals = 0;
    std::size_t means = 0;
    for (const auto& row : table.rows) {
        const auto& statistic = std::get<std::string>(row[statistic_col]);
        totals += statistic == "total" ? 1 : 0;
        means += statistic == "mean" ? 1 : 0;
    }
    EXPECT_EQ(totals, 9U);  // R01..R08 and ALL
    EXPECT_EQ(means, 9U);
}
