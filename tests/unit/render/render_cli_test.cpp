// `migratlas render` end to end: the demo atlas (at a low resolution, to keep CI fast), errors that
// need the data (a missing field, a series over a level that does not exist) with their YAML
// positions, and nothing written when a run fails.
#include "render_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace migratlas::test;

namespace {

std::string fixture(const std::string& name)
{
    return std::string(MIGRATLAS_FIXTURES_DIR) + "/render/" + name;
}

/// An atlas file beside a copy of the fixture data, so that relative paths resolve.
std::filesystem::path write_atlas(const TempDir& dir, const std::string& text)
{
    std::filesystem::copy_file(fixture("units.geojson"), dir.path() / "units.geojson", std::filesystem::copy_options::overwrite_existing);
    return dir.file("bad.yaml", text);
}

const std::string base = R"(inputs:
  units: {source: units.geojson}
layers:
  values: {type: choropleth, input: units, field: migrants}
pages:
  - name: one
    layers: [values]
)";

} // namespace

TEST(RenderCli, DemoAtlasHasAtLeastTwelvePagesWithASeries)
{
    TempDir dir;
    // The demo atlas draws demo inputs and workspace products: its own build makes both.
    const CliRun run = run_cli(dir.path(), "-q build '" + std::string(MIGRATLAS_SOURCE_DIR) + "/atlas/demo.yaml' --out '" +
        (dir.path() / "built").string() + "' --dpi 40");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::filesystem::rename(dir.path() / "built" / "atlas", dir.path() / "pages");
    std::size_t pages = 0, series = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "pages")) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() == ".png") {
            ++pages;
            series += name.rfind("department-XNA-", 0) == 0 ? 1 : 0;
        }
    }
    EXPECT_GE(pages, 12U);
    EXPECT_GE(series, 10U);
    const auto classes = nlohmann::json::parse(slurp(dir.path() / "pages" / "classes.json"));
    EXPECT_EQ(classes["format"], "migratlas-classes/1");
    bool density = false;
    for (const auto& layer : classes["layers"]) {
        if (layer["layer"] == "density") {
            density = true;
            EXPECT_EQ(layer["method"], "manual");
            EXPECT_EQ(layer["breaks"].size(), layer["colours"].size() + 1);
            EXPECT_EQ(layer["labels"].size(), layer["colours"].size());
            EXPECT_EQ(layer["breaks"][1], 10.0);
            EXPECT_TRUE(layer["hatches"].contains("suppressed"));
        }
    }
    EXPECT_TRUE(density);
}

TEST(RenderCli, MissingFieldNamesTheYamlPosition)
{
    TempDir dir;
    const auto atlas = write_atlas(dir, base.substr(0, base.find("field: migrants")) + "field: migrnts}\npages:\n  - name: one\n    layers: [values]\n");
    const CliRun run = run_cli(dir.path(), "render --atlas '" + atlas.string() + "' --out '" + (dir.path() / "out").string() + "'");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("bad.yaml:4:51: layer 'values' field: 'units' has no field 'migrnts' (fields: "), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "one.png"));
}

TEST(RenderCli, SeriesOverALevelThatDoesNotExist)
{
    TempDir dir;
    const auto atlas = write_atlas(dir, base + "    series: {coverage: units, level: 3}\n");
    const CliRun run = run_cli(dir.path(), "render --atlas '" + atlas.string() + "' --out '" + (dir.path() / "out").string() + "'");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("bad.yaml:8:38: series of page 'one': input 'units' has no unit of level 3 (levels present: 1, 2)"),
        std::string::npos) << run.err;
}

TEST(RenderCli, UnknownPagePatternIsAUsageErrorAndWritesNothing)
{
    TempDir dir;
    const auto atlas = write_atlas(dir, base);
    const auto out = dir.path() / "out";
    const CliRun run = run_cli(dir.path(), "render --atlas '" + atlas.string() + "' --out '" + out.string() + "' --pages 'zz*'");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("usage error: --pages: no page name matches 'zz*' (pages: one) (setting pages)"), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out / "index.html"));
}

