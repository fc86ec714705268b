// Products that count sums of another product's cells (unit_flows, corridors and flow_indicators
// sum flows rows) are one disclosure family with it: otherwise a published balance minus the
// published flows gives a hidden flow away. The gate protects them together, the metadata says
// which cells each count sums, and the audit attacks them together.
#include "common/products/flows.hpp"
#include "disclose/audit.hpp"
#include "disclose/gate.hpp"
#include "immigration_flows_fixture.hpp"
#include "publish/export_run.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace migratlas {
namespace {

using Json = nlohmann::json;

using test::ImmigrationFlow;
const auto flows_2023 = test::immigration_flows();
constexpr const char* period = test::immigration_period;

/// unit_flows as the flows stage computes it: every end of the class, in and out.
Table unit_flows_table()
{
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> balance;
    for (const ImmigrationFlow& f : flows_2023) {
        balance[f.origin].second += f.persons;
        balance[f.destination].first += f.persons;
    }
    Table table = products::unit_flows.make_table();
    for (const auto& [code, in_out] : balance) {
        const auto [in, out] = in_out;
        table.rows.push_back({std::string(period), std::string("migration"), code, code,
            std::int64_t{code.size() == 3 ? 1 : 3}, in, out, in - out, in + out, 100.0 * static_cast<double>(in - out) / static_cast<double>(in + out),
            TableValue{}, TableValue{}, TableValue{}, TableValue{}});
    }
    return table;
}

disclose::AuditOutcome audit_folder(const std::filesystem::path& folder)
{
    disclose::AuditRequest request;
    request.paths = {folder.string()};
    request.exact = true;
    Diagnostics diagnostics;
    Progress progress;
    return disclose::run_audit(request, diagnostics, progress);
}

class LinkedFlows : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_path = m_dir.path() / "ws.gpkg";
        test::write_tiny_workspace(m_path, {}, {}, false);
        workspace::Workspace ws(m_path);
        workspace::write_product(ws, products::flows, test::immigration_flows_table());
        workspace::write_product(ws, products::unit_flows, unit_flows_table());
        ws.commit();
    }

    disclose::Outcome publish_both() const
    {
        disclose::Request request;
        request.workspace = m_path;
        request.products = {std::string(products::flows.name), std::string(products::unit_flows.name)};
        Diagnostics diagnostics;
        Progress progress;
        return disclose::run(request, diagnostics, progress);
    }

    test::TempDir m_dir;
    std::filesystem::path m_path;
};

std::string text_at(const disclose::PublishedLayer& layer, std::size_t row, const std::string& column)
{
    const auto& columns = layer.table().columns;
    const auto it = std::find_if(columns.begin(), columns.end(), [&](const TableColumn& c) { return c.name == column; });
    const TableValue& value = layer.table().rows[row][static_cast<std::size_t>(it - columns.begin())];
    return std::holds_alternative<std::string>(value) ? std::get<std::string>(value)
        : std::holds_alternative<std::int64_t>(value) ? std::to_string(std::get<std::int64_t>(value)) : std::string();
}

/// The row of `layer` whose columns hold `codes`; throws when there is none.
std::size_t row_of(const disclose::PublishedLayer& layer, const std::map<std::string, std::string>& codes)
{
    for (std::size_t r = 0; r < layer.table().rows.size(); ++r) {
        if (std::all_of(codes.begin(), codes.end(), [&](const auto& c) { return text_at(layer, r, c.first) == c.second; })) {
            return r;
        }
    }
    throw std::runtime_error("no row of " + layer.name() + " holds the codes asked for");
}

