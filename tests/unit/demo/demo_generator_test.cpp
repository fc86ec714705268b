// Tests of the demo region generator: determinism, geography, crossing points, crossings and survey.
#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/gdal_util.hpp"
#include "common/parse.hpp"
#include "demo/demo_generator.hpp"
#include "geo/geos_context.hpp"
#include "test_files.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace migratlas::demo {
namespace {

using test::TempDir;

/// One small demo set shared by the tests that only read it (generation takes about a second).
class DemoSmall : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<TempDir>();
        DemoRequest config;
        config.out_dir = s_dir->path() / "demo";
        config.seed = 7;
        Progress quiet;
        Diagnostics diagnostics;
        s_summary = run(config, diagnostics, quiet);
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    static std::filesystem::path file(const char* name) { return s_dir->path() / "demo" / name; }

    static inline std::unique_ptr<TempDir> s_dir;
    static inline DemoOutcome s_summary;
};

struct Unit {
    std::string code;
    std::string parent_code;
    int level = 0;
    geo::GeosGeometryPtr geometry;
};

std::vector<Unit> read_layer(const geo::GeosContext& geos, const std::filesystem::path& path, const char* layer_name)
{
    gdal_register_all();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    EXPECT_TRUE(dataset) << path;
    std::vector<Unit> units;
    if (!dataset) {
        return units;
    }
    OGRLayer* layer = dataset->GetLayerByName(layer_name);
    EXPECT_NE(layer, nullptr) << layer_name;
    if (layer == nullptr) {
        return units;
    }
    EXPECT_EQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), std::string("4326"));
    for (const auto& feature : *layer) {
        Unit unit;
        unit.code = feature->GetFieldAsString("code");
        unit.parent_code = feature->IsFieldSetAndNotNull(feature->GetFieldIndex("parent_code"))
                               ? feature->GetFieldAsString("parent_code")
                               : "";
        unit.level = feature->GetFieldAsInteger("level");
        EXPECT_EQ(wkbFlatten(feature->GetGeometryRef()->getGeometryType()), wkbMultiPolygon) << unit.code;
        unit.geometry = geos.own(feature->GetGeometryRef()->exportToGEOS(geos.handle()), "export");
        units.push_back(std::move(unit));
    }
    return units;
}

double area(const geo::GeosContext& geos, const GEOSGeometry* g)
{
    double value = 0.0;
    GEOSArea_r(geos.handle(), g, &value);
    return value;
}

TEST(DemoGenerator, SameSeedAndScaleGiveByteIdenticalFiles)
{
    TempDir dir;
    Progress quiet;
    Diagnostics diagnostics;
    DemoRequest config;
    config.seed = 42;
    config.out_dir = dir.path() / "a";
    const DemoOutcome first = run(config, diagnostics, quiet);
    config.out_dir = dir.path() / "b";
    (void)run(config, diagnostics, quiet);
    ASSERT_EQ(first.files.size(), 8U); // README.txt is compared below
    for (const DemoFile& f : first.files) {
        const std::string a = test::read_file(dir.path() / "a" / f.name);
        EXPECT_FALSE(a.empty()) << f.name;
        EXPECT_TRUE(a == test::read_file(dir.path() / "b" / f.name)) << f.name << " differs between two runs";
    }
    EXPECT_EQ(test::read_file(dir.path() / "a" / "README.txt"), test::read_file(dir.path() / "b" / "README.txt"));
    config.seed = 43;
    config.out_dir = dir.path() / "c";
    (void)run(config, diagnostics, quiet);
    EXPECT_NE(test::read_file(dir.path() / "a" / "crossings.csv"), test::read_file(dir.path() / "c" / "crossings.csv"));
}

TEST_F(DemoSmall, UnitCountsPerLevelAreAbout3And40And400)
{
    const geo::GeosContext geos;
    EXPECT_EQ(read_layer(geos, file("geographies.gpkg"), "level1").size(), 3U);
    const std::size_t level2 = read_layer(geos, file("geographies.gpkg"), "level2").size();
    const std::size_t level3 = read_layer(geos, file("geographies.gpkg"), "level3").size();
    EXPECT_GE(level2, 36U);
    EXPECT_LE(level2, 44U);
    EXPECT_GE(level3, 360U);
    EXPECT_LE(level3, 440U);
    EXPECT_EQ(s_summary.level2_units, level2);
    EXPECT_EQ(s_summary.level3_units, level3);
}

