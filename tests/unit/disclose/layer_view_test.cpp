// Views of published layers: a unit-keyed product drawn on its units (estimates on the map) and
// filtered to one row per unit; a view only leaves rows out and never changes a value or status.
#include "disclose/layer_view.hpp"

#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "common/products/survey.hpp"
#include "disclose/gate.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <gtest/gtest.h>

namespace migratlas {
namespace {

std::vector<TableValue> estimate(const char* unit, const char* variable, double value, double cv, std::int64_t n)
{
    return {std::string(unit), std::string(variable), std::string("total"), std::string("raking"), value, value * cv / 100,
        cv, value * 0.8, value * 1.2, std::string(cv > 30 ? "unreliable" : "ok"), n};
}

class LayerView : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_path = m_dir.path() / "ws.gpkg";
        test::write_tiny_workspace(m_path, {}, {}, false);
        workspace::Workspace ws(m_path);
        Table table = products::estimates.make_table();
        table.rows = {estimate("ALL", "born_abroad", 900, 5, 400), estimate("XNA-01", "born_abroad", 600, 10, 250),
            estimate("XNA-02", "born_abroad", 300, 45, 150), estimate("XNA-01", "intends_to_stay", 100, 20, 60),
            estimate("XNA-02", "intends_to_stay", 50, 25, 40)};
        workspace::write_product(ws, products::estimates, table);
        ws.commit();
        disclose::Request request;
        request.workspace = m_path;
        request.products = {std::string(products::estimates.name), std::string(products::units.name)};
        Diagnostics diagnostics;
        Progress progress;
        m_outcome = disclose::run(request, diagnostics, progress);
    }
    const disclose::PublishedLayer& estimates() const { return m_outcome.layers[0]; }
    const disclose::PublishedLayer& units() const { return m_outcome.layers[1]; }

    test::TempDir m_dir;
    std::filesystem::path m_path;
    disclose::Outcome m_outcome;
};

TEST_F(LayerView, UnitKeyedRowsTakeTheirUnitsPolygonAndKeepEveryValue)
{
    ASSERT_TRUE(disclose::needs_unit_geometry(estimates()));
    EXPECT_FALSE(disclose::needs_unit_geometry(units()));
    const auto spec = disclose::parse_view_spec("born_abroad=estimates:variable=born_abroad", "layers");
    disclose::ViewCounts counts;
    const disclose::PublishedLayer view = disclose::make_view(estimates(), spec, &units(), "layers", counts);
    EXPECT_EQ(view.name(), "born_abroad");
    EXPECT_EQ(view.geometry(), GeometryKind::polygon);
    EXPECT_EQ(counts.rows_read, estimates().table().rows.size());
    EXPECT_EQ(counts.rows_read, counts.rows_kept + counts.filtered_out + counts.without_unit);
    EXPECT_EQ(counts.filtered_out, 3U);  // intends_to_stay: two units and the ALL margin the gate adds
    EXPECT_EQ(counts.without_unit, 1U);  // ALL: the survey total has no polygon
    ASSERT_EQ(view.table().rows.size(), 2U);
    ASSERT_EQ(view.table().geometry_wkb.size(), 2U);
    EXPECT_EQ(view.table().geometry_wkb[0], test::box_wkb(0, 0, 1, 2));  // XNA-01
    EXPECT_EQ(view.table().geometry_wkb[1], test::box_wkb(1, 0, 2, 2));  // XNA-02
    // The same published row, value and status for value: XNA-02's estimate is withheld (CV 45%).
    const auto& base = estimates().table().rows;
    const auto same = std::find(base.begin(), base.end(), view.table().rows[1]);
    EXPECT_NE(same, base.end());
    const std::size_t status = view.column_index("estimate_status");
    EXPECT_EQ(std::get<std::string>(view.table().rows[1][status]), "withheld_quality");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(view.table().rows[1][view.column_index("estimate")]));
    EXPECT_FALSE(view.structure().complete);  // a reader must not take absent cells as zeros
    EXPECT_EQ(view.structure().family, estimates().structure().family);
    EXPECT_NE(view.metadata().method.find("polygons of the published units"), std::string::npos);
}

TEST_F(LayerView, TwoRowsForOneUnitNameTheColumnToFilterOn)
{
    disclose::ViewCounts counts;
    try {
        (void)disclose::make_view(estimates(), disclose::parse_view_spec("estimates", "layers"), &units(), "layers", counts);
        FAIL() << "expected a SettingError";
    } catch (const SettingError& e) {
        EXPECT_EQ(e.setting(), "layers");
        EXPECT_NE(e.message().find("filter on variable (born_abroad, intends_to_stay)"), std::string::npos) << e.message();
    }
}

TEST_F(LayerView, FilterOnAColumnTheLayerLacksIsASettingError)
{
    disclose::ViewCounts counts;
    EXPECT_THROW((void)disclose::make_view(estimates(), disclose::parse_view_spec("estimates:colour=red", "layers"), &units(),
                     "layers", counts),
        SettingError);
}

TEST_F(LayerView, FilterWithAlternativesAndOnNumbers)
{
    disclose::ViewCounts counts;
    const auto level2 = disclose::make_view(units(), disclose::parse_view_spec("units:level=2", "layers"), nullptr, "layers", counts);
    EXPECT_EQ(level2.table().rows.size(), 3U);  // XNA-01, XNA-02, XOE-01
    const auto both = disclose::make_view(units(), disclose::parse_view_spec("pair=units:code=XNA|XOE", "layers"), nullptr, "layers", counts);
    EXPECT_EQ(both.name(), "pair");
    EXPECT_EQ(both.table().rows.size(), 2U);
    EXPECT_EQ(both.table().geometry_wkb.size(), 2U);
}

TEST(ViewSpec, ParsesNameProductAndConditions)
{
    const auto spec = disclose::parse_view_spec("arrivals=unit_flows:flow_type=migration:unit_level=2|3", "layers");
    EXPECT_EQ(spec.name, "arrivals");
    EXPECT_EQ(spec.product, "unit_flows");
    ASSERT_EQ(spec.where.size(), 2U);
    EXPECT_EQ(spec.where[0].first, "flow_type");
    EXPECT_EQ(spec.where[0].second, std::vector<std::string>{"migration"});
    EXPECT_EQ(spec.where[1].second, (std::vector<std::string>{"2", "3"}));
    const auto plain = disclose::parse_view_spec("corridors", "layers");
    EXPECT_TRUE(plain.name.empty());
    EXPECT_TRUE(plain.where.empty());
    for (const char* bad : {"=units", "units:level", "units:=2", "units:level=", ""}) {
        EXPECT_THROW((void)disclose::parse_view_spec(bad, "layers"), SettingError) << bad;
    }
}

} // namespace
} // namespace migratlas
