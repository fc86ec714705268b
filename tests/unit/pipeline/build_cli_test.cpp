// `migratlas build` end to end: the demo atlas from another directory (the same events as the
// pipeline golden), bad build sections reported at their YAML positions before anything runs, a
// stage's setting error placed in the atlas file, and an output folder that is not a build refused.
#include "cli_run.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using migratlas::test::TempDir;

namespace {

using migratlas::test::CliRun;
using migratlas::test::run_in;
using migratlas::test::slurp;

std::size_t data_lines(const std::filesystem::path& csv)
{
    std::ifstream file(csv);
    std::size_t lines = 0;
    for (std::string line; std::getline(file, line);) {
        ++lines;
    }
    return lines == 0 ? 0 : lines - 1;
}

const std::string render_part = R"(inputs:
  units: {source: units.geojson}
layers:
  values: {type: choropleth, input: units, field: migrants}
pages:
  - name: one
    layers: [values]
)";

std::filesystem::path write_atlas(const TempDir& dir, const std::string& build)
{
    std::filesystem::copy_file(std::string(MIGRATLAS_FIXTURES_DIR) + "/render/units.geojson", dir.path() / "units.geojson",
        std::filesystem::copy_options::overwrite_existing);
    return dir.file("bad.yaml", build + render_part);
}

} // namespace

TEST(BuildCli, DemoAtlasRunsEveryStepFromAnyDirectory)
{
    TempDir dir;
    const std::string atlas = std::string(MIGRATLAS_SOURCE_DIR) + "/atlas/demo.yaml";
    const CliRun run = run_in(dir.path(), "build '" + atlas + "' --out built --dpi 40");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto out = dir.path() / "built";
    const auto summary = nlohmann::json::parse(slurp(out / "build-summary.json"));
    EXPECT_EQ(summary["status"], "ok");
    std::vector<std::string> steps;
    for (const auto& step : summary["steps"]) {
        steps.push_back(step["step"]);
        EXPECT_EQ(step["rows_in"].get<std::uint64_t>() > 0 ? step["rows_in"].get<std::uint64_t>() : step["accepted"].get<std::uint64_t>(),
            step["rows_in"].get<std::uint64_t>() > 0
                ? step["accepted"].get<std::uint64_t>() + step["rejected"].get<std::uint64_t>() + step["duplicates"].get<std::uint64_t>()
                : step["accepted"].get<std::uint64_t>())
            << step.dump();
    }
    EXPECT_EQ(steps, (std::vector<std::string>{"demo", "geo_import", "geo_import", "geo_import", "link", "calibrate", "border",
                         "calibrate", "flows", "border", "export", "render", "tiles"}));  // not a product name
    // The same demo region and rule as tools/pipeline.sh: the same number of events as its golden.
    const auto golden_events = data_lines(std::string(MIGRATLAS_SOURCE_DIR) + "/tests/golden/demo-small/expected/events.csv");
    EXPECT_EQ(summary["steps"][4]["accepted"].get<std::size_t>(), golden_events);
    EXPECT_EQ(data_lines(out / "internal" / "events.csv"), golden_events);
    EXPECT_TRUE(std::filesystem::exists(out / "workspace.gpkg"));
    EXPECT_TRUE(std::filesystem::exists(out / "internal" / "estimates.csv"));
    struct stat key {};
    ASSERT_EQ(::stat((out / "internal" / "hmac.key").c_str(), &key), 0);
    EXPECT_EQ(key.st_mode & 0777, 0600U);
    std::size_t pages = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out / "atlas")) {
        pages += entry.path().extension() == ".png" ? 1 : 0;
    }
    EXPECT_GE(pages, 12U);
    EXPECT_TRUE(std::filesystem::exists(out / "atlas" / "index.html"));
    EXPECT_NE(run.err.find("== 5/13 link"), std::string::npos) << run.err;
    // What leaves the office went through the gate and carries its metadata; the tiles exist.
    for (const char* format : {"csv", "gpkg"}) {
        EXPECT_TRUE(std::filesystem::exists(out / "published" / format / "datapackage.json")) << format;
    }
    EXPECT_TRUE(std::filesystem::exists(out / "tiles" / "atlas.pmtiles"));
    EXPECT_TRUE(std::filesystem::exists(out / "tiles" / "atlas.mbtiles"));
    const std::string published = slurp(out / "published" / "csv" / "datapackage.json");
    EXPECT_NE(published.find("unit_flows"), std::string::npos);
    // A later process publishing from the build's workspace loads the patterns the build stored
    // beside it (disclose/pattern_cache.hpp) and writes the same files.
    EXPECT_TRUE(std::filesystem::is_directory(out / "workspace.gpkg.disclosure-cache"));
    const CliRun again = run_in(dir.path(), "export --workspace built/workspace.gpkg --layer crossings_monthly,flows "
        "--format csv --out again --threshold 10");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find("crossings_monthly: protected pattern loaded from"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("flows: protected pattern loaded from"), std::string::npos) << again.err;
    for (const char* file : {"crossings_monthly.csv", "flows.csv"}) {
        EXPECT_EQ(slurp(dir.path() / "again" / file), slurp(out / "published" / "csv" / file)) << file;
    }
    // A rebuild into the same folder replaces everything but that cache, and loads from it.
    const std::string first_flows = slurp(out / "published" / "csv" / "flows.csv");
    const CliRun rebuild = run_in(dir.path(), "build '" + atlas + "' --out built --dpi 40");
    ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
    EXPECT_NE(rebuild.err.find("pattern_from_cache"), std::string::npos) << rebuild.err;
    EXPECT_EQ(slurp(out / "published" / "csv" / "flows.csv"), first_flows);
}

