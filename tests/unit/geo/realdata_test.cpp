// The real boundaries of ../shared/realdata (Colombia, Peru, Venezuela, world countries, Peru provinces)
// through geo check and import into one workspace. Skips when the folder is absent.
#include "geo/geography_import.hpp"
#include "geo_runs.hpp"
#include "workspace/product_io.hpp"
#include "common/products/geo.hpp"
#include "geo/unit_index.hpp"
#include "geo/local_projection.hpp"
#include "geo/measure.hpp"
#include "common/gdal_util.hpp"

#include "common/error.hpp"
#include "workspace/workspace.hpp"
#include "geo_test_support.hpp"
#include "test_files.hpp"

#include <gdal_priv.h>
#include <geodesic.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <fstream>

using namespace migratlas;
using namespace migratlas::geo;

namespace {

std::string boundary(const char* file)
{
    return (test::realdata_boundaries() / file).string();
}

GeographyOptions countries()
{
    GeographyOptions o;
    o.mapping.layer = "countries1";
    o.mapping.where = "id IN ('COL','PER','VEN')";
    o.mapping.code_field = "id";
    o.mapping.name_field = "name";
    o.mapping.level = 1;
    return o;
}

// Colombia and Venezuela carry no official codes: GADM's ID_1 (1..32, 1..25) collides between the two
// countries, so it is prefixed with the ISO3 code.
GeographyOptions gadm_states(const std::string& iso3)
{
    GeographyOptions o;
    o.mapping.code_field = "ID_1";
    o.mapping.name_field = "NAME_1";
    o.mapping.level = 2;
    o.mapping.code_prefix = iso3 + "-";
    o.mapping.parent_code = iso3;
    return o;
}

GeographyOptions peru_departments()
{
    GeographyOptions o;
    o.mapping.code_field = "FIRST_IDDP";
    o.mapping.name_field = "NOMBDEP";
    o.mapping.level = 2;
    o.mapping.code_prefix = "PER-";
    o.mapping.parent_code = "PER";
    return o;
}

GeographyOptions peru_provinces()
{
    GeographyOptions o;
    o.mapping.code_field = "FIRST_IDPR";
    o.mapping.name_field = "NOMBPROV";
    o.mapping.level = 3;
    o.mapping.code_prefix = "PER-";
    o.mapping.parent_code_length = 2;
    o.name_conflict = NameConflict::keep_largest;
    return o;
}

test::GeoRun import(const char* file, const GeographyOptions& options, const std::filesystem::path& ws)
{
    Progress quiet;
    test::GeoRun report = test::import_geography(boundary(file), options, ws, quiet);
    EXPECT_TRUE(report.written) << file << ": " << (report.errors.empty() ? "" : report.errors.front());
    return report;
}

/// The area as measured before geo::area_km2 integrated on the ellipsoid itself: densified to
/// 0.01° and projected through PROJ to a Lambert azimuthal equal-area plane centred on the unit.
double proj_laea_area_km2(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const LonLat centre = envelope_centre(geos, geometry);
    const LocalProjection projection(LocalProjection::Kind::equal_area, centre.lon, centre.lat);
    const GeosGeometryPtr dense = geos.own(GEOSDensify_r(geos.handle(), geometry, 0.01), "densify");
    return geos.area(projection.forward(geos, dense.get()).get()) / 1e6;
}

/// Karney's geodesic polygon area of the rings densified to 0.005°, so that the geodesic pieces
/// follow the rings' straight lon/lat edges.
double geodesic_area_km2(const GeosContext& geos, const GEOSGeometry* geometry)
{
    const auto ring_km2 = [&](const GEOSGeometry* ring) {
        const GeosGeometryPtr dense = geos.own(GEOSDensify_r(geos.handle(), ring, 0.005), "densify");
        const std::vector<XY> vertices = geos.coordinates(dense.get());
        geod_geodesic wgs84{};
        geod_init(&wgs84, 6378137.0, 1.0 / 298.257223563);
        geod_polygon polygon{};
        geod_polygon_init(&polygon, 0);
        for (std::size_t i = 0; i + 1 < vertices.size(); ++i) {
            geod_polygon_addpoint(&wgs84, &polygon, vertices[i].y, vertices[i].x);
        }
        double area_m2 = 0;
        geod_polygon_compute(&wgs84, &polygon, 0, 1, &area_m2, nullptr);
        return std::abs(area_m2) / 1e6;
    };
    if (geos.type_id(geometry) == GEOS_POLYGON) {
        double km2 = ring_km2(geos.exterior_ring(geometry));
        for (int i = 0; i < geos.num_interior_rings(geometry); ++i) {
            km2 -= ring_km2(geos.interior_ring_n(geometry, i));
        }
        return km2;
    }
    double km2 = 0;
    for (int i = 0; i < geos.num_geometries(geometry); ++i) {
        km2 += geodesic_area_km2(geos, geos.geometry_n(geometry, i));
    }
    return km2;
}

/// Every real-data test skips with a message when ../shared/realdata is not beside the checkout.
class RealData : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!std::filesystem::exists(test::realdata_boundaries())) {
            GTEST_SKIP() << "real data not found at " << test::realdata_boundaries()
                         << " (../shared/realdata beside the checkout)";
        }
    }
};

} // namespace

