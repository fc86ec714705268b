// Real data: yearly northbound crossings at the Texas-Mexico ports 2008-2025 (shared/realdata/crossings,
// US CBP via UNT CLSCM) through --counts, joined to the real crossing points and the world's countries.
// Ranks, trend and mode shares are checked against figures made from the CSV here, in the test.
#include "border/border_run.hpp"
#include "common/csv_reader.hpp"
#include "common/parse.hpp"
#include "common/products/border.hpp"
#include "test_files.hpp"
#include "workspace/product_io.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

using namespace migratlas;

namespace {

const std::filesystem::path shared = MIGRATLAS_SHARED_DIR;
const std::filesystem::path yearly = shared / "realdata/crossings/tx_mx_yearly_northbound_crossings_2008_2025.csv";
const std::filesystem::path coordinates = shared / "realdata/crossings/tx_mx_crossings_coordinates_unt.csv";
const std::filesystem::path points = shared / "realdata/crossing_points.csv";
const std::filesystem::path world = shared / "realdata/boundaries/world-countries.json";

struct CountsFile {
    std::string text = "point_id,period,direction,count,mode\n";
    std::map<std::string, std::map<int, std::int64_t>> by_point_year;  // 2008-2024
    std::map<std::string, std::map<std::string, std::int64_t>> by_point_mode;
};

/// The yearly file as --counts rows: Crossing is joined to the UNT coordinates' Code, and point_id is
/// USA-MEX-<Code> as in crossing_points.csv. Crossings without a code (the combined El Paso rail
/// bridges) keep their name and are unknown points.
CountsFile counts_from_csv()
{
    std::map<std::string, std::string> code_of;
    {
        CsvReader reader(coordinates);  // UTF-8 BOM and quoted multi-line addresses
        const std::size_t name = reader.require_column("Border Crossing Name"), code = reader.require_column("Code");
        CsvRecord r;
        while (reader.next(r)) {
            code_of[std::string(r.fields[name])] = "USA-MEX-" + std::string(r.fields[code]);
        }
    }
    CountsFile out;
    CsvReader reader(yearly);
    const std::size_t year = reader.require_column("Year"), crossing = reader.require_column("Crossing"),
                      mode = reader.require_column("Modes"), count = reader.require_column("Northbound Crossing");
    CsvRecord r;
    while (reader.next(r)) {
        const auto it = code_of.find(std::string(r.fields[crossing]));
        const std::string point = it == code_of.end() ? "UNMATCHED " + std::string(r.fields[crossing]) : it->second;
        out.text += point + "," + std::string(r.fields[year]) + ",IN," + std::string(r.fields[count]) + "," +
            std::string(r.fields[mode]) + "\n";
        const int y = static_cast<int>(*parse_int(r.fields[year]));
        const std::int64_t n = *parse_int(r.fields[count]);
        if (y <= 2024) {
            out.by_point_year[point][y] += n;
            out.by_point_mode[point][std::string(r.fields[mode])] += n;
        }
    }
    return out;
}

} // namespace