TEST_F(DemoSmall, EveryGeometryIsValidAndNestsInItsParentWhichTheChildrenTile)
{
    const geo::GeosContext geos;
    std::vector<std::vector<Unit>> levels;
    for (const char* name : {"level1", "level2", "level3"}) {
        levels.push_back(read_layer(geos, file("geographies.gpkg"), name));
    }
    std::set<std::string> codes;
    for (std::size_t l = 0; l < levels.size(); ++l) {
        for (const Unit& unit : levels[l]) {
            EXPECT_TRUE(codes.insert(unit.code).second) << "duplicate code " << unit.code;
            EXPECT_EQ(unit.level, static_cast<int>(l) + 1) << unit.code;
            EXPECT_TRUE(geos.predicate(GEOSisValid_r(geos.handle(), unit.geometry.get()), "valid")) << unit.code;
            EXPECT_GT(area(geos, unit.geometry.get()), 0.0) << unit.code;
        }
    }
    for (const Unit& country : levels[0]) {
        EXPECT_TRUE(country.parent_code.empty());
        EXPECT_EQ(country.code.size(), 3U);
        EXPECT_EQ(country.code[0], 'X') << "ISO 3166 user-assigned codes start with X";
    }
    for (std::size_t l = 1; l < levels.size(); ++l) {
        std::map<std::string, const Unit*> parents;
        std::map<std::string, double> children_area;
        for (const Unit& parent : levels[l - 1]) {
            parents[parent.code] = &parent;
        }
        for (const Unit& child : levels[l]) {
            const auto it = parents.find(child.parent_code);
            ASSERT_NE(it, parents.end()) << child.code << " has no parent '" << child.parent_code << "'";
            EXPECT_EQ(child.code.rfind(child.parent_code, 0), 0U) << child.code << " does not extend its parent code";
            EXPECT_EQ(child.code.size(), l == 1 ? 6U : 9U) << child.code;
            const geo::GeosGeometryPtr inside =
                geos.own(GEOSIntersection_r(geos.handle(), child.geometry.get(), it->second->geometry.get()), "intersection");
            const double child_area = area(geos, child.geometry.get());
            EXPECT_LT((child_area - area(geos, inside.get())) / child_area, 1e-6) << child.code << " sticks out of its parent";
            children_area[child.parent_code] += child_area;
        }
        for (const auto& [code, parent] : parents) {
            const double parent_area = area(geos, parent->geometry.get());
            EXPECT_NEAR(children_area[code] / parent_area, 1.0, 1e-6) << "children of " << code << " do not tile it";
        }
    }
}

TEST_F(DemoSmall, CrossingPointsLieWithinOneKilometreOfTheirBorder)
{
    const geo::GeosContext geos;
    std::map<std::string, geo::GeosGeometryPtr> countries;
    for (Unit& unit : read_layer(geos, file("geographies.gpkg"), "level1")) {
        countries[unit.code] = std::move(unit.geometry);
    }
    CsvReader reader(file("crossing_points.csv"));
    const std::size_t id = reader.require_column("point_id");
    const std::size_t lon = reader.require_column("lon");
    const std::size_t lat = reader.require_column("lat");
    const std::size_t country = reader.require_column("country_iso3");
    const std::size_t neighbour = reader.require_column("border_with_iso3");
    CsvRecord record;
    int land = 0;
    int airports = 0;
    while (reader.next(record)) {
        ASSERT_TRUE(record.malformed.empty());
        const auto x = parse_double(record.fields[lon]);
        const auto y = parse_double(record.fields[lat]);
        ASSERT_TRUE(x && y);
        const geo::GeosGeometryPtr point = geos.own(GEOSGeom_createPointFromXY_r(geos.handle(), *x, *y), "point");
        const std::string code(record.fields[id]);
        const std::string a(record.fields[country]);
        ASSERT_TRUE(countries.count(a)) << code;
        if (record.fields[neighbour].empty()) {
            ++airports;
            EXPECT_NE(code.find("-AIR-"), std::string::npos);
            EXPECT_TRUE(geos.predicate(GEOSContains_r(geos.handle(), countries[a].get(), point.get()), "contains"))
                << code << " is not inside " << a;
            continue;
        }
        ++land;
        const std::string b(record.fields[neighbour]);
        ASSERT_TRUE(countries.count(b)) << code;
        EXPECT_EQ(code.substr(0, 8), a + "-" + b + "-") << code;
        // Degrees to km: 111.32 km per degree overestimates the distance at these latitudes.
        for (const std::string& side : {a, b}) {
            double distance = 0.0;
            GEOSDistance_r(geos.handle(), point.get(), countries[side].get(), &distance);
            if (distance == 0.0) { // inside: measure to the boundary instead
                const geo::GeosGeometryPtr boundary = geos.own(GEOSBoundary_r(geos.handle(), countries[side].get()), "boundary");
                GEOSDistance_r(geos.handle(), point.get(), boundary.get(), &distance);
            }
            EXPECT_LT(distance * 111.32, 1.0) << code << " is " << distance * 111.32 << " km from " << side;
        }
    }
    EXPECT_GE(land, 12);
    EXPECT_LE(land, 20);
    EXPECT_GE(airports, 1);
    EXPECT_LE(airports, 2);
}

