// The border stage on the tiny workspace (tests/support/tiny_workspace.hpp): XNA and XOE share the
// meridian lon 2 from lat 0 to 2, with bridges P1 (lat 1) and P2 (lat 0.4) on it and an airport A1.
#include "border/border_run.hpp"
#include "common/error.hpp"
#include "common/products/border.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace migratlas;

namespace {

const double seasonal[12] = {0.8, 0.6, 0.9, 1.0, 1.0, 1.2, 1.5, 1.3, 1.0, 0.9, 0.8, 1.0};

std::int64_t entries_of(int t)
{
    return std::lround(100 * seasonal[t % 12]);
}
std::int64_t exits_of(int t)
{
    return std::lround(50 * seasonal[t % 12]);
}

std::vector<std::vector<TableValue>> tiny_crossings()
{
    using test::detail;
    std::vector<std::vector<TableValue>> rows;
    // P1: 24 months (2022-2023) of 100 entries and 50 exits a month times the seasonal factor:
    // women of 18-29 from VEN by land, 10 boys from COL a month on same-day returns, exits by river.
    for (int t = 0; t < 24; ++t) {
        const std::string month = fmt::format("{}-{:02d}", 2022 + t / 12, t % 12 + 1);
        rows.push_back(detail(month, "P1", "IN", "VEN", "F", "18-29", 0, "land", entries_of(t) - 10));
        rows.push_back(detail(month, "P1", "IN", "COL", "M", "0-17", 1, "land", 10));
        rows.push_back(detail(month, "P1", "OUT", "VEN", "M", "unknown", 0, "river", exits_of(t)));
    }
    rows.push_back(detail("2023-06", "P2", "IN", "ECU", "F", "30-44", 0, "land", 4));
    rows.push_back(detail("2023-06", "A1", "OUT", "ESP", "M", "30-44", 0, "air", 2));
    return rows;
}

std::vector<std::vector<TableValue>> tiny_events()
{
    using test::event;
    return {event("2022-05", "visitor", "M", "0-17", "VEN", "P1", "XNA-02001", "", 30)};
}

struct TinyBorder {
    test::TempDir dir;
    std::filesystem::path workspace = dir.path() / "ws.gpkg";
    TinyBorder() { test::write_tiny_workspace(workspace, tiny_events(), tiny_crossings(), true); }
    border::Request request() const
    {
        border::Request r;
        r.workspace = workspace;
        return r;
    }
    [[nodiscard]] Table table(const ProductSpec& product) const
    {
        GDALDatasetUniquePtr dataset = workspace::open_readonly(workspace);
        return workspace::read_product(*dataset, product);
    }
};

std::map<std::string, std::size_t> index_by(const Table& table, std::size_t column)
{
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        index[std::get<std::string>(table.rows[i][column])] = i;
    }
    return index;
}

} // namespace

TEST(BorderRun, PointIndicatorsFromTheLinkedRecords)
{
    TinyBorder tiny;
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(tiny.request(), diagnostics, progress);
    EXPECT_EQ(o.source, "records");
    EXPECT_EQ(o.period, "2022-01/2023-12");
    EXPECT_EQ(o.points, 3U);
    EXPECT_EQ(o.counts.at("crossings_read"), o.counts.at("crossings_at_listed_points"));
    const ProductSpec& s = products::crossing_point_indicators;
    const Table t = tiny.table(s);
    const auto at = index_by(t, 0);
    const auto& p1 = t.rows[at.at("P1")];
    EXPECT_EQ(std::get<std::int64_t>(p1[s.column_index("rank")]), 1);
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("nationality_1")]), "VEN");
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("nationality_2")]), "COL");
    EXPECT_NEAR(std::get<double>(p1[s.column_index("nationality_2_share_pct")]),
        100.0 * 240 / static_cast<double>(std::get<std::int64_t>(p1[s.column_index("crossings")])), 1e-9);
    double women = 0, boys = 240, exits = 0;
    for (int month = 0; month < 24; ++month) {
        women += static_cast<double>(entries_of(month) - 10);
        exits += static_cast<double>(exits_of(month));
    }
    EXPECT_DOUBLE_EQ(std::get<double>(p1[s.column_index("sex_ratio")]), 100.0 * (boys + exits) / women);
    EXPECT_DOUBLE_EQ(std::get<double>(p1[s.column_index("children_share_pct")]), 100.0 * boys / (boys + women));
    EXPECT_DOUBLE_EQ(std::get<double>(p1[s.column_index("same_day_return_share_pct")]), 100.0 * boys / (boys + women + exits));
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("main_mode")]), "land");
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("seasonality")]), "ok");
    EXPECT_EQ(std::get<std::int64_t>(p1[s.column_index("peak_month")]), 7);
    EXPECT_NEAR(std::get<double>(p1[s.column_index("trend_pct_per_year")]), 0.0, 1e-9);  // the same two years
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("segment_id")]), "XNA-XOE-002");
    const auto& p2 = t.rows[at.at("P2")];
    // 24 months in the series, but crossings in one only: no moving average in most months, no trend.
    EXPECT_EQ(std::get<std::string>(p2[s.column_index("seasonality")]),
        "too few crossings for a moving average in every calendar month");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(p2[s.column_index("trend_pct_per_year")]));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(t.rows[at.at("A1")][s.column_index("segment_id")]));

    // The seasonal index of P1 is its factor (entries and exits rounded to whole crossings).
    const Table si = tiny.table(products::crossing_point_seasonality);
    int checked = 0;
    for (const auto& row : si.rows) {
        if (std::get<std::string>(row[0]) == "P1") {
            const auto month = std::get<std::int64_t>(row[1]);
            EXPECT_NEAR(std::get<double>(row[2]), 100.0 * seasonal[month - 1], 0.5) << month;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 12);
}

