// The export stage: products leave the workspace only through the gate, in every file format, with
// a datapackage.json the audit can attack; bad inputs leave nothing half-written.
#include "common/error.hpp"
#include "common/products/records.hpp"
#include "common/sha256.hpp"
#include "disclose/audit.hpp"
#include "publish/export_run.hpp"
#include "workspace/product_io.hpp"
#include "test_files.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace migratlas {
namespace {

using Json = nlohmann::json;

const std::string product(products::crossings_monthly.name);

/// Crossings of one month in one direction: point x nationality, one small cell (P1, AAA) = 3.
std::filesystem::path workspace_with_crossings(const test::TempDir& dir)
{
    const auto path = dir.path() / "ws.gpkg";
    workspace::Workspace ws(path);
    Table table = products::crossings_monthly.make_table();
    const std::pair<const char*, const char*> keys[] = {{"P1", "AAA"}, {"P1", "BBB"}, {"P2", "AAA"}, {"P2", "BBB"},
        {"P3", "AAA"}, {"P3", "BBB"}};
    const std::int64_t values[] = {3, 20, 30, 40, 25, 35};
    for (std::size_t i = 0; i < std::size(keys); ++i) {
        table.rows.push_back({std::string("2026-01"), std::string(keys[i].first), std::string("IN"),
            std::string(keys[i].second), values[i]});
    }
    workspace::write_product(ws, products::crossings_monthly, table);
    ProductMetadata metadata;
    metadata.product = product;
    metadata.sources = {{"crossings", "in/crossings.csv", "abcd"}};
    metadata.method = "12/16 rule";
    metadata.period = "2026-01";
    metadata.created_utc = "2026-01-31T00:00:00Z";
    metadata.version = "0.1.0";
    workspace::write_metadata(ws, metadata);
    ws.commit();
    return path;
}

publish::Request request_for(const std::filesystem::path& ws, publish::Format format, const std::filesystem::path& out)
{
    publish::Request request;
    request.gate.workspace = ws;
    request.gate.products = {product};
    request.format = format;
    request.target = out.string();
    return request;
}

publish::Outcome export_to(const publish::Request& request)
{
    Diagnostics diagnostics;
    Progress progress;
    return publish::run(request, diagnostics, progress);
}

disclose::AuditOutcome audit(const std::filesystem::path& folder)
{
    disclose::AuditRequest request;
    request.paths = {folder.string()};
    request.exact = true;
    Diagnostics diagnostics;
    Progress progress;
    return disclose::run_audit(request, diagnostics, progress);
}

Json read_json(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return Json::parse(in);
}

TEST(Export, CsvWithDatapackagePassesTheAudit)
{
    test::TempDir dir;
    const auto out = dir.path() / "pub";
    const publish::Outcome outcome = export_to(request_for(workspace_with_crossings(dir), publish::Format::csv, out));
    ASSERT_EQ(outcome.reports.size(), 1U);
    EXPECT_GE(outcome.reports[0].summary.primary, 1);
    EXPECT_GE(outcome.reports[0].summary.secondary, 1);
    const auto csv = out / (product + ".csv");
    ASSERT_TRUE(std::filesystem::exists(csv));
    const Json package = read_json(out / "datapackage.json");
    EXPECT_EQ(package["profile"], "tabular-data-package");
    ASSERT_EQ(package["resources"].size(), 1U);
    const Json& resource = package["resources"][0];
    EXPECT_EQ(resource["name"], product);
    EXPECT_EQ(resource["hash"], "sha256:" + file_sha256(csv));
    EXPECT_EQ(resource["sources"][0]["hash"], "sha256:abcd");
    EXPECT_EQ(resource["migratlas"]["disclosure"]["threshold"], 10);
    EXPECT_EQ(resource["migratlas"]["period"], "2026-01");
    // The small cell is nowhere in the file, and its row says why.
    const std::string text = test::read_file(csv);
    EXPECT_NE(text.find("2026-01,P1,IN,AAA,,primary"), std::string::npos) << text;

    const disclose::AuditOutcome audited = audit(out);
    EXPECT_TRUE(audited.passed()) << (audited.findings.empty() ? "" : audited.findings[0].message);
    EXPECT_EQ(audited.hidden_counts, static_cast<std::size_t>(outcome.reports[0].summary.primary +
                                                              outcome.reports[0].summary.secondary));
    bool attacked = false;
    for (const disclose::AuditedCell& cell : audited.cells) {
        if (cell.status == "primary") {
            attacked = true;
            EXPECT_GE(cell.high - cell.low, 10.0) << cell.cell;
            EXPECT_LE(cell.low, 3.0) << cell.cell;
            EXPECT_GE(cell.high, 3.0) << cell.cell;
        }
    }
    EXPECT_TRUE(attacked);
}

TEST(Export, EveryFileFormatIsAuditedAlike)
{
    test::TempDir dir;
    const auto ws = workspace_with_crossings(dir);
    const disclose::AuditOutcome reference = audit((export_to(request_for(ws, publish::Format::csv, dir.path() / "csv")),
        dir.path() / "csv"));
    for (const auto format : {publish::Format::sdmx_csv, publish::Format::geojson, publish::Format::gpkg}) {
        const auto out = dir.path() / std::string(publish::to_string(format));
        (void)export_to(request_for(ws, format, out));
        const disclose::AuditOutcome audited = audit(out);
        EXPECT_TRUE(audited.passed()) << publish::to_string(format);
        EXPECT_EQ(audited.hidden_counts, reference.hidden_counts) << publish::to_string(format);
        EXPECT_EQ(audited.published_counts, reference.published_counts) << publish::to_string(format);
    }
}

TEST(Export, SdmxCsvHasTheFixedColumnsAndCodesTotalsAsUnderscoreT)
{
    test::TempDir dir;
    const auto out = dir.path() / "sdmx";
    (void)export_to(request_for(workspace_with_crossings(dir), publish::Format::sdmx_csv, out));
    const std::string text = test::read_file(out / (product + ".csv"));
    const std::string header =
        "DATAFLOW,TIME_PERIOD,CROSSING_POINT,FLOW_DIRECTION,CITIZENSHIP,MEASURE,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,"
        "CONF_STATUS\r\n";
    ASSERT_EQ(text.substr(0, header.size()), header);
    EXPECT_NE(text.find("MIGRATLAS:CROSSINGS_MONTHLY(1.0),2026-01,P1,IN,AAA,CROSSINGS,,CROSSINGS,Q,A\r\n"),
        std::string::npos) << text;
    EXPECT_NE(text.find("MIGRATLAS:CROSSINGS_MONTHLY(1.0),2026-01,_T,_T,_T,CROSSINGS,153,CROSSINGS,A,F\r\n"),
        std::string::npos) << text;
}

TEST(Export, UnknownLayerIsASettingErrorAndWritesNothing)
{
    test::TempDir dir;
    const auto out = dir.path() / "pub";
    publish::Request request = request_for(workspace_with_crossings(dir), publish::Format::csv, out);
    request.gate.products = {"no_such_layer"};  // not a product name
    EXPECT_THROW((void)export_to(request), SettingError);
    EXPECT_FALSE(std::filesystem::exists(out));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find("pub."), std::string::npos) << entry.path();
    }
}