TEST_F(DemoSmall, CrossingsParseWithEveryColumnAndShowEveryBehaviourAndNoiseKind)
{
    std::map<std::string, std::string> behaviour_of;
    {
        CsvReader truth(file("crossings_truth.csv"));
        const std::size_t person = truth.require_column("person_id");
        const std::size_t behaviour = truth.require_column("behaviour");
        CsvRecord record;
        while (truth.next(record)) {
            behaviour_of[std::string(record.fields[person])] = std::string(record.fields[behaviour]);
        }
    }
    EXPECT_EQ(behaviour_of.size(), s_summary.crossings.persons) << "person ids must be unique";
    CsvReader reader(file("crossings.csv"));
    std::map<std::string, std::size_t> column;
    for (const char* name : {"person_id", "crossing_time", "direction", "crossing_point", "nationality", "sex",
                             "birth_date", "residence_code", "transport_mode", "purpose"}) {
        column[name] = reader.require_column(name);
    }
    std::map<std::string, std::uint64_t> rows_by_behaviour;
    std::set<std::string> lines;
    std::set<std::string> modes;
    std::uint64_t rows = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t bad_direction = 0;
    std::uint64_t empty_id = 0;
    std::uint64_t utc = 0;
    std::uint64_t neighbour_offset = 0;
    std::uint64_t out_of_order = 0;
    std::string previous_time;
    std::map<std::string, std::map<std::string, std::set<std::string>>> frontier_days; // person -> date -> directions
    CsvRecord record;
    while (reader.next(record)) {
        ASSERT_TRUE(record.malformed.empty()) << "record " << record.record_no << ": " << record.malformed;
        ASSERT_EQ(record.fields.size(), 10U);
        ++rows;
        std::string line;
        for (const auto& f : record.fields) {
            line += std::string(f) + ",";
        }
        duplicates += lines.insert(line).second ? 0 : 1;
        const std::string person(record.fields[column["person_id"]]);
        const std::string time(record.fields[column["crossing_time"]]);
        const std::string direction(record.fields[column["direction"]]);
        empty_id += person.empty() ? 1 : 0;
        bad_direction += direction != "IN" && direction != "OUT" ? 1 : 0;
        utc += time.ends_with("Z") ? 1 : 0;
        neighbour_offset += time.ends_with("-04:00") ? 1 : 0;
        out_of_order += time < previous_time ? 1 : 0;
        previous_time = time;
        modes.insert(std::string(record.fields[column["transport_mode"]]));
        if (!person.empty()) {
            ASSERT_EQ(person.size(), 10U) << person;
            ASSERT_TRUE(behaviour_of.count(person)) << person << " is not in crossings_truth.csv";
            ++rows_by_behaviour[behaviour_of[person]];
            if (behaviour_of[person] == "frontier_worker") {
                frontier_days[person][time.substr(0, 10)].insert(direction);
            }
        }
    }
    EXPECT_EQ(rows, s_summary.crossings.rows);
    for (std::size_t b = 0; b < behaviour_count; ++b) {
        const std::string name(behaviour_name(static_cast<Behaviour>(b)));
        EXPECT_GT(rows_by_behaviour[name], 0U) << "no rows of behaviour " << name;
    }
    EXPECT_GT(duplicates, 0U) << "exact duplicates expected";
    EXPECT_GT(bad_direction + empty_id, 0U) << "invalid rows expected";
    EXPECT_GT(s_summary.crossings.invalid_rows, 0U);
    EXPECT_GT(s_summary.crossings.double_scans, 0U);
    EXPECT_GT(utc, 0U);
    EXPECT_GT(neighbour_offset, 0U);
    EXPECT_GT(out_of_order, rows / 10) << "rows must not be globally sorted";
    EXPECT_EQ(modes, (std::set<std::string>{"air", "land", "river"}));
    // Frontier workers cross IN and OUT on the same date on most of their working days.
    std::uint64_t both = 0;
    std::uint64_t days = 0;
    for (const auto& [person, by_date] : frontier_days) {
        for (const auto& [date, directions] : by_date) {
            ++days;
            both += directions.size() == 2 ? 1 : 0;
        }
    }
    ASSERT_GT(days, 0U);
    EXPECT_GT(static_cast<double>(both) / static_cast<double>(days), 0.8);
    const std::string params = test::read_file(file("params.txt"));
    for (const char* key : {"observation_start=2020-01-01", "observation_end=2024-12-31", "reference_utc_offset=-05:00",
                            "window_months=16", "min_days=365"}) {
        EXPECT_NE(params.find(key), std::string::npos) << key;
    }
}