TEST_F(LinkedFlows, BalancesTakeTheStatusOfTheFlowsMarginTheySum)
{
    const disclose::Outcome outcome = publish_both();
    const disclose::PublishedLayer& flows = outcome.layers[0];
    const disclose::PublishedLayer& balances = outcome.layers[1];
    EXPECT_EQ(balances.disclosure().family, "flows");
    EXPECT_EQ(text_at(flows, row_of(flows, {{"origin", "VEN"}, {"destination", "XNA-01001"}, {"sex", "F"}}), "persons_status"),
        "primary");
    // The margin over origin and sex at each unit is the unit's inflow, one cell with one status.
    for (const char* unit : {"XNA-01001", "XNA-01002", "XNA-02001"}) {
        const std::size_t margin = row_of(flows, {{"origin", "_T"}, {"destination", unit}, {"sex", "_T"}});
        const std::size_t balance = row_of(balances, {{"unit_code", unit}});
        EXPECT_EQ(text_at(balances, balance, "inflow_status"), text_at(flows, margin, "persons_status")) << unit;
        EXPECT_EQ(text_at(balances, balance, "inflow"), text_at(flows, margin, "persons")) << unit;
    }
    const std::size_t ven = row_of(balances, {{"unit_code", "VEN"}});
    EXPECT_EQ(text_at(balances, ven, "outflow_status"),
        text_at(flows, row_of(flows, {{"origin", "VEN"}, {"destination", "_T"}, {"sex", "_T"}}), "persons_status"));
}

TEST_F(LinkedFlows, ExportOfBothPassesTheAuditThatAttacksThemTogether)
{
    const auto out = m_dir.path() / "export";
    publish::Request request;
    request.gate.workspace = m_path;
    request.gate.products = {std::string(products::flows.name), std::string(products::unit_flows.name)};
    request.format = publish::Format::csv;
    request.target = out.string();
    Diagnostics diagnostics;
    Progress quiet;
    (void)publish::run(request, diagnostics, quiet);
    const Json package = Json::parse(test::read_file(out / "datapackage.json"));
    const Json& inflow = package["resources"][1]["migratlas"]["structure"]["counts"][0];
    EXPECT_EQ(inflow["family_count"], "persons");
    EXPECT_EQ(inflow["coordinates"]["destination"], "unit_code");
    EXPECT_EQ(inflow["expansions"]["flow_type"]["migration"], Json::array({"immigration", "emigration"}));

    const disclose::AuditOutcome outcome = audit_folder(out);
    EXPECT_TRUE(outcome.passed()) << (outcome.findings.empty() ? std::string() : outcome.findings.front().message);
    const auto cell = std::find_if(outcome.cells.begin(), outcome.cells.end(), [](const disclose::AuditedCell& c) {
        return c.cell.find("origin=VEN, destination=XNA-01001") != std::string::npos && c.cell.find("sex=F") != std::string::npos;
    });
    ASSERT_NE(cell, outcome.cells.end());
    EXPECT_GE(cell->high - cell->low, 10.0);
}

// --- The audit side, by hand: a flows table whose small cell is safe on its own, and the balance
// that gives it away when the metadata says what the balance sums. ---------------------------------

const std::vector<std::string> family_keys = {"period", "flow_type", "origin", "destination", "crossing_point", "sex",
    "age_group", "nationality"};

Json resource(const std::string& name, const Json& fields, const Json& counts)
{
    Json structure{{"family", "flows"}, {"family_keys", family_keys},
        {"separate", {"period", "flow_type", "crossing_point", "age_group", "nationality"}},
        {"total_codes", Json::array({"_T", "_T", "_T", "_T", "_T", "_T", "_T", "_T"})}, {"complete", name == "flows"},
        {"counts", counts}, {"hierarchies", Json::array()}};
    return Json{{"name", name}, {"path", name + ".csv"}, {"format", "csv"}, {"schema", {{"fields", fields}}},
        {"migratlas", {{"disclosure", {{"threshold", 10}, {"protection_level", 10}}}, {"structure", structure}}}};
}

Json field(const std::string& name, const std::string& role)
{
    return Json{{"name", name}, {"type", role == "count" ? "integer" : "string"}, {"role", role}};
}

/// flows with every margin over origin, destination and sex; the small cell and every margin above
/// it hidden, so that the flows table alone cannot narrow it.
std::string flows_csv()
{
    std::map<std::vector<std::string>, std::int64_t> cells;
    for (const ImmigrationFlow& f : flows_2023) {
        for (const std::string& o : {std::string(f.origin), std::string("_T")}) {
            for (const std::string& d : {std::string(f.destination), std::string("_T")}) {
                for (const std::string& s : {std::string(f.sex), std::string("_T")}) {
                    cells[{o, d, s}] += f.persons;
                }
            }
        }
    }
    std::string csv = "period,flow_type,origin,destination,crossing_point,sex,age_group,nationality,persons,persons_status\r\n";
    for (const auto& [codes, persons] : cells) {
        const bool above_small = (codes[0] == "VEN" || codes[0] == "_T") && (codes[1] == "XNA-01001" || codes[1] == "_T") &&
            (codes[2] == "F" || codes[2] == "_T");
        const bool small = codes == std::vector<std::string>{"VEN", "XNA-01001", "F"};
        const std::string status = small ? "primary" : above_small ? "secondary" : "published";
        csv += std::string(period) + ",immigration," + codes[0] + "," + codes[1] + ",_T," + codes[2] + ",_T,_T," +
            (status == "published" ? std::to_string(persons) : std::string()) + "," + status + "\r\n";
    }
    return csv;
}

