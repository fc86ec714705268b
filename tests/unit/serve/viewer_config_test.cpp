#include "serve/serve_run.hpp"
#include "serve/viewer_config.hpp"

#include "common/error.hpp"
#include "serve_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace migratlas::serve {
namespace {

class ServeViewerConfig : public ::testing::Test {
protected:
    ServeViewerConfig()
        : m_tileset("atlas", 0, open_tile_source(test::tiles_dir() / "atlas.mbtiles"), m_cache, TileResponseSettings{})
    {
    }

    static const nlohmann::json* layer(const nlohmann::json& config, const std::string& id)
    {
        for (const auto& entry : config["layers"]) {
            if (entry["id"] == id) {
                return &entry;
            }
        }
        return nullptr;
    }

    TileCache m_cache{1 << 20};
    Tileset m_tileset;
};

// classes.json as `migratlas render` writes it (format migratlas-classes/1).
constexpr const char* atlas_classes = R"({
  "format": "migratlas-classes/1",
  "layers": [
    {"layer": "arrivals", "type": "choropleth", "source": "product:units", "field": "persons", "title": "Arrivals",
     "unit": "persons", "method": "natural_breaks", "breaks": [0, 2000, 5000, 9000],
     "colours": ["#fee8c8", "#fdbb84", "#e34a33"], "labels": ["0 - 2,000", "2,001 - 5,000", "5,001 - 9,000"],
     "missing": {"label": "no data", "colour": "#d4d4d4"},
     "hatches": {"suppressed": {"label": "Suppressed: fewer than 10 persons", "status": ["primary", "secondary"]},
                 "unreliable": {"label": "Unreliable: CV above 30%", "status": ["withheld_quality"]}}},
    {"layer": "born_abroad", "type": "choropleth", "source": "product:units", "field": "born_abroad_pct",
     "title": "Born abroad", "unit": "%", "breaks": [8, 12, 16], "colours": ["#deebf7", "#3182bd"], "labels": ["8-12", "12-16"]},
    {"layer": "points", "type": "symbols", "source": "product:crossing_points", "field": "crossings", "title": "Crossings",
     "max_value": 15000, "max_size_mm": 10, "colour": "#6a51a3"},
    {"layer": "flows", "type": "corridors", "source": "product:flows", "field": "flow_count", "max_value": 10, "max_size_mm": 3}
  ]
})";

TEST_F(ServeViewerConfig, DefaultConfigShowsEveryVectorLayerWithItsFields)
{
    const auto config = default_viewer_config({&m_tileset}, true);
    ASSERT_EQ(config["layers"].size(), 3U);
    const auto* units = layer(config, "atlas-units");
    ASSERT_NE(units, nullptr);
    EXPECT_EQ((*units)["key"], "code");
    EXPECT_EQ((*units)["label"], "name");
    EXPECT_TRUE((*units)["geometry"] == "polygon" || (*units)["geometry"] == "auto");
    EXPECT_EQ((*units)["popup"].size(), 9U);
    EXPECT_EQ((*layer(config, "atlas-crossing_points"))["key"], "point_id");
}

TEST_F(ServeViewerConfig, AtlasClassesGiveTheSameClassesColoursAndHatches)
{
    auto config = default_viewer_config({&m_tileset}, false);
    Diagnostics diagnostics;
    apply_atlas_classes(config, nlohmann::json::parse(atlas_classes), {&m_tileset}, "classes.json", diagnostics);
    const auto* arrivals = layer(config, "arrivals");
    ASSERT_NE(arrivals, nullptr);
    EXPECT_EQ((*arrivals)["source_layer"], "units");
    EXPECT_EQ((*arrivals)["geometry"], "polygon");
    EXPECT_EQ((*arrivals)["value"]["property"], "persons");
    EXPECT_EQ((*arrivals)["value"]["status"], "persons_status");
    ASSERT_EQ((*arrivals)["classes"].size(), 3U);
    EXPECT_EQ((*arrivals)["classes"][1], (nlohmann::json{{"min", 2000}, {"max", 5000}, {"colour", "#fdbb84"}, {"label", "2,001 - 5,000"}}));
    EXPECT_EQ((*arrivals)["group"], "choropleths");
    EXPECT_EQ((*layer(config, "born_abroad"))["visible"], false) << "a second choropleth of the same units starts hidden";
    // The popup qualifies values by their status and CV columns instead of listing them.
    bool cv_row = false;
    for (const auto& row : (*arrivals)["popup"]) {
        EXPECT_FALSE(row["property"].get<std::string>().ends_with("_status")) << row.dump();
        cv_row = cv_row || (row["property"] == "born_abroad_pct" && row["cv"] == "born_abroad_cv");
    }
    EXPECT_TRUE(cv_row);
    EXPECT_EQ(config["statuses"]["secondary"]["label"], "Suppressed: fewer than 10 persons");
    EXPECT_EQ(config["statuses"]["withheld_quality"]["hidden"], true);
    const auto* points = layer(config, "points");
    ASSERT_NE(points, nullptr);
    EXPECT_EQ((*points)["geometry"], "point");
    EXPECT_NEAR((*points)["size"]["max_radius"].get<double>(), 10 * 96 / 25.4 / 2, 1e-9);
    EXPECT_EQ((*points)["colour"], "#6a51a3");
    // The atlas's flows are not served: reported; the corridors it does not style keep a generated layer.
    ASSERT_EQ(diagnostics.entries().size(), 1U);
    EXPECT_EQ(diagnostics.entries()[0].code, "atlas_layer_not_served");
    EXPECT_EQ(layer(config, "flows"), nullptr);
    EXPECT_NE(layer(config, "atlas-corridors"), nullptr);
    EXPECT_EQ(layer(config, "atlas-units"), nullptr);
}