TEST(RenderCli, DemoPathsWithoutTheDemoFolderSayHowToMakeIt)
{
    TempDir dir;
    const auto atlas = write_atlas(dir, "inputs:\n  units: {source: \"{demo}/geographies.gpkg\", layer: level3}\n"
                                        "layers:\n  values: {type: outline, input: units}\npages:\n  - name: one\n    layers: [values]\n");
    const CliRun run = run_cli(dir.path(), "render --atlas '" + atlas.string() + "' --out '" + (dir.path() / "out").string() + "'");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("uses {demo}, which is not set: generate the demo region (migratlas demo --out D --seed 42 --scale small) "
                           "and pass --demo-dir D"), std::string::npos) << run.err;
}

TEST(RenderCli, ProductLayersWithoutAWorkspaceSayHowToGiveIt)
{
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "render --atlas '" + std::string(MIGRATLAS_SOURCE_DIR) + "/atlas/demo.yaml' --out '" +
        (dir.path() / "out").string() + "'");
    EXPECT_EQ(run.exit_code, 2);
    // The first product layer in name order (born_abroad_estimate draws estimates), at its YAML position.
    EXPECT_NE(run.err.find("demo.yaml:"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("layer draws product 'estimates': give the workspace (--workspace, or workspace: in the atlas file)"),
        std::string::npos) << run.err;
}

TEST(RenderCli, WorkspaceProductsArriveThroughTheDisclosureGate)
{
    TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    const CliRun import = run_cli(dir.path(), "-q geo import '" + fixture("units.geojson") +
        "' --where 'level = 1' --code-field code --name-field name --level 1 --workspace '" + ws.string() + "'");
    ASSERT_EQ(import.exit_code, 0) << import.err;
    const auto atlas = dir.file("ws.yaml", R"(layers:
  areas: {type: choropleth, product: units, field: area_km2, classify: {method: equal_interval, classes: 2}, label: name}
pages:
  - {name: areas, layers: [areas]}
)");
    const CliRun without = run_cli(dir.path(), "render --atlas '" + atlas.string() + "' --out '" + (dir.path() / "a").string() + "'");
    EXPECT_EQ(without.exit_code, 2);
    EXPECT_NE(without.err.find("ws.yaml:2:38: layer draws product 'units': give the workspace"), std::string::npos) << without.err;
    const CliRun run = run_cli(dir.path(), "-q render --atlas '" + atlas.string() + "' --workspace '" + ws.string() + "' --out '" +
        (dir.path() / "b").string() + "' --dpi 40 --format png");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto classes = nlohmann::json::parse(slurp(dir.path() / "b" / "classes.json"));
    EXPECT_EQ(classes["layers"][0]["source"], "product:units");
    EXPECT_EQ(classes["layers"][0]["colours"].size(), 2U);
}

