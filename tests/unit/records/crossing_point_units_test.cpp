#include "common/table.hpp"
#include "workspace/product_io.hpp"
#include "common/products/records.hpp"
#include "workspace/workspace.hpp"
#include "geo/geos_context.hpp"
#include "geo/unit_index.hpp"
#include "geo/unit_store.hpp"
#include "common/civil_date.hpp"
#include "records/crossing_linker.hpp"
#include "records/crossing_point_units.hpp"
#include "records/link_workspace.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas;
using namespace migratlas::records;

namespace {

/// Two countries sharing the meridian 0 as border: AAA west of it, BBB east; one level-2 and one
/// level-3 unit each, with the same square.
std::filesystem::path two_country_workspace(const test::TempDir& dir)
{
    const auto path = dir.path() / "ws.gpkg";
    geo::GeosContext geos;
    std::vector<geo::Unit> units;
    const auto add = [&](std::string code, std::string parent, int level, const std::string& wkt) {
        geo::Unit unit;
        unit.info.code = std::move(code);
        unit.info.name = unit.info.code;
        unit.info.parent_code = std::move(parent);
        unit.info.level = level;
        unit.source = "test";
        unit.geometry = geos.from_wkt(wkt);
        units.push_back(std::move(unit));
    };
    const std::string west = "MULTIPOLYGON(((-1 0,0 0,0 1,-1 1,-1 0)))";
    const std::string east = "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))";
    add("AAA", "", 1, west);
    add("BBB", "", 1, east);
    add("AAA-01", "AAA", 2, west);
    add("BBB-01", "BBB", 2, east);
    add("AAA-01001", "AAA-01", 3, west);
    add("BBB-01001", "BBB-01", 3, east);
    workspace::Workspace ws(path);
    geo::write_units(ws, geos, units);
    ws.commit();
    return path;
}

CrossingPoint point(std::string id, double lon, double lat, std::string country)
{
    CrossingPoint p;
    p.point_id = std::move(id);
    p.lon = lon;
    p.lat = lat;
    p.country_iso3 = std::move(country);
    return p;
}

} // namespace

TEST(CrossingPointUnits, BridgeJustInsideTheNeighbourSnapsToItsOwnCountry)
{
    test::TempDir dir;
    const auto ws = two_country_workspace(dir);
    // 0.003 degrees east of the border at latitude 0.5 is about 0.33 km inside BBB.
    std::vector<CrossingPoint> points = {point("AAA-BBB-1", 0.003, 0.5, "AAA"), point("AAA-IN", -0.5, 0.5, "AAA"),
        point("FAR", 5.0, 5.0, "AAA")};
    locate_points(points, geo::UnitIndex::from_workspace(ws), 2.0);
    EXPECT_EQ(points[0].unit_level2, "AAA-01");
    EXPECT_EQ(points[0].unit_level3, "AAA-01001");
    ASSERT_TRUE(points[0].distance_level2_km.has_value());
    EXPECT_NEAR(*points[0].distance_level2_km, 0.33, 0.02);
    EXPECT_TRUE(points[0].in_own_country);
    EXPECT_EQ(points[1].unit_level3, "AAA-01001");
    EXPECT_EQ(*points[1].distance_level3_km, 0.0);
    EXPECT_EQ(points[2].unit_level2, "unknown");
    EXPECT_FALSE(points[2].distance_level2_km.has_value());

    // With a tolerance below the distance the containing neighbour unit is used, and flagged.
    std::vector<CrossingPoint> strict = {point("AAA-BBB-1", 0.003, 0.5, "AAA")};
    locate_points(strict, geo::UnitIndex::from_workspace(ws), 0.1);
    EXPECT_EQ(strict[0].unit_level2, "BBB-01");
    EXPECT_FALSE(strict[0].in_own_country);
}

TEST(CrossingPointUnits, UnknownPointCodesAreKeptAsUnknownUnit)
{
    test::TempDir dir;
    const auto ws = two_country_workspace(dir);
    const auto points_csv = dir.file("points.csv", "point_id,name,lon,lat,country_iso3,border_with_iso3,source\n"
                                                   "AAA-BBB-1,Bridge,0.003,0.5,AAA,BBB,test\n"
                                                   "BAD,Broken,abc,0.5,AAA,BBB,test\n");
    Diagnostics diagnostics;
    std::vector<CrossingPoint> points = read_crossing_points(points_csv, diagnostics);
    ASSERT_EQ(points.size(), 1U);
    EXPECT_EQ(diagnostics.reject_counts().at("bad_point"), 1U);
    locate_points(points, geo::UnitIndex::from_workspace(ws), 2.0);

    const auto crossings = dir.file("c.csv", "person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date\n"
                                             "A,2021-06-01T10:00:00Z,IN,AAA-BBB-1,X,F,2010-01-01\n"
                                             "B,2021-06-01T10:00:00Z,IN,NOT-IN-FILE,X,M,\n");
    LinkOptions options;
    options.crossings = crossings;
    options.rule = RuleParameters{*parse_iso_date("2020-01-01"), *parse_iso_date("2021-12-31"), 0, 16, 365};
    Progress progress(false);
    const LinkResult result = link_crossings(options, HmacKey("k"), diagnostics, progress);
    const PointCoverage coverage = point_coverage(result, points);
    EXPECT_EQ(coverage.codes_not_in_points_file, 1U);
    EXPECT_EQ(coverage.crossings_not_in_points_file, 1);

    RunLog log;
    log.command = "link";
    add_link_counts(log, result.counts);
    write_link_workspace(ws, result, points, log);
    auto dataset = workspace::open_readonly(ws);
    const Table events = workspace::read_product(*dataset, products::events_monthly);
    ASSERT_EQ(events.rows.size(), 2U);
    std::map<std::string, std::vector<std::string>> by_point;
    for (const auto& row : events.rows) {
        std::vector<std::string> text;
        for (const auto& v : row) {
            text.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v)
                    : std::holds_alternative<std::int64_t>(v)     ? std::to_string(std::get<std::int64_t>(v))
                                                                  : "");
        }
        by_point[text[5]] = text;
    }
    // month, event_type, sex, age_group, nationality, crossing_point, unit_code, residence_code, persons,
    // events; the input has no residence_code column, so residence is missing (NULL, shown as "").
    EXPECT_EQ(by_point["AAA-BBB-1"], (std::vector<std::string>{"2021-06", "unresolved", "F", "0-17", "X", "AAA-BBB-1",
                                         "AAA-01001", "", "1", "1"}));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(
        events.rows[0][products::events_monthly.column_index("residence_code")]));
    EXPECT_EQ(by_point["NOT-IN-FILE"][6], "unknown");
    EXPECT_EQ(by_point["NOT-IN-FILE"][3], "unknown");
    const Table points_table = workspace::read_product(*dataset, products::crossing_points);
    ASSERT_EQ(points_table.rows.size(), 1U);
    const Table crossings_table = workspace::read_product(*dataset, products::crossings_monthly);
    EXPECT_EQ(crossings_table.rows.size(), 2U);
}