TEST(BorderRun, TheBorderIsSplitBetweenTheTwoBridges)
{
    TinyBorder tiny;
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(tiny.request(), diagnostics, progress);
    EXPECT_EQ(o.borders, 1U);
    EXPECT_EQ(o.segments, 2U);
    const ProductSpec& s = products::border_segments;
    const Table t = tiny.table(s);
    ASSERT_EQ(t.rows.size(), 2U);
    // From lat 0 to 2 along lon 2: P2 (lat 0.4) owns lat 0..0.7, P1 (lat 1) lat 0.7..2.
    const double meridian_degree_km = 110.574;  // near the equator (WGS84)
    const auto at = index_by(t, 0);
    const auto& first = t.rows[at.at("XNA-XOE-001")];
    const auto& second = t.rows[at.at("XNA-XOE-002")];
    EXPECT_EQ(std::get<std::string>(first[s.column_index("point_id")]), "P2");
    EXPECT_EQ(std::get<std::string>(second[s.column_index("point_id")]), "P1");
    EXPECT_NEAR(std::get<double>(first[s.column_index("length_km")]), 0.7 * meridian_degree_km, 0.05);
    EXPECT_NEAR(std::get<double>(second[s.column_index("length_km")]), 1.3 * meridian_degree_km, 0.05);
    EXPECT_EQ(std::get<std::int64_t>(first[s.column_index("crossings")]), 4);
}

TEST(BorderRun, AreaWeightedBufferOfPopulationAndMigrants)
{
    TinyBorder tiny;
    {
        // Survey estimates of born_abroad by level-2 unit.
        workspace::Workspace ws(tiny.workspace);
        Table estimates = products::estimates.make_table();
        estimates.rows.push_back({std::string("XNA-02"), std::string("born_abroad"), std::string("total"),
            std::string("raking"), 100.0, 10.0, 10.0, 80.0, 120.0, std::string("ok"), std::int64_t{50}});
        estimates.rows.push_back({std::string("XNA-01"), std::string("born_abroad"), std::string("total"),
            std::string("raking"), 40.0, 10.0, 25.0, 20.0, 60.0, std::string("caution"), std::int64_t{30}});
        workspace::write_product(ws, products::estimates, estimates);
        ws.commit();
    }
    border::Request r = tiny.request();
    // Half the width of XNA-02001 (lon 1..2) at these latitudes: the buffer covers half of it and
    // nothing of XNA-01 (lon 0..1).
    r.buffer_km = 0.5 * 40075.016686 / 360.0;
    r.population = tiny.dir.file("population.csv", "unit_code,population\nXNA-01001,600\nXNA-01002,400\nXNA-02001,500\n");
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(r, diagnostics, progress);
    ASSERT_TRUE(o.population_in_buffer.has_value());
    EXPECT_NEAR(*o.population_in_buffer, 250, 2.5);  // 500 x 1/2, within 1%
    ASSERT_TRUE(o.migrants_in_buffer.has_value());
    EXPECT_NEAR(*o.migrants_in_buffer, 50, 0.5);     // 100 x 1/2 + 40 x 0
    const ProductSpec& s = products::unit_border;
    const Table t = tiny.table(s);
    const auto at = index_by(t, 0);
    const auto& u = t.rows[at.at("XNA-02")];
    EXPECT_NEAR(std::get<double>(u[s.column_index("buffer_share_pct")]), 50, 0.5);
    EXPECT_NEAR(std::get<double>(u[s.column_index("population_in_buffer")]), 250, 2.5);  // sum of its level-3 unit
    EXPECT_EQ(std::get<std::int64_t>(u[s.column_index("touches_border")]), 1);
    const auto& west = t.rows[at.at("XNA-01001")];
    EXPECT_EQ(std::get<std::int64_t>(west[s.column_index("touches_border")]), 0);
    // Its representative point (0.5, 0.5) is 1.5 degrees of longitude from the border, and the airport is on it.
    EXPECT_NEAR(std::get<double>(west[s.column_index("border_distance_km")]), 1.5 * 111.3, 0.5);
    EXPECT_EQ(std::get<std::string>(west[s.column_index("nearest_point_id")]), "A1");
    EXPECT_NEAR(std::get<double>(west[s.column_index("crossing_distance_km")]), 0, 1e-9);
}

