#include "geo/source_reader.hpp"
#include "workspace/product_io.hpp"
#include "common/products/geo.hpp"
#include "common/products/run_log.hpp"
#include "geo/geography_import.hpp"
#include "geo_runs.hpp"

#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "workspace/workspace.hpp"
#include "geo/unit_index.hpp"
#include "geo/unit_store.hpp"
#include "geo_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>

using namespace migratlas;
using namespace migratlas::geo;
using migratlas::test::geo_fixture;

namespace {

GeographyOptions region_options()
{
    GeographyOptions options;
    options.mapping.code_field = "rid";
    options.mapping.name_field = "rname";
    options.mapping.parent_code = "TCY";
    options.mapping.level = 2;
    options.mapping.code_prefix = "TCY-";
    return options;
}

GeographyOptions country_options()
{
    GeographyOptions options;
    options.mapping.code_field = "iso3";
    options.mapping.name_field = "name";
    options.mapping.level = 1;
    return options;
}

GeographyOptions flat_options()
{
    GeographyOptions options;
    options.mapping.code_field = "rid";
    options.mapping.name_field = "rname";
    options.mapping.level = 1;
    return options;
}

bool mentions(const std::vector<std::string>& messages, const std::string& text)
{
    return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) { return m.find(text) != std::string::npos; });
}

test::GeoRun check(const std::string& fixture, const GeographyOptions& options,
    const std::optional<std::filesystem::path>& workspace = std::nullopt)
{
    Progress quiet;
    return test::check_geography(geo_fixture(fixture), options, workspace, quiet);
}

test::GeoRun import(const std::string& fixture, const GeographyOptions& options, const std::filesystem::path& workspace)
{
    Progress quiet;
    return test::import_geography(geo_fixture(fixture), options, workspace, quiet);
}

} // namespace

TEST(GeographyCheck, PartsWithTheSameCodeAndNameAreMergedIntoOneUnit)
{
    const test::GeoRun report = check("tiny_regions.geojson", region_options());
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.features_read, 5u);
    EXPECT_EQ(report.units, 4u);
    EXPECT_EQ(report.parts_merged, 1u);
    EXPECT_TRUE(mentions(report.warnings, "2 features (1 'Norte Bajo West', 2 'Norte Bajo West') merged into one MultiPolygon"));
    EXPECT_NEAR(report.area_km2_total, 4 * 12308, 4 * 12308 * 0.01);
}

TEST(GeographyCheck, SameCodeWithDifferentNamesIsAnError)
{
    const test::GeoRun report = check("duplicate_names.geojson", flat_options());
    EXPECT_FALSE(report.usable());
    EXPECT_EQ(report.duplicate_codes, 1u);
    EXPECT_TRUE(mentions(report.errors, "code '2' is used by features 2 'Dos', 3 'Dso' with different names"));
}

TEST(GeographyCheck, KeepLargestMergesConflictingNamesAndWarns)
{
    GeographyOptions options = flat_options();
    options.name_conflict = NameConflict::keep_largest;
    const test::GeoRun report = check("duplicate_names.geojson", options);
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.units, 2u);
    EXPECT_EQ(report.duplicate_codes, 1u);
    EXPECT_EQ(report.parts_merged, 1u);
    EXPECT_TRUE(mentions(report.warnings, "merged as 'Dos', the name of the largest part"));
}

TEST(GeographyCheck, SelfIntersectingPolygonIsRepairedAndReported)
{
    const test::GeoRun report = check("bowtie.geojson", flat_options());
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.invalid_repaired, 1u);
    EXPECT_EQ(report.units, 2u);
    EXPECT_TRUE(mentions(report.warnings, "'Bow tie': invalid geometry (Self-intersection"));
    // Two triangles of a quarter cell each plus a full cell: nothing was dropped by the repair.
    EXPECT_NEAR(report.area_km2_total, 1.5 * 12308, 1.5 * 12308 * 0.01);
}

TEST(GeographyCheck, FeaturesWithoutCodeOrGeometryAreRejectedWithReasons)
{
    const test::GeoRun report = check("missing_values.geojson", flat_options());
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.features_read, 3u);
    EXPECT_EQ(report.units, 1u);
    EXPECT_EQ(report.missing_code, 1u);
    EXPECT_EQ(report.missing_geometry, 1u);
    EXPECT_EQ(report.rejected, 2u);
    EXPECT_TRUE(mentions(report.warnings, "feature 2 (FID 1) 'Sin codigo' has no rid"));
}