TEST_F(DemoSmall, ControlsShareOneTotalAndEveryCategoryHasSampleCases)
{
    std::map<std::string, std::int64_t> margin_total;
    std::vector<std::pair<std::string, std::string>> categories;
    {
        CsvReader controls(file("controls.csv"));
        EXPECT_EQ(controls.header(), (std::vector<std::string>{"margin", "category", "total"}));
        CsvRecord record;
        while (controls.next(record)) {
            const auto total = parse_int(record.fields[2]);
            ASSERT_TRUE(total.has_value());
            margin_total[std::string(record.fields[0])] += *total;
            categories.emplace_back(record.fields[0], record.fields[1]);
        }
    }
    EXPECT_EQ(margin_total.size(), 4U);
    for (const auto& [margin, total] : margin_total) {
        EXPECT_EQ(total, margin_total["unit_code"]) << margin;
    }
    // The controls come from population.csv: same total for the reporting country.
    {
        CsvReader population(file("population.csv"));
        CsvRecord record;
        std::int64_t reporting = 0;
        while (population.next(record)) {
            if (record.fields[0].starts_with("XNA")) {
                reporting += parse_int(record.fields[3]).value_or(-1);
            }
        }
        EXPECT_EQ(reporting, margin_total["unit_code"]);
    }
    CsvReader survey(file("survey.csv"));
    EXPECT_EQ(survey.header(), (std::vector<std::string>{"hh_id", "person_id", "stratum", "psu", "design_weight", "sex", "age",
                                                         "age_group", "area", "unit_code", "born_abroad", "country_of_birth"}));
    std::set<std::pair<std::string, std::string>> seen;
    std::map<std::string, std::string> stratum_of_psu;
    std::map<std::string, std::set<std::string>> psus_of_stratum;
    double design_born_abroad = 0.0;
    std::size_t persons = 0;
    CsvRecord record;
    while (survey.next(record)) {
        ++persons;
        const std::string weight(record.fields[4]);
        const auto dot = weight.find('.');
        EXPECT_TRUE(dot == std::string::npos || weight.size() - dot - 1 <= 6) << weight;
        const auto w = parse_double(weight);
        ASSERT_TRUE(w && *w > 0.0);
        seen.insert({"unit_code", std::string(record.fields[9])});
        seen.insert({"sex:age_group", std::string(record.fields[5]) + ":" + std::string(record.fields[7])});
        seen.insert({"area", std::string(record.fields[8])});
        seen.insert({"born_abroad", std::string(record.fields[10])});
        design_born_abroad += record.fields[10] == "1" ? *w : 0.0;
        const std::string psu(record.fields[3]);
        const std::string stratum(record.fields[2]);
        EXPECT_TRUE(stratum_of_psu.emplace(psu, stratum).first->second == stratum) << "PSU " << psu << " in two strata";
        psus_of_stratum[stratum].insert(psu);
    }
    EXPECT_GE(persons, 3000U);
    EXPECT_LE(persons, 6000U);
    for (const auto& category : categories) {
        EXPECT_TRUE(seen.count(category)) << category.first << "=" << category.second << " has no sample case";
    }
    for (const auto& [stratum, psus] : psus_of_stratum) {
        EXPECT_GE(psus.size(), 3U) << "stratum " << stratum;
    }
    std::int64_t control_born_abroad = -1;
    for (std::size_t i = 0; i < categories.size(); ++i) {
        if (categories[i] == std::pair<std::string, std::string>{"born_abroad", "1"}) {
            control_born_abroad = 0;
        }
    }
    ASSERT_EQ(control_born_abroad, 0) << "controls need a born_abroad=1 row";
    EXPECT_LT(design_born_abroad, static_cast<double>(s_summary.control_born_abroad))
        << "design weights must under-count the born abroad";
    EXPECT_GT(design_born_abroad, 0.0);
}

TEST(DemoGenerator, RejectsAnUnknownScale)
{
    EXPECT_THROW(parse_scale("huge"), UsageError);
    EXPECT_EQ(parse_scale("medium"), Scale::medium);
}

} // namespace
} // namespace migratlas::demo
