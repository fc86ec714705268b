// Shared borders on real boundaries (../shared/realdata): the departments of Colombia, Peru and
// Venezuela and the 1,834 districts of Peru, tiled to zoom 10, decoded with GDAL's MVT driver: no two
// neighbours overlap, and no gap opens between them, by more than one tile unit (1/4096 of a tile).
// Skips with a message when the real data is not beside the checkout.
#include "tiles/ogr_input.hpp"
#include "tiles/polygon_validity.hpp"
#include "tiles/tiles_run.hpp"

#include "test_files.hpp"
#include "tiles_test_support.hpp"

#include <gtest/gtest.h>

#include <array>

using namespace migratlas;
using namespace migratlas::tiles;

namespace {

std::filesystem::path boundaries()
{
    return std::filesystem::path(MIGRATLAS_SHARED_DIR) / "realdata" / "boundaries";
}

class RealBoundaries : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!std::filesystem::exists(boundaries())) {
            GTEST_SKIP() << "real data not found at " << boundaries() << " (../shared/realdata beside the checkout)";
        }
    }
};

/// The union of the source polygons in world units: where the coverage is, before any tiling.
geo::GeosGeometryPtr source_union(const std::string& spec, const geo::GeosContext& geos)
{
    Diagnostics diagnostics;
    Progress quiet;
    InputSummary summary;
    const TileLayer layer = read_input(spec, {}, 4096, geos, diagnostics, quiet, summary);
    std::vector<GEOSGeometry*> parts;
    for (std::size_t f = 0; f < layer.size(); ++f) {
        parts.push_back(to_geos(geos, layer.polygons(f)).release());
    }
    geo::GeosGeometryPtr all = geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_GEOMETRYCOLLECTION, parts.data(),
        static_cast<unsigned>(parts.size())), "collection");
    return geos.own(GEOSUnaryUnion_r(geos.handle(), all.get()), "union");
}

struct Frame {
    double origin_x;
    double origin_y;
    double world_per_unit;
};

int world_to_tile(double* x, double* y, void* data)
{
    const auto* f = static_cast<const Frame*>(data);
    *x = (*x - f->origin_x) / f->world_per_unit;
    *y = (*y - f->origin_y) / f->world_per_unit;
    return 1;
}

/// Whether anything of `g` is wider than one tile unit.
bool wider_than_a_unit(const geo::GeosContext& geos, const GEOSGeometry* g)
{
    geo::GeosGeometryPtr shrunk = geos.own(GEOSBuffer_r(geos.handle(), g, -0.5, 2), "buffer");
    return GEOSisEmpty_r(geos.handle(), shrunk.get()) == 0;
}

struct Findings {
    std::size_t tiles = 0;
    std::size_t polygons = 0;
    std::vector<std::string> problems;
};

void check_tile(const test::StoredTile& tile, const GEOSGeometry* coverage, const geo::GeosContext& geos, Findings& findings)
{
    const auto features = test::decode_with_gdal(tile, geos);
    ++findings.tiles;
    const std::string where = std::to_string(tile.z) + "/" + std::to_string(tile.x) + "/" + std::to_string(tile.y);
    std::vector<const GEOSGeometry*> shapes;
    std::vector<std::array<double, 4>> boxes;
    for (const auto& f : features) {
        ++findings.polygons;
        if (!geos.predicate(GEOSisValid_r(geos.handle(), f.geometry.get()), "valid")) {
            findings.problems.push_back(where + ": invalid polygon, feature " + std::to_string(f.id));
        }
        shapes.push_back(f.geometry.get());
        double b[4];
        GEOSGeom_getXMin_r(geos.handle(), f.geometry.get(), &b[0]);
        GEOSGeom_getYMin_r(geos.handle(), f.geometry.get(), &b[1]);
        GEOSGeom_getXMax_r(geos.handle(), f.geometry.get(), &b[2]);
        GEOSGeom_getYMax_r(geos.handle(), f.geometry.get(), &b[3]);
        boxes.push_back({b[0], b[1], b[2], b[3]});
    }
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        for (std::size_t j = i + 1; j < shapes.size(); ++j) {
            if (boxes[i][2] <= boxes[j][0] || boxes[j][2] <= boxes[i][0] || boxes[i][3] <= boxes[j][1] || boxes[j][3] <= boxes[i][1]) {
                continue;
            }
            geo::GeosGeometryPtr overlap = geos.own(GEOSIntersection_r(geos.handle(), shapes[i], shapes[j]), "intersection");
            if (wider_than_a_unit(geos, overlap.get())) {
                findings.problems.push_back(where + ": features " + std::to_string(features[i].id) + " and " +
                    std::to_string(features[j].id) + " overlap by more than a unit");
            }
        }
    }
    // Inside the source coverage, 2 units in from its outline (where simplification may move it),
    // the decoded units must leave no hole wider than a unit.
    const double size = std::ldexp(1.0, 32 - tile.z);
    Frame frame{tile.x * size, tile.y * size, size / 4096.0};
    geo::GeosGeometryPtr here = geos.own(GEOSClipByRect_r(geos.handle(), coverage, frame.origin_x - size / 8,
        frame.origin_y - size / 8, frame.origin_x + size * 1.125, frame.origin_y + size * 1.125), "clip");
    geo::GeosGeometryPtr local = geos.own(GEOSGeom_transformXY_r(geos.handle(), here.get(), &world_to_tile, &frame), "to tile");
    geo::GeosGeometryPtr inner = geos.own(GEOSBuffer_r(geos.handle(), local.get(), -2.0, 2), "erode");
    geo::GeosGeometryPtr box = geos.own(GEOSGeom_createRectangle_r(geos.handle(), 0, 0, 4096, 4096), "box");
    geo::GeosGeometryPtr expected = geos.own(GEOSIntersection_r(geos.handle(), inner.get(), box.get()), "clip");
    std::vector<GEOSGeometry*> clones;
    for (const GEOSGeometry* s : shapes) {
        clones.push_back(GEOSGeom_clone_r(geos.handle(), s));
    }
    geo::GeosGeometryPtr collection = geos.own(GEOSGeom_createCollection_r(geos.handle(), GEOS_GEOMETRYCOLLECTION,
        clones.data(), static_cast<unsigned>(clones.size())), "collection");
    geo::GeosGeometryPtr covered = geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()), "union");
    geo::GeosGeometryPtr gap = geos.own(GEOSDifference_r(geos.handle(), expected.get(), covered.get()), "difference");
    if (wider_than_a_unit(geos, gap.get())) {
        double area = 0;
        GEOSArea_r(geos.handle(), gap.get(), &area);
        findings.problems.push_back(where + ": a gap wider than a unit inside the coverage (" + std::to_string(area) + " units²)");
    }
}