TEST(GeographyCheck, MissingFieldIsAnInputErrorListingTheFields)
{
    GeographyOptions options = flat_options();
    options.mapping.code_field = "code";
    try {
        (void)check("bowtie.geojson", options);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("has no field 'code' (code_field); its fields are: rid, rname"), std::string::npos)
            << e.what();
    }
}

TEST(GeographyCheck, TruncatedGeoJsonAndNonGeospatialFilesAreInputErrors)
{
    EXPECT_THROW((void)check("truncated.geojson", flat_options()), InputError);
    EXPECT_THROW((void)check("not_geospatial.txt", flat_options()), InputError);
}

TEST(GeographyCheck, ProjectedCoordinatesWithoutCrsNeedAssumeSrs)
{
    try {
        (void)check("projected_no_crs.geojson", flat_options());
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("assume_srs"), std::string::npos) << e.what();
    }
    GeographyOptions options = flat_options();
    options.mapping.assume_srs = "EPSG:32719";
    const test::GeoRun report = check("projected_no_crs.geojson", options);
    EXPECT_TRUE(report.usable());
    // A 100 km x 100 km UTM square; UTM's 0.9996 scale makes it 10,008 km2 on the ground.
    EXPECT_NEAR(report.area_km2_total, 10008, 10);
}

TEST(GeographyCheck, DeclaredProjectedCrsIsReprojectedToLonLat)
{
    const test::GeoRun report = check("projected_utm19s.geojson", flat_options());
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.crs, "EPSG:32719");
    EXPECT_NEAR(report.area_km2_total, 10008, 10);
}

TEST(GeographyCheck, FormatWithoutImpliedCrsNeedsAssumeSrs)
{
    EXPECT_THROW((void)check("regions_no_crs.csv", flat_options()), InputError);
    GeographyOptions options = flat_options();
    options.mapping.assume_srs = "EPSG:4326";
    EXPECT_TRUE(check("regions_no_crs.csv", options).usable());
}

TEST(GeographyCheck, ContradictoryMappingIsAUsageError)
{
    GeographyOptions options = flat_options();
    options.mapping.level_field = "rid";
    EXPECT_THROW((void)check("bowtie.geojson", options), UsageError);
    options = flat_options();
    options.mapping.parent_code = "X";
    options.mapping.parent_code_length = 2;
    EXPECT_THROW((void)check("bowtie.geojson", options), UsageError);
}

TEST(GeographyCheck, ParentsOutsideTheSourceAreOnlyWarningsWithoutWorkspace)
{
    const test::GeoRun report = check("tiny_regions.geojson", region_options());
    EXPECT_EQ(report.orphans, 0u);
    EXPECT_TRUE(mentions(report.warnings, "refer to 1 parent codes outside the source ('TCY')"));
}

TEST(GeographyImport, OrphansFailTheImportAndLeaveTheWorkspaceUntouched)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    const std::string before = test::read_file(ws);
    GeographyOptions options = region_options();
    options.mapping.parent_code = "XXX";
    const test::GeoRun report = import("tiny_regions.geojson", options, ws);
    EXPECT_FALSE(report.written);
    EXPECT_EQ(report.orphans, 4u);
    EXPECT_TRUE(mentions(report.errors, "parent 'XXX' is not in the source or the workspace"));
    EXPECT_EQ(test::read_file(ws), before);
}