TEST(RenderCli, PagesWithoutProductsRenderBesideTheGateInAtlasOrder)
{
    // A product page between two pages of plain inputs: those render while the gate protects the
    // product, yet the index, the numbers, the PDF's pages and every pixel stay as in one-page runs.
    TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    const CliRun import = run_cli(dir.path(), "-q geo import '" + fixture("units.geojson") +
        "' --where 'level = 1' --code-field code --name-field name --level 1 --workspace '" + ws.string() + "'");
    ASSERT_EQ(import.exit_code, 0) << import.err;
    std::filesystem::copy_file(fixture("units.geojson"), dir.path() / "units.geojson");
    const auto atlas = dir.file("mixed.yaml", R"(inputs:
  units: {source: units.geojson}
layers:
  values: {type: choropleth, input: units, field: migrants}
  areas: {type: choropleth, product: units, field: area_km2, classify: {method: equal_interval, classes: 2}, label: name}
pages:
  - {name: first, title: "Page {page} of {pages}", layers: [values]}
  - {name: areas, title: "Page {page} of {pages}", layers: [areas]}
  - {name: last, title: "Page {page} of {pages}", layers: [values]}
)");
    const std::string common = "-q render --atlas '" + atlas.string() + "' --workspace '" + ws.string() + "' --dpi 40 ";
    const CliRun whole = run_cli(dir.path(), common + "--out '" + (dir.path() / "whole").string() + "' --format png,pdf --threads 2");
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const std::string index = slurp(dir.path() / "whole" / "index.html");
    const auto first = index.find("first.png"), areas = index.find("areas.png"), last = index.find("last.png");
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(areas, std::string::npos);
    ASSERT_NE(last, std::string::npos);
    EXPECT_LT(first, areas);
    EXPECT_LT(areas, last);
    const std::string pdf = slurp(dir.path() / "whole" / "atlas.pdf");
    std::size_t pdf_pages = 0;
    for (auto at = pdf.find("/Type /Page"); at != std::string::npos; at = pdf.find("/Type /Page", at + 1)) {
        pdf_pages += pdf.compare(at, 12, "/Type /Pages") != 0 ? 1 : 0;
    }
    EXPECT_EQ(pdf_pages, 3U);
    for (const std::string page : {"first", "areas", "last"}) {
        const auto alone = dir.path() / ("alone-" + page);
        const CliRun run = run_cli(dir.path(), common + "--out '" + alone.string() + "' --format png --threads 1 --pages " + page);
        ASSERT_EQ(run.exit_code, 0) << run.err;
        EXPECT_EQ(slurp(alone / (page + ".png")), slurp(dir.path() / "whole" / (page + ".png"))) << page;
    }
}

TEST(RenderCli, InputsOfOneSourceKeepTheirOwnFilters)
{
    // One run opens a source once for all its inputs: an input read after a filtered one of the
    // same layer must see every feature, and each layer classify what it would alone.
    TempDir dir;
    const auto atlas = write_atlas(dir, R"(inputs:
  south: {source: units.geojson, where: "parent_code = 'TC-1'"}
  north: {source: units.geojson, where: "parent_code = 'TC-2'"}
  all: {source: units.geojson}
layers:
  a_south: {type: choropleth, input: south, field: migrants, classify: {method: equal_interval, classes: 2}}
  b_north: {type: choropleth, input: north, field: migrants, classify: {method: equal_interval, classes: 2}}
  c_all: {type: choropleth, input: all, field: migrants, classify: {method: equal_interval, classes: 2}}
pages:
  - {name: south, layers: [a_south]}
  - {name: north, layers: [b_north]}
  - {name: all, layers: [c_all]}
)");
    const std::string common = "-q render --atlas '" + atlas.string() + "' --dpi 36 --format png ";
    const CliRun whole = run_cli(dir.path(), common + "--out '" + (dir.path() / "whole").string() + "'");
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const auto breaks_of = [](const std::filesystem::path& classes, const std::string& layer) {
        const auto json = nlohmann::json::parse(slurp(classes));
        for (const auto& entry : json["layers"]) {
            if (entry["layer"] == layer) {
                return entry["breaks"].dump();
            }
        }
        return std::string("no layer ") + layer;
    };
    std::set<std::string> distinct;
    // Inputs are read in the order of their layers' names: the unfiltered one last.
    for (const std::string page : {"south", "north", "all"}) {
        const std::string layer = page == "south" ? "a_south" : page == "north" ? "b_north" : "c_all";
        const auto alone = dir.path() / ("alone-" + page);
        const CliRun run = run_cli(dir.path(), common + "--out '" + alone.string() + "' --pages " + page);
        ASSERT_EQ(run.exit_code, 0) << run.err;
        const std::string breaks = breaks_of(alone / "classes.json", layer);
        EXPECT_EQ(breaks_of(dir.path() / "whole" / "classes.json", layer), breaks) << layer;
        distinct.insert(breaks);
    }
    EXPECT_EQ(distinct.size(), 3U);  // the three filters really select different units
}
