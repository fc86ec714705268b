// The audit reads tiles as it reads exports: a tileset the tiles stage wrote through the gate passes
// together with the export of the same family; a leaky tileset (a count below the threshold, a raw
// identifier in an attribute, a cell the export hides) fails with the cell named; a tileset without
// the gate's description cannot be audited.
#include "common/error.hpp"
#include "common/products/records.hpp"
#include "disclose/audit.hpp"
#include "publish/export_run.hpp"
#include "test_files.hpp"
#include "tiles/tiles_run.hpp"
#include "tiny_workspace.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace migratlas {
namespace {

using Json = nlohmann::json;

/// Crossings in January 2024 at three points; P1 has 5 in all (primary), so the gate hides it and
/// a complementary total.
std::vector<std::vector<TableValue>> crossings_rows()
{
    std::vector<std::vector<TableValue>> rows;
    for (const auto& [point, direction, nationality, n] : {std::tuple{"P1", "IN", "AAA", 3}, {"P1", "OUT", "AAA", 2},
             {"P2", "IN", "AAA", 40}, {"P2", "OUT", "AAA", 35}, {"P2", "IN", "BBB", 20}, {"P2", "OUT", "BBB", 25},
             {"A1", "IN", "AAA", 50}, {"A1", "OUT", "BBB", 30}}) {
        rows.push_back({std::string("2024-01"), std::string(point), std::string(direction), std::string(nationality),
            std::int64_t{n}});
    }
    return rows;
}

std::filesystem::path small_workspace(const test::TempDir& dir)
{
    const auto path = dir.path() / "ws.gpkg";
    test::write_tiny_workspace(path, {}, {}, false);
    workspace::Workspace ws(path);
    Table points = products::crossing_points.make_table();
    for (const auto& [id, lon, lat, crossings] : {std::tuple{"P1", 2.0, 1.0, 5}, {"P2", 2.0, 0.4, 120}, {"A1", 0.5, 0.5, 80}}) {
        points.rows.push_back({std::string(id), std::string("Point ") + id, lon, lat, std::string("XNA"), std::string("XOE"),
            std::string("XNA-02"), 0.0, std::string("XNA-02001"), 0.0, std::int64_t{1}, std::int64_t{crossings}});
        points.geometry_wkb.push_back(test::point_wkb(lon, lat));
    }
    workspace::write_product(ws, products::crossing_points, points);
    Table monthly = products::crossings_monthly.make_table();
    monthly.rows = crossings_rows();
    workspace::write_product(ws, products::crossings_monthly, monthly);
    ws.commit();
    return path;
}

void export_csv(const std::filesystem::path& workspace, const std::filesystem::path& folder)
{
    publish::Request request;
    request.gate.workspace = workspace;
    request.gate.products = {std::string(products::crossings_monthly.name), std::string(products::crossing_points.name)};
    request.format = publish::Format::csv;
    request.target = folder.string();
    Diagnostics diagnostics;
    Progress quiet;
    (void)publish::run(request, diagnostics, quiet);
}

tiles::Request tiles_request(std::vector<std::filesystem::path> outputs)
{
    tiles::Request request;
    request.outputs = std::move(outputs);
    request.maxzoom = 6;
    return request;
}

void tile_points(const std::filesystem::path& workspace, std::vector<std::filesystem::path> outputs)
{
    tiles::Request request = tiles_request(std::move(outputs));
    request.workspace = workspace;
    request.layers = {std::string(products::crossing_points.name)};
    Diagnostics diagnostics;
    Progress quiet;
    (void)tiles::run(request, diagnostics, quiet);
}

disclose::AuditOutcome audit(const std::vector<std::filesystem::path>& paths, const std::filesystem::path& raw_ids = {})
{
    disclose::AuditRequest request;
    for (const auto& path : paths) {
        request.paths.push_back(path.string());
    }
    request.raw_ids = raw_ids;
    request.exact = true;
    Diagnostics diagnostics;
    Progress quiet;
    return disclose::run_audit(request, diagnostics, quiet);
}

std::string findings_text(const disclose::AuditOutcome& outcome)
{
    std::string text;
    for (const disclose::AuditFinding& finding : outcome.findings) {
        text += finding.kind + " | " + finding.where + " | " + finding.message + "\n";
    }
    return text;
}

bool has_finding(const disclose::AuditOutcome& outcome, const std::string& kind, const std::vector<std::string>& parts)
{
    return std::any_of(outcome.findings.begin(), outcome.findings.end(), [&](const disclose::AuditFinding& finding) {
        const std::string text = finding.where + " " + finding.message;
        return finding.kind == kind && std::all_of(parts.begin(), parts.end(), [&](const std::string& part) {
            return text.find(part) != std::string::npos;
        });
    });
}

std::string sql_text(const std::filesystem::path& mbtiles, const std::string& sql)
{
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(mbtiles.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

void set_json_metadata(const std::filesystem::path& mbtiles, const std::string& json)
{
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(mbtiles.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE metadata SET value = ? WHERE name = 'json'", -1, &statement, nullptr), SQLITE_OK);
    sqlite3_bind_text(statement, 1, json.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE);
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

/// What a careless publisher might tile: the crossing points with their true counts, statuses
/// claiming every value is published, and a raw person identifier in the name of one point.
std::filesystem::path leaky_points(const test::TempDir& dir)
{
    const auto path = dir.path() / "leaky_points.geojson";
    Json features = Json::array();
    for (const auto& [id, name, lon, lat, crossings] :
        {std::tuple{"P1", "Point P1", 2.0, 1.0, 5}, {"P2", "Point P2", 2.0, 0.4, 120}, {"A1", "RAW-4711-X", 0.5, 0.5, 80}}) {
        features.push_back(Json{{"type", "Feature"},
            {"properties", {{"point_id", id}, {"name", name}, {"crossings", crossings}, {"crossings_status", "published"}}},
            {"geometry", {{"type", "Point"}, {"coordinates", {lon, lat}}}}});
    }
    std::ofstream(path) << Json{{"type", "FeatureCollection"}, {"features", features}}.dump();
    return path;
}

TEST(AuditTiles, TilesetWrittenThroughTheGatePassesWithItsExport)
{
    const test::TempDir dir;
    const auto workspace = small_workspace(dir);
    export_csv(workspace, dir.path() / "export");
    std::filesystem::create_directories(dir.path() / "tiles");
    tile_points(workspace, {dir.path() / "tiles" / "points.mbtiles", dir.path() / "tiles" / "points.pmtiles"});

    // The metadata carries the gate's description of the layer: roles, rule, structure.
    const Json json = Json::parse(sql_text(dir.path() / "tiles" / "points.mbtiles", "SELECT value FROM metadata WHERE name = 'json'"));
    const Json& layer = json.at("migratlas").at("layers").at("crossing_points");
    EXPECT_EQ(layer.at("migratlas").at("structure").at("family"), "crossings_monthly");
    EXPECT_EQ(layer.at("migratlas").at("disclosure").at("threshold"), 10);

    const disclose::AuditOutcome outcome = audit({dir.path() / "export", dir.path() / "tiles"});
    EXPECT_TRUE(outcome.passed()) << findings_text(outcome);
    EXPECT_EQ(outcome.tilesets, 2U);
    EXPECT_GT(outcome.tiles, 0U);
    // Two tables of the export and the layer of each tileset, every point once however many tiles show it.
    EXPECT_EQ(outcome.tables, 4U);
    EXPECT_GT(outcome.hidden_counts, 0U);
}

TEST(AuditTiles, LeakyTilesetFailsNamingTheTileTheCellAndTheIdentifier)
{
    const test::TempDir dir;
    const auto workspace = small_workspace(dir);
    export_csv(workspace, dir.path() / "export");
    const auto good = dir.path() / "good.mbtiles";
    tile_points(workspace, {good});
    // The leak: the unprotected points tiled from a file, with the gate's description pasted in.
    const auto leaky = dir.path() / "leaky.mbtiles";
    tiles::Request request = tiles_request({leaky});
    request.inputs = {leaky_points(dir).string() + "=crossing_points"};
    Diagnostics diagnostics;
    Progress quiet;
    (void)tiles::run(request, diagnostics, quiet);
    Json json = Json::parse(sql_text(leaky, "SELECT value FROM metadata WHERE name = 'json'"));
    json["migratlas"] = Json::parse(sql_text(good, "SELECT value FROM metadata WHERE name = 'json'")).at("migratlas");
    set_json_metadata(leaky, json.dump());
    std::ofstream(dir.path() / "raw_ids.txt") << "RAW-4711-X\n";

    const disclose::AuditOutcome outcome = audit({dir.path() / "export", leaky}, dir.path() / "raw_ids.txt");
    EXPECT_FALSE(outcome.passed());
    const std::string text = findings_text(outcome);
    EXPECT_TRUE(has_finding(outcome, "below_threshold", {"leaky.mbtiles layer crossing_points", "tile ", "feature ", "crossings = 5"})) << text;
    EXPECT_TRUE(has_finding(outcome, "published_elsewhere", {"crossing_point=P1", "published: 5"})) << text;
    EXPECT_TRUE(has_finding(outcome, "raw_id", {"leaky.mbtiles tile ", "RAW-4711-X"})) << text;
    // Once per tileset, however many tiles repeat the point.
    EXPECT_EQ(std::count_if(outcome.findings.begin(), outcome.findings.end(),
                  [](const disclose::AuditFinding& finding) { return finding.kind == "raw_id"; }),
        1);
    // The good tileset with the same export has none of these.
    EXPECT_TRUE(audit({dir.path() / "export", good}, dir.path() / "raw_ids.txt").passed());
}

TEST(AuditTiles, TilesetWithoutTheGatesDescriptionCannotBeAudited)
{
    const test::TempDir dir;
    const auto plain = dir.path() / "plain.pmtiles";
    tiles::Request request = tiles_request({plain});
    request.inputs = {leaky_points(dir).string() + "=crossing_points"};
    Diagnostics diagnostics;
    Progress quiet;
    (void)tiles::run(request, diagnostics, quiet);
    try {
        (void)audit({plain});
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot be audited"), std::string::npos) << e.what();
    }
    // A folder holding only that tileset (and its TileJSON) is no better.
    EXPECT_THROW((void)audit({dir.path()}), InputError);
}

} // namespace
} // namespace migratlas
