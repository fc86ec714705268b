#include "serve/gzip.hpp"
#include "serve/router.hpp"

#include "common/error.hpp"
#include "serve_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

namespace migratlas::serve {
namespace {

class ServeRouter : public ::testing::Test {
protected:
    void SetUp() override
    {
        (void)m_viewer.file("index.html", "<!doctype html><title>viewer</title>");
        (void)m_viewer.file("main.js", "console.log('viewer');");
        (void)m_libraries.file("maplibre-gl.js", "/* maplibre */");
        m_router = make_router(RouterSettings{});
    }

    std::unique_ptr<Router> make_router(RouterSettings settings, unsigned missing_status = 204)
    {
        std::vector<std::unique_ptr<Tileset>> tilesets;
        const TileResponseSettings tile_settings{missing_status, 600};
        tilesets.push_back(std::make_unique<Tileset>("atlas", 0, open_tile_source(test::tiles_dir() / "atlas.mbtiles"),
            m_cache, tile_settings));
        tilesets.push_back(std::make_unique<Tileset>("atlas_pm", 1,
            open_tile_source(test::tiles_dir() / "atlas_leaves.pmtiles"), m_cache, tile_settings));
        ViewerAssets assets;
        assets.files.emplace(m_viewer.path(), "viewer_dir");
        assets.libraries.emplace("maplibre-gl.js", m_libraries.path() / "maplibre-gl.js");
        assets.config_json = R"({"title": "test"})";
        return std::make_unique<Router>(std::move(tilesets), published_data_root(test::fixture_dir() / "published", "data_dir"),
            std::move(assets), std::move(settings));
    }

    HttpResponse get(std::string_view target, std::string_view accept_encoding = "gzip",
        std::string_view if_none_match = "", std::string_view method = "GET")
    {
        HttpRequest request;
        request.method = method;
        request.target = target;
        request.host = "maps.test:8080";
        request.accept_encoding = accept_encoding;
        request.if_none_match = if_none_match;
        return m_router->handle(request);
    }

    static std::string header(const HttpResponse& response, std::string_view name)
    {
        const std::string all = std::string(response.shared_headers()) + response.headers();
        const auto at = all.find(std::string(name) + ": ");
        if (at == std::string::npos) {
            return {};
        }
        const auto start = at + name.size() + 2;
        return all.substr(start, all.find("\r\n", start) - start);
    }