TEST(TexasRealData, PortRanksTrendAndModesThroughCounts)
{
    for (const auto& file : {yearly, coordinates, points, world}) {
        if (!std::filesystem::exists(file)) {
            GTEST_SKIP() << "shared/realdata is absent (" << file << "): real-data test skipped";
        }
    }
    test::TempDir dir;
    const auto ws = dir.path() / "ws.gpkg";
    const auto err = dir.path() / "err.txt";
    const std::string import = std::string(MIGRATLAS_BINARY) + " -q geo import '" + world.string() +
        "' --layer countries1 --code-field id --name-field name --level 1 --where \"id IN ('USA','MEX')\" --workspace '" +
        ws.string() + "' 2> '" + err.string() + "'";
    ASSERT_EQ(std::system(import.c_str()), 0) << test::read_file(err);
    const CountsFile counts = counts_from_csv();

    border::Request r;
    r.workspace = ws;
    r.points = points;
    r.counts = dir.file("counts.csv", counts.text);
    r.period = "2008:2024";  // 2025 is partly from PDF reports (see the source's README)
    r.unknown_codes = "skip";  // rail bridges are not in crossing_points.csv
    Diagnostics diagnostics;
    Progress progress;
    const border::Outcome o = border::run(r, diagnostics, progress);
    EXPECT_EQ(o.source, "counts");
    EXPECT_EQ(o.period, "2008/2024");
    EXPECT_GT(diagnostics.reject_counts().at("unknown_code"), 0U);
    EXPECT_EQ(o.counts.at("crossings_read"), o.counts.at("crossings_used") + o.counts.at("crossings_not_used:outside_period") +
        o.counts.at("crossings_not_used:unknown_code"));
    EXPECT_GE(o.borders, 1U);  // USA-MEX from the world's polygons

    // Ranks of the ports by crossings 2008-2024, from the CSV.
    std::vector<std::pair<std::int64_t, std::string>> totals;
    for (const auto& [point, years] : counts.by_point_year) {
        if (point.rfind("UNMATCHED", 0) == 0) {
            continue;
        }
        std::int64_t sum = 0;
        for (const auto& [y, n] : years) {
            sum += n;
        }
        totals.push_back({-sum, point});
    }
    std::sort(totals.begin(), totals.end());
    GDALDatasetUniquePtr dataset = workspace::open_readonly(ws);
    const ProductSpec& s = products::crossing_point_indicators;
    const Table t = workspace::read_product(*dataset, s);
    std::map<std::string, const std::vector<TableValue>*> row_of;
    for (const auto& row : t.rows) {
        row_of[std::get<std::string>(row[0])] = &row;
    }
    std::int64_t rank = 0;
    for (const auto& [minus, point] : totals) {
        const auto it = row_of.find(point);
        if (it == row_of.end()) {
            continue;  // a port of the yearly file that crossing_points.csv leaves out
        }
        ++rank;
        EXPECT_EQ(std::get<std::int64_t>((*it->second)[s.column_index("rank")]), rank) << point;
        EXPECT_EQ(std::get<std::int64_t>((*it->second)[s.column_index("entries")]), -minus) << point;
    }
    EXPECT_GE(rank, 20);

    // The trend of a chosen port (Ysleta, El Paso): at the Poisson maximum the fitted and observed
    // series have the same mean time, Σ t y / Σ y = Σ t μ / Σ μ with μ_t ∝ exp(b t).
    const std::string port = "USA-MEX-ELP-YSL-YSLE";
    const auto& row = *row_of.at(port);
    const double pct = std::get<double>(row[s.column_index("trend_pct_per_year")]);
    const double b = std::log1p(pct / 100.0);
    double sy = 0, sty = 0, smu = 0, stmu = 0;
    for (int y = 2008; y <= 2024; ++y) {
        const double n = static_cast<double>(counts.by_point_year.at(port).count(y) ? counts.by_point_year.at(port).at(y) : 0);
        const double mu = std::exp(b * (y - 2008));
        sy += n;
        sty += (y - 2008) * n;
        smu += mu;
        stmu += (y - 2008) * mu;
    }
    EXPECT_NEAR(sty / sy, stmu / smu, 1e-9);
    // Share by mode: the port's main mode and its share, from the CSV.
    const auto& modes = counts.by_point_mode.at(port);
    const auto main = std::max_element(modes.begin(), modes.end(), [](const auto& a, const auto& b2) { return a.second < b2.second; });
    std::int64_t all = 0;
    for (const auto& [mode, n] : modes) {
        all += n;
    }
    EXPECT_EQ(std::get<std::string>(row[s.column_index("main_mode")]), main->first);
    EXPECT_NEAR(std::get<double>(row[s.column_index("main_mode_share_pct")]),
        100.0 * static_cast<double>(main->second) / static_cast<double>(all), 1e-9);
    EXPECT_EQ(std::get<std::string>(row[s.column_index("seasonality")]), "yearly series: no seasonal index");
    EXPECT_FALSE(std::holds_alternative<std::monostate>(row[s.column_index("segment_id")]));
}
