// Small pure parts of the render stage: templates, colours and palettes, page projection and
// scale bar, layout, the grouping of products for the gate.
#include "common/products/flows.hpp"
#include "common/products/records.hpp"
#include "common/products/survey.hpp"
#include "render/colour.hpp"
#include "render/page_builder.hpp"
#include "render/page_projection.hpp"
#include "render/palette.hpp"
#include "render/published_input.hpp"
#include "render/template_fill.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace migratlas::render;

TEST(TemplateFill, ValuesSectionsAndEscaping)
{
    TemplateValues values;
    values.set("name", "a<b").set("raw", "<x/>");
    values.set_list("items", {TemplateValues().set("v", "1"), TemplateValues().set("v", "2")});
    values.set_list("none", {});
    EXPECT_EQ(fill_template("{{name}} {{{raw}}} {{#items}}[{{v}}{{name}}]{{/items}}{{^none}}empty{{/none}}", values),
        "a&lt;b <x/> [1a&lt;b][2a&lt;b]empty");
    EXPECT_THROW((void)fill_template("{{missing}}", values), std::logic_error);
}

TEST(TemplateFill, EveryBuiltInTemplateIsThere)
{
    for (const char* name : {"map", "page", "choropleth", "symbols", "corridors", "points", "basemap", "labels",
             "hatch_suppressed", "hatch_unreliable"}) {
        EXPECT_TRUE(builtin_templates().count(name)) << name;
    }
}

TEST(Colour, ParsesWhatAtlasFilesWrite)
{
    EXPECT_EQ(parse_colour("#1a2B3c"), (Colour{0x1a, 0x2b, 0x3c, 255}));
    EXPECT_EQ(parse_colour("#fff"), (Colour{255, 255, 255, 255}));
    EXPECT_EQ(parse_colour("#00000080"), (Colour{0, 0, 0, 128}));
    EXPECT_EQ(parse_colour("grey"), (Colour{128, 128, 128, 255}));
    EXPECT_FALSE(parse_colour("#12345"));
    EXPECT_FALSE(parse_colour("bluish"));
    EXPECT_EQ(to_hex(Colour{1, 2, 255, 255}), "#0102ff");
}

TEST(Palette, SequentialRampsDarkenMonotonically)
{
    for (const auto& name : palette_names()) {
        const Palette& palette = *find_palette(name);
        if (palette.kind != PaletteKind::sequential) {
            continue;
        }
        for (int count = 3; count <= 9; ++count) {
            const auto colours = sequential_colours(palette, count);
            ASSERT_EQ(colours.size(), static_cast<std::size_t>(count));
            for (std::size_t i = 1; i < colours.size(); ++i) {
                EXPECT_LT(lightness(colours[i]), lightness(colours[i - 1]) - 3) << name << " " << count << " class " << i;
            }
        }
    }
}

TEST(Palette, DivergingIsSymmetricAroundTheNeutralMiddle)
{
    const Palette& palette = *find_palette("rdbu");
    const auto colours = diverging_colours(palette, 2, true, 2);
    ASSERT_EQ(colours.size(), 5U);
    EXPECT_NEAR(lightness(colours[0]), lightness(colours[4]), 6);
    EXPECT_NEAR(lightness(colours[1]), lightness(colours[3]), 6);
    EXPECT_GT(lightness(colours[2]), lightness(colours[1]));
    EXPECT_TRUE(find_palette("ylgnbu")->colour_blind_safe);
    EXPECT_FALSE(find_palette("spectral")->colour_blind_safe);
}

TEST(PageProjection, EqualAreaProjectionCentredOnTheExtent)
{
    LonLatBox box;
    box.add(-73, 2);
    box.add(-66, 8);
    const MapProjection projection("auto", box, {});
    EXPECT_NE(projection.definition().find("+proj=laea +lat_0=5.0000 +lon_0=-69.5000"), std::string::npos);
    const auto centre = projection.forward(-69.5, 5);
    EXPECT_NEAR(centre[0], 0, 1e-6);
    EXPECT_NEAR(centre[1], 0, 1e-6);
    // At the centre of an azimuthal projection the scale is true: 1 km on the ground per km.
    EXPECT_NEAR(projection.ground_km_per_metre(0, 0) * 1000, 1.0, 1e-4);
    EXPECT_THROW(MapProjection("EPSG:4326", box, {"a.yaml", 3, 5}), std::exception);
}