    TileCache m_cache{8 << 20};
    migratlas::test::TempDir m_viewer;
    migratlas::test::TempDir m_libraries;
    std::unique_ptr<Router> m_router;
};

// 1/0/0 holds the fixture region (west of 0, north of the equator) in both archives.
constexpr std::string_view tile_path = "/atlas/1/0/0.pbf";

TEST_F(ServeRouter, ServesTilesAsStoredGzipToClientsThatAcceptIt)
{
    const auto response = get(tile_path, "gzip, deflate");
    ASSERT_EQ(response.status(), 200U);
    EXPECT_EQ(header(response, "Content-Type"), "application/vnd.mapbox-vector-tile");
    EXPECT_EQ(header(response, "Content-Encoding"), "gzip");
    EXPECT_EQ(header(response, "Content-Length"), std::to_string(response.body().size()));
    EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(header(response, "Cache-Control"), "public, max-age=600");
    EXPECT_EQ(header(response, "Vary"), "Accept-Encoding");
    EXPECT_TRUE(is_gzip(response.body()));
}

TEST_F(ServeRouter, InflatesTilesForClientsThatDoNotAcceptGzip)
{
    const auto packed = get(tile_path, "gzip");
    const auto plain = get(tile_path, "");
    ASSERT_EQ(plain.status(), 200U);
    EXPECT_EQ(header(plain, "Content-Encoding"), "");
    EXPECT_EQ(plain.body(), gzip_decompress(packed.body(), "tile", 1 << 24));
    EXPECT_NE(header(plain, "ETag"), header(packed, "ETag"));  // two representations, two validators
    EXPECT_EQ(get(tile_path, "gzip;q=0").body(), plain.body());
}

TEST_F(ServeRouter, MbtilesAndPmtilesServeTheSameTile)
{
    EXPECT_EQ(get("/atlas_pm/1/0/0.pbf").body(), get(tile_path).body());
    EXPECT_EQ(get("/atlas_pm/9/150/254.pbf").status(), get("/atlas/9/150/254.pbf").status());
}

TEST_F(ServeRouter, IfNoneMatchAnswers304WithTheValidator)
{
    const auto first = get(tile_path);
    const auto etag = header(first, "ETag");
    ASSERT_FALSE(etag.empty());
    const auto again = get(tile_path, "gzip", etag);
    EXPECT_EQ(again.status(), 304U);
    EXPECT_TRUE(again.body().empty());
    EXPECT_EQ(header(again, "ETag"), etag);
    EXPECT_EQ(get(tile_path, "gzip", "\"other\"").status(), 200U);
    EXPECT_EQ(get(tile_path, "", etag).status(), 200U);  // the gzip tag does not validate the plain form
}

TEST_F(ServeRouter, MissingTilesInsideTheZoomRangeAnswerNoContent)
{
    const auto response = get("/atlas/9/0/0.pbf");
    EXPECT_EQ(response.status(), 204U);
    EXPECT_TRUE(response.body().empty());
    EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
    auto strict = make_router(RouterSettings{}, 404);
    HttpRequest request;
    request.method = "GET";
    request.target = "/atlas/9/0/0.pbf";
    EXPECT_EQ(strict->handle(request).status(), 404U);
}

TEST_F(ServeRouter, BadTileAddressesAre400And404NeverACrash)
{
    EXPECT_EQ(get("/atlas/12/0/0.pbf").status(), 404U);       // beyond the tileset's maxzoom
    EXPECT_EQ(get("/atlas/31/0/0.pbf").status(), 400U);       // beyond any zoom
    EXPECT_EQ(get("/atlas/1/2/0.pbf").status(), 400U);        // x = 2^z
    EXPECT_EQ(get("/atlas/1/0/-1.pbf").status(), 400U);
    EXPECT_EQ(get("/atlas/a/0/0.pbf").status(), 400U);
    EXPECT_EQ(get("/atlas/1/0/0x0.pbf").status(), 400U);
    EXPECT_EQ(get("/atlas/1/0/99999999999999999999999.pbf").status(), 400U);
    EXPECT_EQ(get("/atlas/1/0/0.png").status(), 404U);        // wrong extension
    EXPECT_EQ(get("/atlas/1/0/0.mvt").status(), 200U);        // .mvt is an alias of .pbf
    EXPECT_EQ(get("/atlas/1/0/0").status(), 404U);
    EXPECT_EQ(get("/atlas/1/0/0/0.pbf").status(), 404U);
    EXPECT_EQ(get("/atlas/1/0.pbf").status(), 404U);
    EXPECT_EQ(get("/nope/1/0/0.pbf").status(), 404U);
    EXPECT_EQ(get("/atlas/../atlas/1/0/0.pbf").status(), 404U);
    EXPECT_EQ(get("atlas/1/0/0.pbf").status(), 400U);         // not a path
    EXPECT_EQ(get("").status(), 400U);
}

TEST_F(ServeRouter, TileJsonNamesTheTileUrlAndTheVectorLayers)
{
    const auto response = get("/atlas.json");
    ASSERT_EQ(response.status(), 200U);
    const auto tilejson = nlohmann::json::parse(response.body());
    EXPECT_EQ(tilejson["tilejson"], "3.0.0");
    EXPECT_EQ(tilejson["tiles"][0], "http://maps.test:8080/atlas/{z}/{x}/{y}.pbf");
    EXPECT_EQ(tilejson["minzoom"], 0);
    EXPECT_EQ(tilejson["maxzoom"], 9);
    EXPECT_EQ(tilejson["description"], "serve test fixture");
    ASSERT_EQ(tilejson["vector_layers"].size(), 3U);
    const auto& units = tilejson["vector_layers"][0];
    EXPECT_EQ(units["id"], "units");
    EXPECT_EQ(units["fields"]["persons"], "Number");
    EXPECT_EQ(units["fields"]["persons_status"], "String");
    EXPECT_EQ(get("/nope.json").status(), 404U);
}

TEST_F(ServeRouter, TileJsonUrlIgnoresHostileHostHeaders)
{
    HttpRequest request;
    request.method = "GET";
    request.target = "/atlas.json";
    request.host = "evil.test\"/><script>";
    m_router->set_fallback_origin("http://127.0.0.1:9999");
    auto tilejson = nlohmann::json::parse(m_router->handle(request).body());
    EXPECT_EQ(tilejson["tiles"][0], "http://127.0.0.1:9999/atlas/{z}/{x}/{y}.pbf");

    auto proxied = make_router(RouterSettings{"https://maps.example.org/atlas"});
    tilejson = nlohmann::json::parse(proxied->handle(request).body());
    EXPECT_EQ(tilejson["tiles"][0], "https://maps.example.org/atlas/atlas/{z}/{x}/{y}.pbf");
}

TEST_F(ServeRouter, CatalogListsTilesetsAndTheDataPackage)
{
    const auto catalog = nlohmann::json::parse(get("/catalog").body());
    ASSERT_EQ(catalog["tilesets"].size(), 2U);
    EXPECT_EQ(catalog["tilesets"][0]["name"], "atlas");
    EXPECT_EQ(catalog["tilesets"][0]["tilejson"], "http://maps.test:8080/atlas.json");
    EXPECT_EQ(catalog["tilesets"][1]["container"], "pmtiles");
    EXPECT_EQ(catalog["data"], "http://maps.test:8080/data/datapackage.json");
    EXPECT_EQ(nlohmann::json::parse(get("/health").body())["status"], "ok");
}

TEST_F(ServeRouter, DataFilesAreServedAndNothingOutsideTheirRoot)
{
    const auto package = get("/data/datapackage.json", "");
    ASSERT_EQ(package.status(), 200U);
    EXPECT_EQ(header(package, "Content-Type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(package.body())["resources"].size(), 2U);
    const auto table = get("/data/events_monthly.csv", "gzip");
    EXPECT_EQ(header(table, "Content-Encoding"), "gzip");
    EXPECT_EQ(header(table, "Content-Type"), "text/csv; charset=utf-8");
    const auto etag = header(table, "ETag");
    EXPECT_EQ(get("/data/events_monthly.csv", "gzip", etag).status(), 304U);
    for (const char* target : {"/data/", "/data", "/data/../units.geojson", "/data/%2e%2e/units.geojson",
             "/data/..%2funits.geojson", "/data/%2e%2e%2f%2e%2e%2fCMakeLists.txt", "/data//etc/passwd",
             "/data/nope.csv", "/viewer/../../etc/passwd", "/lib/../package.json", "/lib/d3.min.js",
             "/viewer/", "/lib/"}) {
        EXPECT_EQ(get(target).status(), 404U) << target;
    }
}

TEST_F(ServeRouter, ViewerAndAllowListedLibrariesAreServed)
{
    const auto index = get("/", "");
    ASSERT_EQ(index.status(), 200U);
    EXPECT_EQ(header(index, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(index.body().find("<title>viewer</title>"), std::string_view::npos);
    EXPECT_EQ(get("/viewer/main.js").status(), 200U);
    EXPECT_EQ(header(get("/viewer/main.js"), "Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(get("/lib/maplibre-gl.js").body(), "/* maplibre */");
    EXPECT_EQ(nlohmann::json::parse(get("/config.json").body())["title"], "test");
    EXPECT_EQ(get("/index.html?x=1").status(), 200U);
}

TEST_F(ServeRouter, MethodsOtherThanGetHeadAndOptionsAre405)
{
    const auto head = get(tile_path, "gzip", "", "HEAD");
    EXPECT_EQ(head.status(), 200U);
    EXPECT_TRUE(head.body_omitted());
    const auto preflight = get(tile_path, "", "", "OPTIONS");
    EXPECT_EQ(preflight.status(), 204U);
    EXPECT_EQ(header(preflight, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "BREW"}) {
        const auto response = get(tile_path, "", "", method);
        EXPECT_EQ(response.status(), 405U) << method;
        EXPECT_EQ(header(response, "Allow"), "GET, HEAD, OPTIONS");
    }
}

TEST_F(ServeRouter, TilesetNamesAreCheckedAgainstRoutes)
{
    EXPECT_TRUE(is_valid_tileset_name("units_2024-v2"));
    for (const char* name : {"", "data", "health", "catalog", "lib", "viewer", "config", "a b", "a/b", "a.b", "..",
             "ü"}) {
        EXPECT_FALSE(is_valid_tileset_name(name)) << name;
    }
}

} // namespace
} // namespace migratlas::serve
