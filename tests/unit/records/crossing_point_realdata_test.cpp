// The real crossing points of ../shared/realdata located in the real Colombian and Venezuelan
// boundaries: the Cúcuta bridges lie just inside Táchira and must snap back into Colombia.
// Skips when ../shared/realdata is absent.
#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "geo/geography_import.hpp"
#include "geo_runs.hpp"
#include "geo/unit_index.hpp"
#include "records/crossing_point_units.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace migratlas;
using namespace migratlas;
using namespace migratlas::records;

namespace {

const std::filesystem::path realdata = MIGRATLAS_SHARED_DIR "/realdata";

geo::GeographyOptions level(const char* code_field, const char* name_field, int lvl, std::string prefix,
    std::string parent)
{
    geo::GeographyOptions o;
    o.mapping.code_field = code_field;
    o.mapping.name_field = name_field;
    o.mapping.level = lvl;
    o.mapping.code_prefix = std::move(prefix);
    o.mapping.parent_code = std::move(parent);
    return o;
}

} // namespace

TEST(CrossingPointRealData, CucutaBridgesSnapIntoColombiaAndRumichacaIsInNarino)
{
    if (!std::filesystem::exists(realdata / "crossing_points.csv")) {
        GTEST_SKIP() << "../shared/realdata is not beside the checkout; real-data test skipped";
    }
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    Progress quiet;
    geo::GeographyOptions countries;
    countries.mapping.layer = "countries1";
    countries.mapping.where = "id IN ('COL','VEN')";
    countries.mapping.code_field = "id";
    countries.mapping.name_field = "name";
    countries.mapping.level = 1;
    ASSERT_TRUE(test::import_geography((realdata / "boundaries/world-countries.json").string(), countries, ws, quiet).written);
    ASSERT_TRUE(test::import_geography((realdata / "boundaries/colombia-departments.json").string(),
        level("ID_1", "NAME_1", 2, "COL-", "COL"), ws, quiet).written);
    ASSERT_TRUE(test::import_geography((realdata / "boundaries/venezuela-estados.json").string(),
        level("ID_1", "NAME_1", 2, "VEN-", "VEN"), ws, quiet).written);

    Diagnostics diagnostics;
    std::vector<CrossingPoint> points = read_crossing_points(realdata / "crossing_points.csv", diagnostics);
    EXPECT_EQ(points.size(), 36U);
    locate_points(points, geo::UnitIndex::from_workspace(ws), 2.0);
    std::map<std::string, const CrossingPoint*> by_id;
    for (const auto& p : points) {
        by_id[p.point_id] = &p;
    }
    for (const char* id : {"COL-VEN-SIMON-BOLIVAR", "COL-VEN-FP-SANTANDER", "COL-VEN-TIENDITAS"}) {
        ASSERT_TRUE(by_id.count(id)) << id;
        const CrossingPoint& p = *by_id[id];
        EXPECT_TRUE(p.unit_level2.starts_with("COL-")) << id << " -> " << p.unit_level2;
        EXPECT_TRUE(p.in_own_country) << id;
        ASSERT_TRUE(p.distance_level2_km.has_value()) << id;
        // README §2: 0.26-0.43 km outside every Colombian department.
        EXPECT_GT(*p.distance_level2_km, 0.2) << id;
        EXPECT_LT(*p.distance_level2_km, 0.5) << id;
        EXPECT_EQ(p.unit_level3, "unknown") << id;  // no level-3 units imported
    }
    const CrossingPoint& rumichaca = *by_id.at("COL-ECU-RUMICHACA");
    EXPECT_EQ(rumichaca.distance_level2_km.value_or(-1), 0.0);
    EXPECT_TRUE(rumichaca.unit_level2.starts_with("COL-"));
    // Texas ports have no units in this workspace: unknown, kept.
    EXPECT_EQ(by_id.at("USA-MEX-ELP-ELP-PASO")->unit_level2, "unknown");
}