TEST(BorderRun, CountsFilesRankAndTrendPorts)
{
    TinyBorder tiny;
    border::Request r = tiny.request();
    r.counts = tiny.dir.file("counts.csv", "point_id,period,direction,count,mode\n"
                                           "P1,2020,IN,100,bus\nP1,2021,IN,110,bus\nP1,2022,IN,121,bus\n"
                                           "P2,2020,IN,300,car\nP2,2021,IN,300,car\nP2,2022,IN,300,car\nP2,2022,IN,100,bus\n");
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(r, diagnostics, progress);
    EXPECT_EQ(o.source, "counts");
    EXPECT_EQ(o.period, "2020/2022");
    const ProductSpec& s = products::crossing_point_indicators;
    const Table t = tiny.table(s);
    const auto at = index_by(t, 0);
    const auto& p1 = t.rows[at.at("P1")];
    EXPECT_EQ(std::get<std::int64_t>(p1[s.column_index("rank")]), 2);
    EXPECT_NEAR(std::get<double>(p1[s.column_index("trend_pct_per_year")]), 10.0, 1e-6);
    EXPECT_EQ(std::get<std::string>(p1[s.column_index("seasonality")]), "yearly series: no seasonal index");
    const auto& p2 = t.rows[at.at("P2")];
    EXPECT_EQ(std::get<std::int64_t>(p2[s.column_index("rank")]), 1);
    EXPECT_EQ(std::get<std::string>(p2[s.column_index("main_mode")]), "car");
    EXPECT_NEAR(std::get<double>(p2[s.column_index("main_mode_share_pct")]), 90.0, 1e-9);
}

TEST(BorderRun, BadCountsAndPeriodsWriteNothing)
{
    TinyBorder tiny;
    Progress progress;
    const std::pair<const char*, const char*> cases[] = {
        {"point_id,period,direction,count\nP1,2020,IN,-5\n", "count '-5' is not a whole number >= 0"},
        {"point_id,period,direction,count\nP1,2020,IN,many\n", "count 'many' is not a whole number >= 0"},
        {"point_id,period,direction,count\nZZ-1,2020,IN,5\n", "'ZZ-1' in 1 row(s), first at counts.csv:2:1"},
        {"point_id,period,direction,count\nP1,2020,north,5\n", "direction 'north' is not IN or OUT"},
        {"point_id,period,direction,count\nP1,2020,IN,5\nP1,2021-03,IN,5\n", "mixes yearly and monthly periods"},
    };
    for (const auto& [body, expected] : cases) {
        border::Request r = tiny.request();
        r.counts = tiny.dir.file("counts.csv", body);
        Diagnostics diagnostics;
        try {
            (void)border::run(r, diagnostics, progress);
            ADD_FAILURE() << "no error for " << body;
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        GDALDatasetUniquePtr dataset = workspace::open_readonly(tiny.workspace);
        EXPECT_FALSE(workspace::has_product(*dataset, products::crossing_point_indicators)) << body;
    }
    border::Request r = tiny.request();
    r.period = "2030";
    Diagnostics diagnostics;
    try {
        (void)border::run(r, diagnostics, progress);
        FAIL();
    } catch (const DataError& e) {
        EXPECT_EQ(std::string(e.what()), "period 2030 matches no crossings; nothing was written");
    }
}

TEST(BorderRun, AWorkspaceWithoutRecordsNeedsCounts)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    test::write_tiny_workspace(ws, {}, {}, true);
    border::Request r;
    r.workspace = ws;
    Diagnostics diagnostics;
    Progress progress;
    try {
        (void)border::run(r, diagnostics, progress);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), ws.string() + ": has no linked crossing records (table 'crossings_detail'); "
            "make it with 'migratlas link --workspace', or give aggregate counts with --counts");
    }
}

TEST(BorderRun, ControlsForABorderSurvey)
{
    TinyBorder tiny;
    border::Request r = tiny.request();
    r.controls_out = tiny.dir.path() / "controls.csv";
    r.controls_by = "quarter";
    r.period = "2023-01:2023-03";
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(r, diagnostics, progress);
    // Land points only (the airport is left out): P1 in and out in 2023-Q1; P2 has nothing then.
    EXPECT_EQ(o.control_categories, 2U);
    const std::string in = std::to_string(80 + 60 + 90);
    const std::string out = std::to_string(40 + 30 + 45);
    EXPECT_EQ(test::read_file(r.controls_out), "margin,category,total\n"
                                               "crossing_point:quarter:direction,P1:2023-Q1:IN," + in + "\n"
                                               "crossing_point:quarter:direction,P1:2023-Q1:OUT," + out + "\n");
}