/// Tiles `spec` to zoom 10 and checks every tile up to zoom 6 and a spread of 25 tiles per zoom above.
Findings check_coverage(const std::string& spec)
{
    const test::TempDir dir;
    Request request;
    request.inputs = {spec + "=units"};
    request.outputs = {dir.path() / "t.mbtiles"};
    request.maxzoom = 10;
    Diagnostics diagnostics;
    Progress quiet;
    run(request, diagnostics, quiet);
    const geo::GeosContext geos;
    const geo::GeosGeometryPtr coverage = source_union(spec, geos);
    const auto tiles = test::read_mbtiles(dir.path() / "t.mbtiles");
    Findings findings;
    for (int z = 0; z <= 10; ++z) {
        std::vector<const test::StoredTile*> at_zoom;
        for (const auto& t : tiles) {
            if (t.z == z) {
                at_zoom.push_back(&t);
            }
        }
        const std::size_t step = z <= 6 ? 1 : std::max<std::size_t>(1, at_zoom.size() / 25);
        for (std::size_t i = 0; i < at_zoom.size(); i += step) {
            check_tile(*at_zoom[i], coverage.get(), geos, findings);
        }
    }
    return findings;
}

std::string first_problems(const Findings& findings)
{
    std::string text;
    for (std::size_t i = 0; i < std::min<std::size_t>(10, findings.problems.size()); ++i) {
        text += "\n  " + findings.problems[i];
    }
    return text;
}

} // namespace

TEST_F(RealBoundaries, ColombianDepartmentsShareTheirBordersAtEveryZoom)
{
    const Findings findings = check_coverage((boundaries() / "colombia-departments.json").string());
    EXPECT_GT(findings.tiles, 50U);
    EXPECT_TRUE(findings.problems.empty()) << findings.problems.size() << " problems:" << first_problems(findings);
}

TEST_F(RealBoundaries, PeruvianDepartmentsShareTheirBordersAtEveryZoom)
{
    const Findings findings = check_coverage((boundaries() / "peru-departments.json").string());
    EXPECT_GT(findings.tiles, 50U);
    EXPECT_TRUE(findings.problems.empty()) << findings.problems.size() << " problems:" << first_problems(findings);
}

TEST_F(RealBoundaries, VenezuelanStatesShareTheirBordersAtEveryZoom)
{
    const Findings findings = check_coverage((boundaries() / "venezuela-estados.json").string());
    EXPECT_GT(findings.tiles, 50U);
    EXPECT_TRUE(findings.problems.empty()) << findings.problems.size() << " problems:" << first_problems(findings);
}

TEST_F(RealBoundaries, PeruvianDistrictsShareTheirBordersAtEveryZoom)
{
    const Findings findings = check_coverage((boundaries() / "peru_distrital_simple.geojson").string());
    EXPECT_GT(findings.polygons, 5000U);
    EXPECT_TRUE(findings.problems.empty()) << findings.problems.size() << " problems:" << first_problems(findings);
}