TEST(GeographyImport, SeveralSourcesBuildOneHierarchyAndReimportReplacesSameCodes)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    test::GeoRun report = import("tiny_regions.geojson", region_options(), ws);
    ASSERT_TRUE(report.written) << (report.errors.empty() ? "" : report.errors.front());
    EXPECT_EQ(report.units_in_workspace, 5u);
    EXPECT_EQ(report.neighbour_pairs, 4u);
    EXPECT_EQ(report.gaps, 0u);

    report = import("tiny_regions.geojson", region_options(), ws);
    ASSERT_TRUE(report.written);
    EXPECT_EQ(report.units_replaced, 4u);
    EXPECT_EQ(report.units_in_workspace, 5u);

    const UnitIndex index = UnitIndex::from_workspace(ws);
    ASSERT_EQ(index.units().size(), 5u);
    const auto unit = index.find_code("TCY-2");
    ASSERT_TRUE(unit);
    const UnitInfo& info = index.units()[*unit];
    EXPECT_EQ(info.name, "Este");
    EXPECT_EQ(info.parent_code, "TCY");
    EXPECT_EQ(info.level, 2);
    EXPECT_NEAR(info.area_km2, 12308, 15);
    const auto located = index.locate(info.rep_lon, info.rep_lat, 2);
    ASSERT_TRUE(located);
    EXPECT_EQ(located->unit, *unit);

    auto dataset = workspace::open_readonly(ws);
    const Table neighbours = workspace::read_product(*dataset, products::unit_neighbours);
    EXPECT_EQ(neighbours.rows.size(), 4u);  // the four region pairs; a single country has no neighbour
}

TEST(GeographyImport, RunLogRecordsCommandInputChecksumAndCounts)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    auto dataset = workspace::open_readonly(ws);
    const Table log = workspace::read_product(*dataset, products::run_log);
    bool has_input = false, has_units = false;
    for (const auto& row : log.rows) {
        const auto& kind = std::get<std::string>(row[5]);
        const auto& name = std::get<std::string>(row[7]);
        const auto& value = std::get<std::string>(row[8]);
        if (kind == "input" && name == "geographies") {
            has_input = true;
            EXPECT_EQ(std::get<std::string>(row[9]).rfind("sha256:", 0), 0u);
            EXPECT_NE(value.find("tiny_country.geojson"), std::string::npos);
        }
        if (kind == "count" && name == "units") {
            has_units = true;
            EXPECT_EQ(value, "1");
        }
        EXPECT_EQ(std::get<std::string>(row[1]), "geo import");
    }
    EXPECT_TRUE(has_input);
    EXPECT_TRUE(has_units);
}

TEST(GeographyImport, OverlapsBetweenSiblingsAndGapsInsideTheParentAreReportedInKm2)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    const test::GeoRun report = check("overlap_regions.geojson", region_options(), ws);
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.overlaps, 1u);
    EXPECT_NEAR(report.overlap_km2, 0.5 * 12308, 30);
    EXPECT_EQ(report.gaps, 1u);  // the northern half of the country is not covered
    EXPECT_NEAR(report.gap_km2, 2 * 12300, 60);
    EXPECT_TRUE(mentions(report.warnings, "sibling units 'TCY-1' (Uno) and 'TCY-2' (Dos) overlap by"));
}

TEST(GeographyImport, SourceWithSeveralLayersNeedsLayerAndNamesThem)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    Progress quiet;
    GeographyOptions options = country_options();
    options.mapping.code_field = "code";
    try {
        (void)test::check_geography(ws.string(), options, std::nullopt, quiet);
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("choose one with the setting layer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'units'"), std::string::npos) << e.what();
    }
    options.mapping.layer = "units";
    options.mapping.name_field = "name";
    const test::GeoRun report = test::check_geography(ws.string(), options, std::nullopt, quiet);
    EXPECT_EQ(report.crs, "EPSG:4326");
    EXPECT_EQ(report.units, 1u);
}

TEST(GeographyImport, ParentFromAFieldOrFromTheCodeGetsTheCodePrefix)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    ASSERT_TRUE(import("tiny_country.geojson", country_options(), ws).written);
    ASSERT_TRUE(import("tiny_regions.geojson", region_options(), ws).written);
    GeographyOptions options = region_options();
    options.mapping.parent_code.clear();
    options.mapping.level = 3;
    options.mapping.parent_field = "region";  // raw region code "2" becomes "TCY-2"
    test::GeoRun report = check("tiny_subregions.geojson", options, ws);
    EXPECT_TRUE(report.usable()) << (report.errors.empty() ? "" : report.errors.front());
    EXPECT_EQ(report.units, 2u);
    EXPECT_EQ(report.orphans, 0u);

    options.mapping.parent_field.clear();
    options.mapping.parent_code_length = 1;  // "21" -> "TCY-2", like Peru ubigeo 0101 -> PER-01
    report = import("tiny_subregions.geojson", options, ws);
    ASSERT_TRUE(report.written) << (report.errors.empty() ? "" : report.errors.front());
    const UnitIndex index = UnitIndex::from_workspace(ws);
    ASSERT_TRUE(index.find_code("TCY-21"));
    EXPECT_EQ(index.units()[*index.find_code("TCY-21")].parent_code, "TCY-2");
    EXPECT_EQ(index.units()[*index.find_code("TCY-21")].level, 3);
    // The level-3 units leave half of region 2 uncovered: one gap of about 6,150 km2.
    EXPECT_EQ(report.gaps, 1u);
    EXPECT_NEAR(report.gap_km2, 12308 / 2.0, 20);
}