TEST(BuildCli, ATypoInTheBuildSectionFailsAtItsPositionBeforeAnythingRuns)
{
    TempDir dir;
    const auto atlas = write_atlas(dir, "build:\n  steps:\n    - link: {crossings: c.csv, params: p.txt, snap_kms: 3}\n");
    const CliRun run = run_in(dir.path(), "build bad.yaml --out built");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("bad.yaml:3:47: unknown setting 'snap_kms' in step 'link'"), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "built"));
}

TEST(BuildCli, AnUnknownStepListsTheSteps)
{
    TempDir dir;
    write_atlas(dir, "build:\n  steps:\n    - lnk: {}\n");
    const CliRun run = run_in(dir.path(), "build bad.yaml --out built");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("bad.yaml:3:12: unknown step 'lnk' (steps: geo_import, link, calibrate, flows, border, export, render, tiles)"), std::string::npos)
        << run.err;
}

TEST(BuildCli, AStageSettingErrorNamesTheAtlasLine)
{
    TempDir dir;
    std::ofstream(dir.path() / "c.csv") << "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n";
    std::ofstream(dir.path() / "p.txt") << "observation_start=2023-01-01\nobservation_end=2024-12-31\n"
                                           "reference_utc_offset=-05:00\nwindow_months=16\nmin_days=365\n";
    write_atlas(dir, "build:\n  steps:\n    - link: {crossings: c.csv, params: p.txt,\n             snap_km: 80}\n");
    const CliRun run = run_in(dir.path(), "build bad.yaml --out built");
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("bad.yaml:4:23: "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("(setting snap_km of step 'link')"), std::string::npos) << run.err;
    const auto summary = nlohmann::json::parse(slurp(dir.path() / "built" / "build-summary.json"));
    EXPECT_EQ(summary["status"], "failed");
    EXPECT_EQ(summary["steps"].back()["step"], "link");
}

TEST(BuildCli, RefusesAnOutputFolderThatIsNotABuild)
{
    TempDir dir;
    write_atlas(dir, "");
    std::filesystem::create_directories(dir.path() / "mine");
    std::ofstream(dir.path() / "mine" / "thesis.tex") << "keep me";
    const CliRun run = run_in(dir.path(), "build bad.yaml --out mine");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("is not empty and holds no build-summary.json"), std::string::npos) << run.err;
    EXPECT_EQ(slurp(dir.path() / "mine" / "thesis.tex"), "keep me");
}
