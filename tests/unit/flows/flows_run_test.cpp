// The flows stage on the tiny workspace (tests/support/tiny_workspace.hpp): every figure checked by hand.
#include "common/error.hpp"
#include "common/products/flows.hpp"
#include "flows/flows_run.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace migratlas;

namespace {

std::vector<std::vector<TableValue>> tiny_events()
{
    using test::event;
    return {
        event("2023-01", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001", "XNA-01001", 3),
        event("2023-02", "immigrant_arrival", "M", "0-17", "XOE", "P1", "XNA-02001", "XNA-01002", 2),
        event("2023-02", "immigrant_arrival", "M", "30-44", "COL", "A1", "XNA-01001", "", 4),  // airport, no residence
        event("2023-03", "emigrant_departure", "F", "18-29", "XNA", "P1", "XNA-02001", "XNA-02001", 5),
        event("2023-03", "emigrant_departure", "M", "18-29", "XNA", "A1", "XNA-01001", "XNA-01002", 1),
        event("2023-04", "visitor", "F", "18-29", "XOE", "P1", "XNA-02001", "", 7),
        event("2023-05", "unresolved", "M", "18-29", "XOE", "P1", "XNA-02001", "", 2),
        event("2023-05", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001", "XNA-99", 1),  // unknown code
        event("2022-12", "immigrant_arrival", "F", "18-29", "XOE", "P1", "XNA-02001", "XNA-01001", 9),  // outside 2023
    };
}

struct TinyRun {
    test::TempDir dir;
    std::filesystem::path workspace = dir.path() / "ws.gpkg";
    std::filesystem::path population;
    TinyRun()
    {
        test::write_tiny_workspace(workspace, tiny_events(), {}, true);
        population = dir.file("population.csv", "unit_code,sex,population\nXNA-01001,1,300\nXNA-01001,2,300\n"
                                                "XNA-01002,1,400\nXNA-02001,1,500\n");
    }
    flows::Request request() const
    {
        flows::Request r;
        r.workspace = workspace;
        r.period = "2023";
        r.population = population;
        return r;
    }
    [[nodiscard]] Table table(const ProductSpec& product) const
    {
        GDALDatasetUniquePtr dataset = workspace::open_readonly(workspace);
        return workspace::read_product(*dataset, product);
    }
};

/// Rows of a table keyed by the text of some columns.
std::map<std::string, std::vector<TableValue>> by_key(const Table& table, std::initializer_list<std::size_t> columns)
{
    std::map<std::string, std::vector<TableValue>> rows;
    for (const auto& row : table.rows) {
        std::string key;
        for (const std::size_t c : columns) {
            key += (key.empty() ? "" : "|") + std::get<std::string>(row[c]);
        }
        rows[key] = row;
    }
    return rows;
}

double real(const TableValue& v)
{
    return std::get<double>(v);
}

std::int64_t integer(const TableValue& v)
{
    return std::get<std::int64_t>(v);
}

} // namespace

TEST(FlowsRun, RecordFlowsReconcileWithTheClassifiedEvents)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    const flows::Outcome o = flows::run(tiny.request(), diagnostics, progress);
    EXPECT_EQ(o.period, "2023");
    EXPECT_EQ(o.counts.at("events_read"), 34);
    EXPECT_EQ(o.counts.at("events_outside_period"), 9);
    EXPECT_EQ(o.counts.at("events_in_period"), 25);
    EXPECT_EQ(o.counts.at("events_not_joined:unknown_code"), 1);
    EXPECT_EQ(o.counts.at("events_in_flows"), 22);  // 15 migration events + 7 visitor entries
    EXPECT_EQ(o.counts.at("migration_events_in_flows"), 15);  // 9 immigrant + 6 emigrant events
    EXPECT_EQ(o.counts.at("events_unresolved"), 2);
    EXPECT_EQ(o.counts.at("events_without_direction"), 0);
    EXPECT_EQ(o.counts.at("events_in_flows:visitor"), 7);
    EXPECT_EQ(o.counts.at("events_placed_at_crossing_point"), 4 + 7 + 2);
    EXPECT_EQ(diagnostics.reject_counts().at("unknown_code"), 1U);

    const Table flows_table = tiny.table(products::flows);
    const auto f = by_key(flows_table, {1, 2, 3});
    ASSERT_EQ(f.size(), 5U);
    // Visitors are a flow of their own type, not migration: XOE -> the bridge's unit (no residence).
    EXPECT_EQ(integer(f.at("visitor|XOE|XNA-02")[products::flows.column_index("persons")]), 7);
    const std::size_t persons = products::flows.column_index("persons");
    EXPECT_EQ(integer(f.at("immigration|XOE|XNA-01")[persons]), 5);
    EXPECT_EQ(integer(f.at("immigration|COL|XNA-01")[persons]), 4);  // the airport's unit stands in
    EXPECT_EQ(integer(f.at("emigration|XNA-02|XOE")[persons]), 5);
    EXPECT_EQ(integer(f.at("emigration|XNA-01|unknown")[persons]), 1);  // exits at airports go nowhere known
    EXPECT_EQ(std::get<std::string>(f.at("immigration|COL|XNA-01")[products::flows.column_index("origin_name")]), "Colombia");
    EXPECT_EQ(std::get<std::string>(f.at("immigration|XOE|XNA-01")[products::flows.column_index("sex")]), "_T");
}

TEST(FlowsRun, UnitBalancesEffectivenessAndRates)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    (void)flows::run(tiny.request(), diagnostics, progress);
    const ProductSpec& s = products::unit_flows;
    std::map<std::string, std::vector<TableValue>> u;
    for (const auto& [key, row] : by_key(tiny.table(s), {1, 2})) {
        if (key.rfind("migration|", 0) == 0) {
            u[key.substr(10)] = row;
        }
    }
    ASSERT_EQ(u.size(), 5U);  // XNA-01, XNA-02 and the countries COL, XOE, unknown
    const auto& a = u.at("XNA-01");
    EXPECT_EQ(integer(a[s.column_index("inflow")]), 9);
    EXPECT_EQ(integer(a[s.column_index("outflow")]), 1);
    EXPECT_EQ(integer(a[s.column_index("net")]), 8);
    EXPECT_EQ(integer(a[s.column_index("gross")]), 10);
    EXPECT_DOUBLE_EQ(real(a[s.column_index("mei_pct")]), 80);
    EXPECT_DOUBLE_EQ(real(a[s.column_index("population")]), 1000);  // 600 + 400 rolled up from level 3
    EXPECT_DOUBLE_EQ(real(a[s.column_index("in_rate")]), 9);
    EXPECT_DOUBLE_EQ(real(a[s.column_index("net_rate")]), 8);
    const auto& b = u.at("XNA-02");
    EXPECT_DOUBLE_EQ(real(b[s.column_index("mei_pct")]), -100);
    EXPECT_DOUBLE_EQ(real(b[s.column_index("out_rate")]), 10);
    const auto& xoe = u.at("XOE");
    EXPECT_DOUBLE_EQ(real(xoe[s.column_index("mei_pct")]), 0);  // 5 sent, 5 received
    EXPECT_TRUE(std::holds_alternative<std::monostate>(xoe[s.column_index("in_rate")]));  // no population abroad
}