namespace {

/// Writes a one-square Shapefile (UTM 19S metres), with or without its .prj, through GDAL.
std::filesystem::path write_shapefile(const std::filesystem::path& folder, bool with_prj)
{
    gdal_register_all();
    const auto path = folder / "squares.shp";
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference utm;
    utm.importFromEPSG(32719);
    OGRLayer* layer = dataset->CreateLayer("squares", with_prj ? &utm : nullptr, wkbPolygon, nullptr);
    OGRFieldDefn code("rid", OFTString);
    OGRFieldDefn name("rname", OFTString);
    layer->CreateField(&code);
    layer->CreateField(&name);
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("rid", "1");
    feature.SetField("rname", "Cuadrado");
    OGRGeometry* square = nullptr;
    OGRGeometryFactory::createFromWkt("POLYGON((500000 9900000,600000 9900000,600000 10000000,500000 10000000,500000 9900000))",
        nullptr, &square);
    feature.SetGeometryDirectly(square);
    EXPECT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
    return path;
}

} // namespace

TEST(GeographyCheck, ShapefileIsReprojectedFromItsPrjAndRefusedWithoutOne)
{
    test::TempDir with_dir;
    Progress quiet;
    const test::GeoRun report = test::check_geography(write_shapefile(with_dir.path(), true).string(), flat_options(), std::nullopt, quiet);
    EXPECT_TRUE(report.usable());
    EXPECT_EQ(report.driver, "ESRI Shapefile");
    EXPECT_NEAR(report.area_km2_total, 10008, 10);

    test::TempDir without_dir;
    const std::string bare = write_shapefile(without_dir.path(), false).string();
    try {
        (void)test::check_geography(bare, flat_options(), std::nullopt, quiet);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("format (ESRI Shapefile) does not imply one; give it with the setting assume_srs"),
            std::string::npos) << e.what();
    }
    GeographyOptions options = flat_options();
    options.mapping.assume_srs = "EPSG:32719";
    EXPECT_NEAR(test::check_geography(bare, options, std::nullopt, quiet).area_km2_total, 10008, 10);
}

TEST(GeographyCheck, WhereFilterSelectsFeaturesAndABadFilterIsAUsageError)
{
    GeographyOptions options = region_options();
    options.mapping.where = "rid IN ('2', '3')";
    const test::GeoRun report = check("tiny_regions.geojson", options);
    EXPECT_EQ(report.features_read, 2u);
    EXPECT_EQ(report.units, 2u);
    options.mapping.where = "no_such_field = 1";
    EXPECT_THROW((void)check("tiny_regions.geojson", options), UsageError);
    options.mapping.where = "rid = 'none'";
    const test::GeoRun empty = check("tiny_regions.geojson", options);
    EXPECT_FALSE(empty.usable());
    EXPECT_TRUE(mentions(empty.errors, "no feature of layer 'tiny_regions' became a unit"));
}

TEST(SourceLabel, PostgisPasswordNeverReachesMessagesOrTheWorkspace)
{
    using migratlas::geo::source_label;
    EXPECT_EQ(source_label("PG:host=db user=ine dbname=mega password=s3cr3t"),
        "PG:host=db user=ine dbname=mega password=***");
    EXPECT_EQ(source_label("PG:dbname=mega password = 'two words' host=db"), "PG:dbname=mega password = *** host=db");
    EXPECT_EQ(source_label("boundaries/peru.geojson"), "boundaries/peru.geojson");
}
