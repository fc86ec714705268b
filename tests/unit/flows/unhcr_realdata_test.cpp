// Real data: UNHCR's asylum flows (shared/realdata/migration, CC BY 4.0) as a country OD table,
// through the real CLI. Every figure is checked against sums made from the CSV here, in the test.
#include "common/csv_reader.hpp"
#include "common/parse.hpp"
#include "common/products/flows.hpp"
#include "join/iso3166.hpp"
#include "test_files.hpp"
#include "workspace/product_io.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

using namespace migratlas;

namespace {

const std::filesystem::path shared = MIGRATLAS_SHARED_DIR;
const std::filesystem::path flows_csv = shared / "realdata/migration/unhcr_flows_lac_2000_2025.csv";
const std::filesystem::path world = shared / "realdata/boundaries/world-countries.json";
constexpr const char* year = "2019";

int run(const std::string& arguments, const std::filesystem::path& err)
{
    return std::system((std::string(MIGRATLAS_BINARY) + " " + arguments + " > /dev/null 2> '" + err.string() + "'").c_str());
}

/// persons by (origin, destination) for one year: asylum_seekers + oip where reported, ISO3 codes only.
std::map<std::pair<std::string, std::string>, std::int64_t> expected_flows()
{
    std::map<std::pair<std::string, std::string>, std::int64_t> flows;
    CsvReader reader(flows_csv);
    const std::size_t y = reader.require_column("year"), o = reader.require_column("coo_iso"),
                      d = reader.require_column("coa_iso"), a = reader.require_column("asylum_seekers"),
                      p = reader.require_column("oip");
    CsvRecord r;
    while (reader.next(r)) {
        if (r.fields[y] != year || !join::is_iso3166_alpha3(r.fields[o]) || !join::is_iso3166_alpha3(r.fields[d]) ||
            (r.fields[a].empty() && r.fields[p].empty())) {
            continue;
        }
        const std::int64_t n = parse_int(r.fields[a]).value_or(0) + parse_int(r.fields[p]).value_or(0);
        flows[{std::string(r.fields[o]), std::string(r.fields[d])}] += n;
    }
    return flows;
}

} // namespace

TEST(UnhcrRealData, TopCorridorsAndNetFiguresMatchTheCsv)
{
    if (!std::filesystem::exists(flows_csv) || !std::filesystem::exists(world)) {
        GTEST_SKIP() << "shared/realdata is absent (" << flows_csv << "): real-data test skipped";
    }
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    const auto err = dir.path() / "err.txt";
    ASSERT_EQ(run("-q geo import '" + world.string() + "' --layer countries1 --code-field id --name-field name "
        "--level 1 --where \"id <> '-99'\" --workspace '" + ws.string() + "'", err), 0) << test::read_file(err);
    // Without --unknown-codes skip the pseudo-codes of the table (UKN unknown, STA stateless, TIB) stop the run.
    const std::string od = "flows --workspace '" + ws.string() + "' --od '" + flows_csv.string() +
        "' --od-columns origin=coo_iso,destination=coa_iso,period=year,count=asylum_seekers+oip --od-type asylum "
        "--period " + year + " --shape great-circle";
    EXPECT_EQ(run(od, err), 256);  // exit status 1
    EXPECT_NE(test::read_file(err).find("'UKN' in "), std::string::npos) << test::read_file(err);
    ASSERT_EQ(run(od + " --unknown-codes skip", err), 0) << test::read_file(err);

    const auto expected = expected_flows();
    std::vector<std::pair<std::int64_t, std::pair<std::string, std::string>>> ranked;
    std::int64_t total = 0;
    std::map<std::string, std::int64_t> net;
    for (const auto& [pair, persons] : expected) {
        ranked.push_back({-persons, pair});
        total += persons;
        net[pair.second] += persons;
        net[pair.first] -= persons;
    }
    std::sort(ranked.begin(), ranked.end());

    GDALDatasetUniquePtr dataset = workspace::open_readonly(ws);
    const ProductSpec& c = products::corridors;
    const Table corridors = workspace::read_product(*dataset, c);
    std::map<std::int64_t, const std::vector<TableValue>*> by_rank;
    for (const auto& row : corridors.rows) {
        by_rank[std::get<std::int64_t>(row[c.column_index("rank")])] = &row;
    }
    ASSERT_EQ(by_rank.size(), expected.size());
    for (std::int64_t rank = 1; rank <= 5; ++rank) {
        const auto& row = *by_rank.at(rank);
        const auto& [minus_persons, pair] = ranked[static_cast<std::size_t>(rank - 1)];
        EXPECT_EQ(std::get<std::string>(row[c.column_index("origin")]), pair.first) << rank;
        EXPECT_EQ(std::get<std::string>(row[c.column_index("destination")]), pair.second) << rank;
        EXPECT_EQ(std::get<std::int64_t>(row[c.column_index("persons")]), -minus_persons) << rank;
        EXPECT_NEAR(std::get<double>(row[c.column_index("share_pct")]), 100.0 * static_cast<double>(-minus_persons) / static_cast<double>(total), 1e-9);
    }
    // Venezuela is the origin of the largest corridor of 2019, and its great circle has a geometry.
    EXPECT_EQ(std::get<std::string>((*by_rank.at(1))[c.column_index("origin")]), "VEN");
    for (std::size_t i = 0; i < corridors.rows.size(); ++i) {
        if (&corridors.rows[i] == by_rank.at(1)) {
            EXPECT_FALSE(corridors.geometry_wkb[i].empty());
        }
    }

    const ProductSpec& u = products::unit_flows;
    const Table balances = workspace::read_product(*dataset, u);
    int checked = 0;
    for (const auto& row : balances.rows) {
        const std::string code = std::get<std::string>(row[u.column_index("unit_code")]);
        if (code == "VEN" || code == "COL" || code == "PER" || code == "MEX" || code == "USA") {
            EXPECT_EQ(std::get<std::int64_t>(row[u.column_index("net")]), net[code]) << code;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 5);
}