TEST(FlowsRun, SystemIndicatorsOfTheBipartiteRecordSystem)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    const flows::Outcome o = flows::run(tiny.request(), diagnostics, progress);
    ASSERT_EQ(o.systems.size(), 2U);  // migration and visitor, apart
    EXPECT_EQ(o.systems[1].flow_class, "visitor");
    const flows::SystemIndicators& s = o.systems[0].indicators;
    EXPECT_EQ(o.systems[0].flow_class, "migration");
    EXPECT_DOUBLE_EQ(s.total_flow, 15);
    EXPECT_EQ(s.members, 5U);
    EXPECT_EQ(s.pairs, 12U);  // 3 countries x 2 units, both ways
    EXPECT_EQ(s.nonzero_pairs, 4U);
    EXPECT_DOUBLE_EQ(*s.population, 1500);
    EXPECT_DOUBLE_EQ(*s.cmi_pct, 1.0);
    EXPECT_DOUBLE_EQ(*s.mei_pct, 60.0);   // (8 + 5 + 0 + 4 + 1) / (10 + 5 + 10 + 4 + 1)
    EXPECT_DOUBLE_EQ(*s.anmr_pct, 0.6);   // 9 / 1500
    EXPECT_NEAR(*s.gini, 266.0 / 330.0, 1e-12);
    const Table indicators = tiny.table(products::flow_indicators);
    ASSERT_EQ(indicators.rows.size(), 2U);
    EXPECT_DOUBLE_EQ(real(indicators.rows[0][products::flow_indicators.column_index("mei_pct")]), 60.0);
}

TEST(FlowsRun, CorridorsRankedWithSharesAndReverseFlows)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    flows::Request r = tiny.request();
    r.shape = "arc";
    const flows::Outcome o = flows::run(r, diagnostics, progress);
    EXPECT_EQ(o.corridors, 5U);
    EXPECT_EQ(o.corridors_without_geometry, 2U);  // COL and unknown have no place in the workspace
    const ProductSpec& s = products::corridors;
    const Table table = tiny.table(s);
    const auto c = by_key(table, {1, 2, 3});
    const auto& top = c.at("immigration|XOE|XNA-01");
    EXPECT_EQ(integer(top[s.column_index("rank")]), 1);
    EXPECT_NEAR(real(top[s.column_index("share_pct")]), 500.0 / 9, 1e-9);
    EXPECT_EQ(integer(top[s.column_index("reverse_persons")]), 0);
    const auto& second = c.at("immigration|COL|XNA-01");
    EXPECT_EQ(integer(second[s.column_index("rank")]), 2);
    EXPECT_DOUBLE_EQ(real(second[s.column_index("cumulative_share_pct")]), 100);
    const auto& out = c.at("emigration|XNA-02|XOE");
    EXPECT_NEAR(real(out[s.column_index("share_pct")]), 500.0 / 6, 1e-9);
    EXPECT_EQ(std::get<std::string>(out[s.column_index("shape")]), "arc");
    EXPECT_GT(real(out[s.column_index("length_km")]), 0);
}

