// Runs the real migratlas executable on the geo fixtures: exit codes, --json keys, error sentences.
#include "geo_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>


using namespace migratlas::test;

namespace {
const std::string regions_mapping = " --code-field rid --name-field rname --level 2 --code-prefix TCY- --parent-code TCY";
const std::string country_mapping = " --code-field iso3 --name-field name --level 1";
} // namespace

TEST(GeoCli, CheckJsonPrintsOneDocumentWithTheReportAndStructuredDiagnostics)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture("tiny_regions.geojson") + "'" + regions_mapping + " --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto document = nlohmann::json::parse(run.out);
    EXPECT_EQ(document["command"], "geo check");
    EXPECT_EQ(document["status"], "ok");
    const auto& report = document["outcome"];
    for (const char* key : {"features_read", "units", "invalid_repaired", "parts_merged", "missing_code",
             "missing_geometry", "duplicate_codes", "orphans", "crs", "area_km2_total", "usable"}) {
        EXPECT_TRUE(report.contains(key)) << key;
    }
    EXPECT_EQ(report["features_read"], 5);
    EXPECT_EQ(report["units"], 4);
    EXPECT_EQ(report["parts_merged"], 1);
    EXPECT_EQ(report["usable"], true);
    const auto& diagnostics = document["diagnostics"];
    ASSERT_TRUE(diagnostics["entries"].is_array());
    for (const auto& entry : diagnostics["entries"]) {
        EXPECT_NE(entry["severity"], "error") << entry.dump();
        EXPECT_TRUE(entry.contains("code") && entry.contains("message")) << entry.dump();
    }
}

TEST(GeoCli, FailedCheckStillPrintsItsReportAndEveryErrorAsJson)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture("duplicate_names.geojson") +
        "' --code-field rid --name-field rname --level 1 --json");
    EXPECT_EQ(run.exit_code, 1) << run.err;
    const auto document = nlohmann::json::parse(run.out);
    EXPECT_EQ(document["status"], "failed");
    EXPECT_EQ(document["outcome"]["usable"], false);
    std::size_t errors = 0;
    for (const auto& entry : document["diagnostics"]["entries"]) {
        if (entry["severity"] == "error") {
            ++errors;
            EXPECT_TRUE(entry.contains("file")) << entry.dump();
        }
    }
    EXPECT_GT(errors, 0U);
    EXPECT_NE(run.err.find("not usable"), std::string::npos) << run.err;
}

TEST(GeoCli, CheckExitsOneAndListsTheErrorForDuplicateCodesWithDifferentNames)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture("duplicate_names.geojson") +
        "' --code-field rid --name-field rname --level 1");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("code '2' is used by features 2 'Dos', 3 'Dso' with different names"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("set name_conflict to keep-largest"), std::string::npos);
}

TEST(GeoCli, MissingLevelIsAUsageErrorWithExitCodeTwo)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture("tiny_country.geojson") + "' --code-field iso3 --name-field name");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("--level"), std::string::npos) << run.err;
}

TEST(GeoCli, BadInputsExitOneWithOneSentenceAndNoCrash)
{
    TempDir dir;
    struct Case {
        std::string file, expected;
    };
    const Case cases[] = {
        {"truncated.geojson", "not a vector source GDAL can read"},
        {"not_geospatial.txt", "not a vector source GDAL can read"},
        {"no_such_file.geojson", "file does not exist"},
        {"projected_no_crs.geojson", "the setting assume_srs (EPSG:<code>)"},
    };
    for (const auto& c : cases) {
        const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture(c.file) + "' --code-field rid --name-field rname --level 1");
        EXPECT_EQ(run.exit_code, 1) << c.file << ": " << run.err;
        EXPECT_NE(run.err.find(c.expected), std::string::npos) << c.file << ": " << run.err;
        EXPECT_EQ(run.err.find("internal error"), std::string::npos) << run.err;
    }
}

TEST(GeoCli, MissingFieldNamesTheFieldsThatExist)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "geo check '" + geo_fixture("tiny_country.geojson") + "' --code-field ISO --name-field name --level 1");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("has no field 'ISO' (code_field); its fields are: iso3, name"), std::string::npos) << run.err;
}

TEST(GeoCli, ImportBuildsAHierarchyAndCheckVerifiesParentsAgainstTheWorkspace)
{
    TempDir dir;
    const std::string ws = (dir.path() / "ws.gpkg").string();
    // Without the country, the regions are orphans: import fails and writes nothing.
    CliRun run = run_cli(dir.path(), "-q geo import '" + geo_fixture("tiny_regions.geojson") + "'" + regions_mapping + " --workspace '" + ws + "'");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("parent 'TCY' is not in the source or the workspace"), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(ws));

    run = run_cli(dir.path(), "-q geo import '" + geo_fixture("tiny_country.geojson") + "'" + country_mapping + " --workspace '" + ws + "'");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    run = run_cli(dir.path(), "geo check '" + geo_fixture("tiny_regions.geojson") + "'" + regions_mapping + " --workspace '" + ws + "' --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(nlohmann::json::parse(run.out)["outcome"]["orphans"], 0);
    run = run_cli(dir.path(), "geo import '" + geo_fixture("tiny_regions.geojson") + "'" + regions_mapping + " --workspace '" + ws + "' --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto report = nlohmann::json::parse(run.out)["outcome"];
    EXPECT_EQ(report["units_in_workspace"], 5);
    EXPECT_EQ(report["neighbour_pairs"], 4);
    EXPECT_EQ(report["written"], true);
}

TEST(GeoCli, DemoRegionOfFourHundredLevelThreeUnitsImportsWithoutGapsOrOverlaps)
{
    TempDir dir;
    const auto demo = dir.path() / "demo";
    CliRun run = run_cli(dir.path(), "-q demo --out '" + demo.string() + "' --seed 7 --scale small");
    const auto geographies = demo / "geographies.gpkg";
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_TRUE(std::filesystem::exists(geographies)) << "migratlas demo did not write geographies.gpkg";
    const std::string ws = (dir.path() / "ws.gpkg").string();
    const std::string source = " '" + geographies.string() + "' --code-field code --name-field name --workspace '" + ws + "'";
    run = run_cli(dir.path(), "-q geo import" + source + " --layer level1 --level 1");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    run = run_cli(dir.path(), "-q geo import" + source + " --layer level2 --level 2 --parent-field parent_code");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    run = run_cli(dir.path(), "-q geo import" + source + " --layer level3 --level-field level --parent-field parent_code --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto report = nlohmann::json::parse(run.out)["outcome"];
    EXPECT_GE(report["units"].get<int>(), 300);
    EXPECT_EQ(report["orphans"], 0);
    // The generator promises units that nest exactly and tile their parent.
    EXPECT_EQ(report["overlaps"], 0);
    EXPECT_EQ(report["gaps"], 0);
    EXPECT_GT(report["neighbour_pairs"].get<int>(), report["units"].get<int>());
}