// As `migratlas render` writes it for the demo atlas: layers in name order, context layers (fill,
// outline) without colours, plain points.
constexpr const char* render_classes = R"({
  "format": "migratlas-classes/1",
  "layers": [
    {"layer": "a_points", "type": "points", "source": "product:crossing_points", "field": "", "title": "Crossing point", "unit": ""},
    {"layer": "b_lines", "type": "outline", "source": "product:units", "field": "", "title": "Boundary", "unit": ""},
    {"layer": "c_share", "type": "choropleth", "source": "product:units", "field": "persons", "title": "Persons",
     "unit": "persons", "method": "quantiles", "breaks": [0, 100, 9000], "colours": ["#eeeeee", "#333333"],
     "labels": ["0 – 100", "100 – 9,000"], "rule": "class i holds breaks[i] < value <= breaks[i+1]; the first class also holds breaks[0]",
     "palette": "greys", "missing": {"label": "no data", "colour": "#d4d4d4"}},
    {"layer": "d_fill", "type": "fill", "source": "product:units", "field": "", "title": "Units", "unit": ""}
  ]
})";

TEST_F(ServeViewerConfig, AtlasLayersAreDrawnInThePagesOrderWithTheirContextColours)
{
    auto config = default_viewer_config({&m_tileset}, false);
    Diagnostics diagnostics;
    apply_atlas_classes(config, nlohmann::json::parse(render_classes), {&m_tileset}, "classes.json", diagnostics);
    std::vector<std::string> order;
    for (const auto& entry : config["layers"]) {
        order.push_back(entry["id"]);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"d_fill", "c_share", "b_lines", "atlas-corridors", "a_points"}));
    EXPECT_NE(config["title"], "Demo atlas") << "classes.json without a title keeps the generated one";
    auto titled = nlohmann::json::parse(render_classes);
    titled["title"] = "Demo atlas";
    apply_atlas_classes(config, titled, {&m_tileset}, "classes.json", diagnostics);
    EXPECT_EQ(config["title"], "Demo atlas");
    EXPECT_EQ((*layer(config, "d_fill"))["geometry"], "polygon");
    EXPECT_EQ((*layer(config, "d_fill"))["colour"], "#e4e4e4");
    EXPECT_FALSE(layer(config, "d_fill")->contains("value"));
    EXPECT_EQ((*layer(config, "b_lines"))["geometry"], "line") << "an outline draws the polygons' rings";
    EXPECT_EQ((*layer(config, "b_lines"))["width"]["max"], 1);
    EXPECT_EQ((*layer(config, "a_points"))["geometry"], "point");
    EXPECT_TRUE((*layer(config, "a_points"))["colour"].is_string());
    EXPECT_TRUE(diagnostics.entries().empty());
}

TEST_F(ServeViewerConfig, LayersGetTheMonthlySeriesOfTablesKeyedLikeThem)
{
    auto config = default_viewer_config({&m_tileset}, true);
    std::ifstream in(test::fixture_dir() / "published" / "datapackage.json");
    attach_series(config, nlohmann::json::parse(in));
    const auto& units = *layer(config, "atlas-units");
    EXPECT_EQ(units["series"], (nlohmann::json{{"table", "events_monthly"}, {"key", "unit_code"}, {"time", "month"}, {"value", "persons"}}));
    EXPECT_EQ(units["structure"]["age"], "age_group");
    EXPECT_EQ((*layer(config, "atlas-crossing_points"))["series"]["table"], "crossings_monthly");
    EXPECT_FALSE((*layer(config, "atlas-corridors")).contains("series"));
}

TEST_F(ServeViewerConfig, BadFilesAreInputErrorsNamingThem)
{
    migratlas::test::TempDir dir;
    EXPECT_THROW((void)read_viewer_config(dir.file("a.json", "{not json")), InputError);
    EXPECT_THROW((void)read_viewer_config(dir.file("b.json", "[1, 2]")), InputError);
    EXPECT_THROW((void)read_viewer_config(dir.file("c.json", R"({"layers": [{"id": "x", "source_layer": "units"}]})")), InputError);
    EXPECT_THROW((void)read_atlas_classes(dir.file("d.json", R"({"layers": []})")), InputError);
    auto config = read_viewer_config(dir.file("e.json", R"({"layers": [{"id": "x", "tileset": "other", "source_layer": "units"}]})"));
    try {
        attach_sources(config, {{"atlas", {{"tilejson", "atlas.json"}}}}, "", "e.json");
        FAIL() << "a layer of an unserved tileset was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("other"), std::string::npos) << error.what();
    }
    Request request;
    request.viewer_config = dir.path() / "e.json";
    request.classes_file = dir.path() / "d.json";
    Diagnostics diagnostics;
    try {
        (void)viewer_config_for(request, {&m_tileset}, diagnostics);
        FAIL() << "a viewer config and a classes file were both accepted";
    } catch (const SettingError& error) {
        EXPECT_EQ(error.setting(), "classes_file");
    }
}

} // namespace
} // namespace migratlas::serve