TEST(Export, UnknownFormatIsASettingErrorNamingTheKnownOnes)
{
    try {
        (void)publish::parse_format("shapefile");
        FAIL();
    } catch (const SettingError& e) {
        EXPECT_NE(std::string(e.what()).find("sdmx-csv"), std::string::npos) << e.what();
    }
}

TEST(Export, AFolderThatIsNotAnExportIsNeverReplaced)
{
    test::TempDir dir;
    const auto out = dir.path() / "mine";
    std::filesystem::create_directories(out);
    std::ofstream(out / "thesis.docx") << "precious";
    EXPECT_THROW((void)export_to(request_for(workspace_with_crossings(dir), publish::Format::csv, out)), InputError);
    EXPECT_EQ(test::read_file(out / "thesis.docx"), "precious");
}

TEST(Export, ReExportReplacesThePreviousExportAsAWhole)
{
    test::TempDir dir;
    const auto ws = workspace_with_crossings(dir);
    const auto out = dir.path() / "pub";
    (void)export_to(request_for(ws, publish::Format::geojson, out));
    ASSERT_TRUE(std::filesystem::exists(out / (product + ".geojson")));
    (void)export_to(request_for(ws, publish::Format::csv, out));
    EXPECT_FALSE(std::filesystem::exists(out / (product + ".geojson")));
    EXPECT_TRUE(std::filesystem::exists(out / (product + ".csv")));
}

TEST(Export, PgFormatNeedsAConnectionString)
{
    test::TempDir dir;
    EXPECT_THROW((void)export_to(request_for(workspace_with_crossings(dir), publish::Format::pg, dir.path() / "x")),
        SettingError);
}

} // namespace
} // namespace migratlas