TEST(FlowsRun, BreakdownByAgeKeepsChildrenApartAndViaCrossingPassesThePoint)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    flows::Request r = tiny.request();
    r.by = "age_group";
    r.via_crossing = true;
    (void)flows::run(r, diagnostics, progress);
    const auto f = by_key(tiny.table(products::flows), {1, 2, 3, 4, 6});
    EXPECT_EQ(integer(f.at("immigration|XOE|XNA-01|P1|0-17")[products::flows.column_index("persons")]), 2);
    EXPECT_EQ(integer(f.at("immigration|XOE|XNA-01|P1|18-29")[products::flows.column_index("persons")]), 3);
    const Table corridors = tiny.table(products::corridors);
    const std::size_t point = products::corridors.column_index("crossing_point");
    bool found = false;
    for (std::size_t i = 0; i < corridors.rows.size(); ++i) {
        if (std::get<std::string>(corridors.rows[i][point]) == "P1" &&
            std::get<std::string>(corridors.rows[i][2]) == "XOE") {
            OGRGeometry* g = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkb(corridors.geometry_wkb[i].data(), nullptr, &g,
                corridors.geometry_wkb[i].size()), OGRERR_NONE);
            const auto* line = g->toMultiLineString()->getGeometryRef(0);
            EXPECT_EQ(line->getNumPoints(), 3);  // XOE -> P1 -> XNA-01
            EXPECT_DOUBLE_EQ(line->getX(1), 2.0);
            EXPECT_DOUBLE_EQ(line->getY(1), 1.0);
            OGRGeometryFactory::destroyGeometry(g);
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(FlowsRun, APeriodMatchingNothingWritesNothing)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    flows::Request r = tiny.request();
    r.period = "2030-01:2030-12";
    try {
        (void)flows::run(r, diagnostics, progress);
        FAIL() << "expected DataError";
    } catch (const DataError& e) {
        EXPECT_EQ(std::string(e.what()),
            "period 2030 matches no month of the classified records (2022-12 to 2023-05); nothing was written");
    }
    GDALDatasetUniquePtr dataset = workspace::open_readonly(tiny.workspace);
    EXPECT_FALSE(workspace::has_product(*dataset, products::flows));
}

TEST(FlowsRun, AWorkspaceWithoutRecordsSaysWhichCommandMakesThem)
{
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    test::write_tiny_workspace(ws, {}, {}, false);
    flows::Request r;
    r.workspace = ws;
    Diagnostics diagnostics;
    Progress progress;
    try {
        (void)flows::run(r, diagnostics, progress);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), ws.string() + ": has no classified records (table 'events_monthly'); make it "
            "with 'migratlas link --workspace'");
    }
}

TEST(FlowsRun, BadOdTablesWriteNothing)
{
    TinyRun tiny;
    Progress progress;
    const std::pair<const char*, const char*> cases[] = {
        {"origin,destination,count\nXNA-01,ZZ,3\n",
            "1 code(s) are neither units of the workspace nor ISO 3166-1 alpha-3 countries; nothing was written:\n"
            "  'ZZ' in 1 row(s), first at "},
        {"origin,destination,count\nXNA-01,XNA-02,-3\n", "'-3' in column 'count' is not a whole number >= 0"},
        {"origin,destination,count\nXNA-01,XNA-02,three\n", "'three' in column 'count' is not a whole number >= 0"},
    };
    for (const auto& [body, expected] : cases) {
        flows::Request r;
        r.workspace = tiny.workspace;
        r.od.push_back({tiny.dir.file("od.csv", body), {}, "migration"});
        Diagnostics diagnostics;
        try {
            (void)flows::run(r, diagnostics, progress);
            ADD_FAILURE() << "no error for " << body;
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        GDALDatasetUniquePtr dataset = workspace::open_readonly(tiny.workspace);
        EXPECT_FALSE(workspace::has_product(*dataset, products::flows)) << body;
    }
}

TEST(FlowsRun, SettingsAreCheckedByName)
{
    TinyRun tiny;
    Diagnostics diagnostics;
    Progress progress;
    const std::pair<std::function<void(flows::Request&)>, const char*> cases[] = {
        {[](flows::Request& r) { r.level = 4; }, "level"},
        {[](flows::Request& r) { r.shape = "zigzag"; }, "shape"},
        {[](flows::Request& r) { r.arc_bend = 0; }, "arc_bend"},
        {[](flows::Request& r) { r.top = 0; }, "top"},
        {[](flows::Request& r) { r.by = "height"; }, "by"},
        {[](flows::Request& r) { r.period = "2023-13"; }, "period"},
    };
    for (const auto& [change, setting] : cases) {
        flows::Request r = tiny.request();
        change(r);
        try {
            (void)flows::run(r, diagnostics, progress);
            FAIL() << setting;
        } catch (const SettingError& e) {
            EXPECT_EQ(e.setting(), setting);
        }
    }
}