TEST_F(RealData, ColombiaPeruAndVenezuelaPassGeoCheck)
{
    Progress quiet;
    const test::GeoRun col = test::check_geography(boundary("colombia-departments.json"), gadm_states("COL"), std::nullopt, quiet);
    EXPECT_TRUE(col.usable());
    EXPECT_EQ(col.features_read, 32u);
    EXPECT_EQ(col.units, 32u);
    EXPECT_EQ(col.invalid_repaired, 0u);
    const test::GeoRun per = test::check_geography(boundary("peru-departments.json"), peru_departments(), std::nullopt, quiet);
    EXPECT_TRUE(per.usable());
    EXPECT_EQ(per.units, 25u);
    EXPECT_EQ(per.layer, "peru-departments'");  // the layer name really ends in an apostrophe
    const test::GeoRun ven = test::check_geography(boundary("venezuela-estados.json"), gadm_states("VEN"), std::nullopt, quiet);
    EXPECT_TRUE(ven.usable());
    EXPECT_EQ(ven.units, 25u);
    EXPECT_EQ(ven.invalid_repaired, 1u);
    EXPECT_NE(col.crs.find("EPSG:4326 (assumed: TopoJSON"), std::string::npos) << col.crs;
}

TEST_F(RealData, WorldCountriesNeedsALayerAndFiltersToThreeCountries)
{
    Progress quiet;
    GeographyOptions options = countries();
    options.mapping.layer.clear();
    EXPECT_THROW((void)test::check_geography(boundary("world-countries.json"), options, std::nullopt, quiet), UsageError);
    const test::GeoRun report = test::check_geography(boundary("world-countries.json"), countries(), std::nullopt, quiet);
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.features_read, 3u);
    EXPECT_EQ(report.units, 3u);
    options = countries();
    options.mapping.where.clear();
    const test::GeoRun world = test::check_geography(boundary("world-countries.json"), options, std::nullopt, quiet);
    EXPECT_EQ(world.features_read, 180u);
    EXPECT_EQ(world.invalid_repaired, 3u);
}

TEST_F(RealData, PeruProvincesWithTyposInNamesFailUnlessKeepLargest)
{
    Progress quiet;
    GeographyOptions options = peru_provinces();
    options.name_conflict = NameConflict::error;
    const test::GeoRun strict = test::check_geography(boundary("peru_provincial_simple.geojson"), options, std::nullopt, quiet);
    EXPECT_FALSE(strict.usable());
    EXPECT_EQ(strict.duplicate_codes, 2u);
    const test::GeoRun merged = test::check_geography(boundary("peru_provincial_simple.geojson"), peru_provinces(), std::nullopt, quiet);
    EXPECT_TRUE(merged.usable());
    EXPECT_EQ(merged.features_read, 197u);
    EXPECT_EQ(merged.units, 195u);
    EXPECT_EQ(merged.parts_merged, 2u);
}

