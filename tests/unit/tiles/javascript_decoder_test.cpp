// PMTiles and MVT read by the JavaScript decoders a web viewer uses (pmtiles, @mapbox/vector-tile, pbf
// from npm, installed by tools/setup.sh), tile for tile against the MBTiles twin decoded by GDAL.
#include "tiles/tiles_run.hpp"

#include "test_files.hpp"
#include "tiles_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <random>

using namespace migratlas;
using namespace migratlas::tiles;

namespace {

const std::filesystem::path repository = std::filesystem::path(MIGRATLAS_FIXTURES_DIR).parent_path().parent_path();

struct NodeRun {
    int status = -1;
    std::string output;
};

NodeRun run_node(const std::filesystem::path& archive, const std::filesystem::path& manifest)
{
    const std::string command = "node '" + (repository / "tests" / "unit" / "tiles" / "decode_tiles.mjs").string() + "' '" +
        archive.string() + "' '" + manifest.string() + "' 2>&1";
    NodeRun run;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
    char buffer[4096];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
        run.output += buffer;
    }
    const int status = pclose(pipe.release());
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

/// Every MBTiles tile; every `fetch_every`-th with its decompressed size for node to fetch and decode,
/// and every `gdal_every`-th with the per-layer feature counts GDAL decodes (to keep the test short).
nlohmann::json manifest_of(const std::filesystem::path& mbtiles, const std::vector<std::string>& layers,
    std::size_t fetch_every, std::size_t gdal_every)
{
    const geo::GeosContext geos;
    nlohmann::json tiles = nlohmann::json::array();
    std::size_t i = 0;
    for (const auto& t : test::read_mbtiles(mbtiles)) {
        nlohmann::json entry{{"z", t.z}, {"x", t.x}, {"y", t.y}};
        if (i % fetch_every == 0) {
            entry["bytes"] = tiles::gunzip(t.data).size();
        }
        if (i++ % gdal_every == 0) {
            nlohmann::json counts = nlohmann::json::object();
            for (const auto& f : test::decode_with_gdal(t, geos)) {
                counts[f.layer] = counts.value(f.layer, 0) + 1;
            }
            entry["counts"] = counts;
        }
        tiles.push_back(entry);
    }
    return nlohmann::json{{"layers", layers}, {"tiles", tiles}};
}

class JavaScriptDecoders : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(std::filesystem::exists(repository / "node_modules" / "pmtiles"))
            << "node_modules missing: run tools/setup.sh (npm ci) in " << repository;
    }
};

} // namespace

TEST_F(JavaScriptDecoders, DecodeEveryTileOfAMixedTilesetLikeGdal)
{
    const test::TempDir dir;
    const auto units = dir.file("units.geojson", test::grid_coverage(4, -72.0, -12.0, 1.5, 25));
    const auto routes = dir.file("routes.geojson", R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"persons":120,"origin":"U1"},"geometry":{"type":"LineString","coordinates":[[-71.5,-11.5],[-69,-9],[-66.5,-6.5]]}},
      {"type":"Feature","properties":{"persons":45,"origin":"U7"},"geometry":{"type":"LineString","coordinates":[[-70,-6],[-67,-11.9]]}}]})");
    const auto points = dir.file("points.geojson", R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Puente","crossings":10},"geometry":{"type":"Point","coordinates":[-70.1,-10.2]}},
      {"type":"Feature","properties":{"name":"Paso","crossings":3},"geometry":{"type":"Point","coordinates":[-70.1001,-10.2001]}},
      {"type":"Feature","properties":{"name":"Frontera","crossings":7},"geometry":{"type":"Point","coordinates":[-67.3,-7.4]}}]})");
    Request request;
    request.inputs = {units.string() + "=units", routes.string() + "=routes", points.string() + "=points"};
    request.outputs = {dir.path() / "mixed.mbtiles", dir.path() / "mixed.pmtiles"};
    request.maxzoom = 8;
    Diagnostics diagnostics;
    Progress quiet;
    run(request, diagnostics, quiet);
    const auto manifest = dir.file("manifest.json", manifest_of(dir.path() / "mixed.mbtiles", {"units", "routes", "points"}, 1, 1).dump());
    const NodeRun node = run_node(dir.path() / "mixed.pmtiles", manifest);
    EXPECT_EQ(node.status, 0) << node.output;
    EXPECT_NE(node.output.find("\"problems\":0"), std::string::npos) << node.output;
}

TEST_F(JavaScriptDecoders, LargeArchiveIsReadThroughLeafDirectories)
{
    const test::TempDir dir;
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> lon(-179.0, 179.0);
    std::uniform_real_distribution<double> lat(-80.0, 80.0);
    std::string json = R"({"type":"FeatureCollection","features":[)";
    for (int i = 0; i < 12000; ++i) {
        json += std::string(i == 0 ? "" : ",") + R"({"type":"Feature","properties":{"n":)" + std::to_string(i) +
            R"(},"geometry":{"type":"Point","coordinates":[)" + std::to_string(lon(rng)) + "," + std::to_string(lat(rng)) + "]}}";
    }
    const auto source = dir.file("scatter.geojson", json + "]}");
    Request request;
    request.inputs = {source.string() + "=scatter"};
    request.outputs = {dir.path() / "scatter.mbtiles", dir.path() / "scatter.pmtiles"};
    request.maxzoom = 8;
    Diagnostics diagnostics;
    Progress quiet;
    const Outcome outcome = run(request, diagnostics, quiet);
    const std::string archive = test::read_file(dir.path() / "scatter.pmtiles");
    ASSERT_GT(archive.size(), 127U);
    std::uint64_t leaf_bytes = 0;
    for (int i = 7; i >= 0; --i) {
        leaf_bytes = (leaf_bytes << 8) | static_cast<unsigned char>(archive[48 + static_cast<std::size_t>(i)]);
    }
    EXPECT_GT(leaf_bytes, 0U) << outcome.tiles << " tiles fit the root directory: no leaves to test";
    const auto manifest = dir.file("manifest.json", manifest_of(dir.path() / "scatter.mbtiles", {"scatter"}, 20, 500).dump());
    const NodeRun node = run_node(dir.path() / "scatter.pmtiles", manifest);
    EXPECT_EQ(node.status, 0) << node.output;
    EXPECT_NE(node.output.find("\"problems\":0"), std::string::npos) << node.output;
}