TEST(PageProjection, ScaleBarIsTrueOnTheGroundInAConformalProjection)
{
    // Web Mercator stretches by 1/cos(latitude): at 60°N a projected metre is half a metre on the ground.
    LonLatBox box;
    box.add(10, 59);
    box.add(12, 61);
    const MapProjection mercator("EPSG:3857", box, {});
    const auto [x, y] = mercator.forward(11, 60);
    EXPECT_NEAR(mercator.ground_km_per_metre(x, y) * 1000, 0.5, 0.002);
}

TEST(PageProjection, RoundScaleBarLengths)
{
    // 1.3 km per paper mm and 40 mm available: 52 km fit, the bar is 50 km long, 38.5 mm on paper.
    const ScaleBar bar = make_scale_bar(1.3, 40);
    EXPECT_DOUBLE_EQ(bar.length_km, 50);
    EXPECT_NEAR(bar.length_mm, 38.4615, 1e-3);
    EXPECT_DOUBLE_EQ(make_scale_bar(0.07, 40).length_km, 2.5);
    EXPECT_DOUBLE_EQ(make_scale_bar(30, 40).length_km, 1000);
}

TEST(PageProjection, FitExtentKeepsTheFrameShape)
{
    const ProjectedBox fitted = fit_extent({0, 0, 100, 50}, 0.0, 200, 200);
    EXPECT_DOUBLE_EQ(fitted.width(), 100);
    EXPECT_DOUBLE_EQ(fitted.height(), 100);
    EXPECT_DOUBLE_EQ(fitted.min_y, -25);
}

TEST(Layout, PortraitAndLandscapeKeepEverythingOnThePaper)
{
    for (const bool landscape : {false, true}) {
        for (const PaperSize size : {PaperSize::a4, PaperSize::a3, PaperSize::letter}) {
            Paper paper;
            paper.size = size;
            paper.landscape = landscape;
            const PageLayout layout = layout_page(paper, 3);
            for (const Rect& r : {layout.map, layout.legend, layout.overview, layout.scale_bar, layout.notes}) {
                EXPECT_GE(r.x, 0);
                EXPECT_GE(r.y, 0);
                EXPECT_LE(r.x + r.w, paper.width_mm() + 1e-9);
                EXPECT_LE(r.y + r.h, paper.height_mm() + 1e-9);
            }
            EXPECT_GT(layout.map.w * layout.map.h, 0.45 * paper.width_mm() * paper.height_mm());
        }
    }
}

TEST(ProtectedTogether, ProductsOfOneTableFamilyShareAGroupInRequestOrder)
{
    // unit_flows and corridors are linked to flows (one family); crossing_points to crossings_monthly.
    const auto request = [](const std::string& key, const migratlas::ProductSpec& product) {
        ProductRequest wanted;
        wanted.key = key;
        wanted.product = std::string(product.name);
        return wanted;
    };
    namespace products = migratlas::products;
    const auto groups = protected_together({request("view:arrivals", products::unit_flows), request("estimates", products::estimates),
        request("corridors", products::corridors), request("points", products::crossing_points),
        request("view:departures", products::unit_flows)});
    ASSERT_EQ(groups.size(), 3U);
    ASSERT_EQ(groups[0].size(), 3U);
    EXPECT_EQ(groups[0][0].key, "view:arrivals");
    EXPECT_EQ(groups[0][1].key, "corridors");
    EXPECT_EQ(groups[0][2].key, "view:departures");
    ASSERT_EQ(groups[1].size(), 1U);
    EXPECT_EQ(groups[1][0].key, "estimates");
    ASSERT_EQ(groups[2].size(), 1U);
    EXPECT_EQ(groups[2][0].key, "points");
}
