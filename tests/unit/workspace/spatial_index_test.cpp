// The bulk-built GeoPackage R-tree: SQLite's own check accepts it, a window query finds exactly what
// a scan finds, and in a workspace it behaves as the index GDAL builds (later edits keep it in step).
#include "workspace/product_io.hpp"
#include "workspace/spatial_index.hpp"
#include "test_files.hpp"
#include "workspace_test_support.hpp"

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <set>

namespace migratlas {
namespace {

using workspace_test::count_rows;

struct CloseDatabase {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

Database memory_database()
{
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
    Database db(raw);
    EXPECT_EQ(sqlite3_exec(raw, "CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB)", nullptr, nullptr, nullptr), SQLITE_OK);
    return db;
}

std::string text_of(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string value = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr
        ? reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))
        : "(none)";
    sqlite3_finalize(statement);
    return value;
}

std::set<std::int64_t> ids_of(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::set<std::int64_t> ids;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        ids.insert(sqlite3_column_int64(statement, 0));
    }
    sqlite3_finalize(statement);
    return ids;
}

/// Boxes of a pseudo-random scatter (a fixed linear congruential sequence), some of them large and
/// overlapping like corridors, some repeated like the same corridor in several years.
std::vector<workspace::IndexEntry> scatter(int n)
{
    std::uint64_t state = 12345;
    const auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    std::vector<workspace::IndexEntry> entries;
    for (int i = 1; i <= n; ++i) {
        const double x = -180 + 360 * next(), y = -80 + 160 * next();
        const double w = i % 7 == 0 ? 120 * next() : 2 * next(), h = i % 7 == 0 ? 60 * next() : next();
        entries.push_back({i, x, x + w, y, y + h});
        if (i % 10 == 0) {
            entries.back() = entries[static_cast<std::size_t>(i - 2)];
            entries.back().id = i;
        }
    }
    return entries;
}

TEST(SpatialIndex, BulkBuiltTreePassesSqlitesCheckAndAnswersWindowsLikeAScan)
{
    for (const int n : {0, 1, 51, 52, 2600, 11407}) {
        const Database db = memory_database();
        const std::vector<workspace::IndexEntry> entries = scatter(n);
        workspace::add_rtree_index(db.get(), "t", "geom", "fid", entries);
        EXPECT_EQ(text_of(db.get(), "SELECT rtreecheck('rtree_t_geom')"), "ok") << n;
        EXPECT_EQ(text_of(db.get(), "SELECT COUNT(*) FROM rtree_t_geom"), std::to_string(n));
        for (const auto& [x0, x1, y0, y1] : {std::array<double, 4>{-10, 10, -5, 5}, {100, 140, 20, 60}, {-180, 180, -90, 90}}) {
            std::set<std::int64_t> scanned;
            for (const auto& e : entries) {
                if (e.max_x >= x0 && e.min_x <= x1 && e.max_y >= y0 && e.min_y <= y1) {
                    scanned.insert(e.id);
                }
            }
            const std::string window = "SELECT id FROM rtree_t_geom WHERE maxx >= " + std::to_string(x0) + " AND minx <= " +
                std::to_string(x1) + " AND maxy >= " + std::to_string(y0) + " AND miny <= " + std::to_string(y1);
            // Float boxes are rounded outward, so the index may find a box that touches the window
            // by less than a float's step; it never misses one.
            const std::set<std::int64_t> found = ids_of(db.get(), window);
            for (const std::int64_t id : scanned) {
                EXPECT_TRUE(found.count(id)) << n << ": " << id << " missed by " << window;
            }
            EXPECT_LE(found.size(), scanned.size() + 2) << window;
        }
        EXPECT_EQ(text_of(db.get(), "SELECT extension_name FROM gpkg_extensions WHERE table_name = 't'"), "gpkg_rtree_index");
    }
}

TEST(SpatialIndex, BoxesAreRoundedOutwardToFloats)
{
    const Database db = memory_database();
    workspace::add_rtree_index(db.get(), "t", "geom", "fid", {{7, 0.1, 0.1, -0.3, -0.3}});
    // 0.1 and -0.3 have no float; the stored box must hold them.
    EXPECT_EQ(text_of(db.get(), "SELECT COUNT(*) FROM rtree_t_geom WHERE minx <= 0.1 AND maxx >= 0.1 AND miny <= -0.3 AND maxy >= -0.3"), "1");
    EXPECT_EQ(text_of(db.get(), "SELECT COUNT(*) FROM rtree_t_geom WHERE minx < maxx AND miny < maxy"), "1");
}

constexpr ColumnSpec route_columns[] = {{"route", ColumnType::text, ColumnRole::key, "", "route"}};
constexpr ProductSpec lines{"test_routes", Visibility::internal, GeometryKind::line, route_columns, "routes", "test"};

std::string check_rtree(GDALDataset& dataset, const std::string& rtree)
{
    OGRLayer* result = dataset.ExecuteSQL(("SELECT rtreecheck('" + rtree + "')").c_str(), nullptr, nullptr);
    EXPECT_NE(result, nullptr);
    std::unique_ptr<OGRFeature> feature(result ? result->GetNextFeature() : nullptr);
    const std::string text = feature ? feature->GetFieldAsString(0) : "(none)";
    dataset.ReleaseResultSet(result);
    return text;
}

// The workspace's product layer gets the bulk index at commit; GDAL then sees a spatial index, and a
// feature added later through GDAL (the triggers) lands in it.
TEST(SpatialIndex, WorkspaceLayerIndexIsKeptByLaterEdits)
{
    test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    Table routes = lines.make_table();
    for (int i = 0; i < 300; ++i) {
        routes.rows.push_back({std::string("R") + std::to_string(i)});
        OGRLineString line;
        line.addPoint(-80 + i * 0.1, 0);
        line.addPoint(-80 + i * 0.1 + 0.05, 1);
        std::string wkb(line.WkbSize(), '\0');
        line.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
        routes.geometry_wkb.push_back(wkb);
    }
    {
        workspace::Workspace ws(path);
        workspace::write_product(ws, lines, routes);
        ws.commit();
    }
    {
        const char* const drivers[] = {"GPKG", nullptr};
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
        ASSERT_TRUE(dataset);
        EXPECT_EQ(check_rtree(*dataset, "rtree_test_routes_geom"), "ok");
        EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM rtree_test_routes_geom"), 300);
        OGRLayer* layer = dataset->GetLayerByName("test_routes");
        ASSERT_NE(layer, nullptr);
        EXPECT_TRUE(layer->TestCapability(OLCFastSpatialFilter));
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("route", "new");
        OGRLineString line;
        line.addPoint(10, 10);
        line.addPoint(11, 11);
        OGRMultiLineString multi;
        multi.addGeometry(&line);
        feature.SetGeometry(&multi);
        ASSERT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
    }
    auto dataset = workspace::open_readonly(path);
    EXPECT_EQ(check_rtree(*dataset, "rtree_test_routes_geom"), "ok");
    EXPECT_EQ(count_rows(*dataset, "SELECT COUNT(*) FROM rtree_test_routes_geom"), 301);
    OGRLayer* layer = dataset->GetLayerByName("test_routes");
    layer->SetSpatialFilterRect(10.2, 10.2, 10.8, 10.8);
    EXPECT_EQ(layer->GetFeatureCount(), 1);
    layer->SetSpatialFilterRect(-79.99, 0.2, -79.96, 0.8);  // R0 only
    EXPECT_EQ(layer->GetFeatureCount(), 1);
}

} // namespace
} // namespace migratlas