std::filesystem::path write_package(const test::TempDir& dir, bool with_balance)
{
    const auto folder = dir.path() / (with_balance ? "with-balance" : "flows-only");
    std::filesystem::create_directories(folder);
    std::ofstream(folder / "flows.csv", std::ios::binary) << flows_csv();
    Json flows_fields = Json::array();
    Json coordinates = Json::object();
    for (const std::string& key : family_keys) {
        flows_fields.push_back(field(key, "key"));
        coordinates[key] = key;
    }
    flows_fields.push_back(field("persons", "count"));
    flows_fields.push_back(field("persons_status", "status"));
    Json resources = Json::array({resource("flows", flows_fields,
        Json::array({Json{{"column", "persons"}, {"status_column", "persons_status"}, {"family_count", "persons"},
            {"coordinates", coordinates}}}))});
    if (with_balance) {
        std::ofstream(folder / "unit_flows.csv", std::ios::binary)
            << "period,flow_type,unit_code,inflow,inflow_status\r\n2023,migration,XNA-01001,128,published\r\n";
        resources.push_back(resource("unit_flows",
            Json::array({field("period", "key"), field("flow_type", "key"), field("unit_code", "key"), field("inflow", "count"),
                field("inflow_status", "status")}),
            Json::array({Json{{"column", "inflow"}, {"status_column", "inflow_status"}, {"family_count", "persons"},
                {"coordinates", {{"period", "period"}, {"flow_type", "flow_type"}, {"destination", "unit_code"}}},
                {"expansions", {{"flow_type", {{"migration", {"immigration", "emigration"}}}}}}}})));
    }
    std::ofstream(folder / "datapackage.json") << Json{{"profile", "tabular-data-package"}, {"resources", resources}}.dump(2);
    return folder;
}

const disclose::AuditedCell& small_cell(const disclose::AuditOutcome& outcome)
{
    const std::string text = "period=2023, flow_type=immigration, origin=VEN, destination=XNA-01001, crossing_point=_T, "
                             "sex=F, age_group=_T, nationality=_T";
    const auto it = std::find_if(outcome.cells.begin(), outcome.cells.end(),
        [&](const disclose::AuditedCell& cell) { return cell.cell == text; });
    if (it == outcome.cells.end()) {
        throw std::runtime_error("the audit did not attack " + text);
    }
    return *it;
}

TEST(LinkedFlowsAudit, FlowsAloneKeepTheSmallCellWide)
{
    test::TempDir dir;
    const disclose::AuditOutcome outcome = audit_folder(write_package(dir, false));
    EXPECT_TRUE(outcome.passed());
    const disclose::AuditedCell& cell = small_cell(outcome);
    EXPECT_EQ(cell.low, 0.0);
    EXPECT_GE(cell.high, 10.0);
}

TEST(LinkedFlowsAudit, PublishedInflowOfTheUnitGivesTheSmallCellAwayAndIsNamed)
{
    // inflow 128 = (_T, XNA-01001, _T); minus the men (90) gives the women 38; minus COL's 35: 3.
    test::TempDir dir;
    const disclose::AuditOutcome outcome = audit_folder(write_package(dir, true));
    EXPECT_FALSE(outcome.passed());
    const disclose::AuditedCell& cell = small_cell(outcome);
    EXPECT_EQ(cell.low, 3.0);
    EXPECT_EQ(cell.high, 3.0);
    EXPECT_TRUE(std::any_of(outcome.findings.begin(), outcome.findings.end(), [](const disclose::AuditFinding& f) {
        return f.kind == "narrowed" && f.message.find("origin=VEN, destination=XNA-01001") != std::string::npos;
    }));
}

} // namespace
} // namespace migratlas