TEST_F(RealData, CountriesStatesAndProvincesBuildOneHierarchy)
{
    test::TempDir dir;
    const auto ws = dir.path() / "workspace.gpkg";
    EXPECT_EQ(import("world-countries.json", countries(), ws).units, 3u);
    EXPECT_EQ(import("colombia-departments.json", gadm_states("COL"), ws).units, 32u);
    EXPECT_EQ(import("venezuela-estados.json", gadm_states("VEN"), ws).units, 25u);
    EXPECT_EQ(import("peru-departments.json", peru_departments(), ws).units, 25u);
    const test::GeoRun provinces = import("peru_provincial_simple.geojson", peru_provinces(), ws);
    EXPECT_EQ(provinces.units, 195u);
    EXPECT_EQ(provinces.orphans, 0u);
    EXPECT_EQ(provinces.units_in_workspace, 3u + 32u + 25u + 25u + 195u);

    const UnitIndex index = UnitIndex::from_workspace(ws);
    ASSERT_EQ(index.units().size(), 280u);
    auto unit = [&](const char* code) -> const UnitInfo& {
        const auto i = index.find_code(code);
        EXPECT_TRUE(i) << code;
        return index.units()[i.value_or(0)];
    };
    EXPECT_EQ(unit("COL").name, "Colombia");
    EXPECT_EQ(unit("PER-15").name, "LIMA");
    EXPECT_EQ(unit("PER-15").parent_code, "PER");
    EXPECT_EQ(unit("PER-0101").parent_code, "PER-01");
    EXPECT_EQ(unit("PER-0101").level, 3);
    EXPECT_EQ(unit("PER-2001").name, "PIURA");
    EXPECT_EQ(unit("VEN-1").name, "Amazonas");
    EXPECT_EQ(unit("COL-1").name, "Amazonas");  // same name and ID_1 in both countries: the prefix keeps them apart

    // Areas against the HECTARES field of peru-departments.json (INEI), within 1%.
    const std::pair<const char*, double> hectares[] = {
        {"PER-16", 37511598.865}, {"PER-08", 7207614.24}, {"PER-15", 3498999.431}, {"PER-04", 6325588.935}};
    for (const auto& [code, ha] : hectares) {
        EXPECT_NEAR(unit(code).area_km2, ha / 100.0, ha / 100.0 * 0.01) << code;
    }

    // Point lookup: Rumichaca bridge lies in Narino; the Simon Bolivar bridge at Cucuta sits about
    // 0.3 km outside every Colombian department (coarse polygons), inside Tachira (Venezuela).
    const auto rumichaca = index.locate(-77.6649, 0.8153, 2);
    ASSERT_TRUE(rumichaca);
    EXPECT_EQ(index.units()[rumichaca->unit].name, "Nariño");
    const auto bolivar = index.locate(-72.4508, 7.8179, 2);
    ASSERT_TRUE(bolivar);
    EXPECT_EQ(index.units()[bolivar->unit].name, "Táchira");
    const auto lima = index.locate(-77.03, -12.05, 3);
    ASSERT_TRUE(lima);
    EXPECT_EQ(index.units()[lima->unit].parent_code, "PER-15");

    auto dataset = workspace::open_readonly(ws);
    const Table neighbours = workspace::read_product(*dataset, products::unit_neighbours);
    EXPECT_GT(neighbours.rows.size(), 300u);
}

TEST_F(RealData, PeruDistrictsWithNullGeometriesAreRejectedWithAReason)
{
    Progress quiet;
    GeographyOptions options;
    options.mapping.code_field = "IDDIST";
    options.mapping.name_field = "NOMBDIST";
    options.mapping.level = 4;
    options.mapping.code_prefix = "PER-";
    options.mapping.parent_code_length = 4;
    const test::GeoRun report = test::check_geography(boundary("peru_distrital_simple.geojson"), options, std::nullopt, quiet);
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.features_read, 1834u);
    EXPECT_EQ(report.missing_geometry, 8u);  // AMANTANI, EL PARCO, LA PUNTA, ... (realdata README)
    EXPECT_EQ(report.units, 1826u);
    bool amantani = false;
    for (const auto& warning : report.warnings) {
        amantani = amantani || warning.find("code 'PER-210103' has no geometry") != std::string::npos;
    }
    EXPECT_TRUE(amantani);
}

TEST_F(RealData, UnitAreasAgreeWithPROJAndGeodesicPolygons)
{
    // Measured 2026-12-01 over all 2105 units of the five files (Peru's districts too): at most
    // 2.4e-8 from the geodesic polygons and 3.2e-6 from the PROJ pipeline, whose 0.01° chords
    // are the larger error.
    gdal_register_all();
    GeosContext geos;
    for (const char* file : {"colombia-departments.json", "peru_provincial_simple.geojson"}) {
        const GDALDatasetUniquePtr dataset(GDALDataset::Open(boundary(file).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        ASSERT_TRUE(dataset) << file;
        std::size_t units = 0;
        for (auto& feature : *dataset->GetLayer(0)) {
            const OGRGeometry* shape = feature->GetGeometryRef();
            ASSERT_NE(shape, nullptr);
            std::vector<unsigned char> wkb(shape->WkbSize());
            shape->exportToWkb(wkbNDR, wkb.data());
            const GeosGeometryPtr geometry = geos.from_wkb(wkb.data(), wkb.size());
            const double km2 = area_km2(geos, geometry.get());
            const double geodesic = geodesic_area_km2(geos, geometry.get());
            EXPECT_NEAR(km2, geodesic, 1e-7 * geodesic) << file << " feature " << feature->GetFID();
            EXPECT_NEAR(km2, proj_laea_area_km2(geos, geometry.get()), 1e-5 * geodesic) << file << " feature " << feature->GetFID();
            ++units;
        }
        EXPECT_GT(units, 30u) << file;
    }
}
