// The audit attacks published files as an outsider would: only the bytes and their datapackage.json.
// Each test writes a small published table by hand (so the intervals can be worked out on paper)
// and asserts the intervals the audit computes and the findings it names.
#include "common/error.hpp"
#include "disclose/audit.hpp"
#include "test_files.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace migratlas {
namespace {

using Json = nlohmann::json;

/// A 2 x 2 table "region x nationality" with every margin, as an export folder would hold it.
/// Values:      X    Y   _T
///         A    3   20   23
///         B   30   40   70
///        _T   33   60   93
/// `hidden` lists the cells written with an empty value and the given status.
struct Cell {
    const char* region;
    const char* nationality;
    std::int64_t value;
};
constexpr Cell cells[] = {{"A", "X", 3}, {"A", "Y", 20}, {"A", "_T", 23}, {"B", "X", 30}, {"B", "Y", 40},
    {"B", "_T", 70}, {"_T", "X", 33}, {"_T", "Y", 60}, {"_T", "_T", 93}};

Json descriptor()
{
    Json fields = Json::array({Json{{"name", "region"}, {"type", "string"}, {"role", "key"}},
        Json{{"name", "nationality"}, {"type", "string"}, {"role", "key"}},
        Json{{"name", "persons"}, {"type", "integer"}, {"role", "count"}},
        Json{{"name", "persons_status"}, {"type", "string"}, {"role", "status"}}});
    Json structure{{"family", "toy_table"}, {"family_keys", {"region", "nationality"}}, {"separate", Json::array()},
        {"total_codes", {"_T", "_T"}}, {"complete", true},
        {"counts", Json::array({Json{{"column", "persons"}, {"status_column", "persons_status"},
                       {"family_count", "persons"}, {"coordinates", {{"region", "region"}, {"nationality", "nationality"}}}}})},
        {"hierarchies", Json::array()}};
    Json resource{{"name", "toy_table"}, {"path", "toy_table.csv"}, {"format", "csv"}, {"schema", {{"fields", fields}}},
        {"migratlas", {{"disclosure", {{"threshold", 10}, {"protection_level", 10}}}, {"structure", structure}}}};
    return Json{{"profile", "tabular-data-package"}, {"resources", Json::array({resource})}};
}

std::filesystem::path write_export(const test::TempDir& dir, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& hidden)
{
    const auto folder = dir.path() / name;
    std::filesystem::create_directories(folder);
    std::string csv = "region,nationality,persons,persons_status\r\n";
    for (const Cell& cell : cells) {
        std::string status = "published";
        for (const auto& [key, why] : hidden) {
            if (key == std::string(cell.region) + "/" + cell.nationality) {
                status = why;
            }
        }
        csv += std::string(cell.region) + "," + cell.nationality + "," +
            (status == "published" ? std::to_string(cell.value) : std::string()) + "," + status + "\r\n";
    }
    std::ofstream(folder / "toy_table.csv", std::ios::binary) << csv;
    std::ofstream(folder / "datapackage.json") << descriptor().dump(2);
    return folder;
}

disclose::AuditOutcome audit(const std::filesystem::path& folder, bool exact = true)
{
    disclose::AuditRequest request;
    request.paths = {folder.string()};
    request.exact = exact;
    Diagnostics diagnostics;
    Progress progress;
    return disclose::run_audit(request, diagnostics, progress);
}

const disclose::AuditedCell& cell_at(const disclose::AuditOutcome& outcome, const std::string& text)
{
    const auto it = std::find_if(outcome.cells.begin(), outcome.cells.end(),
        [&](const disclose::AuditedCell& cell) { return cell.cell == text; });
    if (it == outcome.cells.end()) {
        throw std::runtime_error("the audit did not attack " + text);
    }
    return *it;
}

bool has_finding(const disclose::AuditOutcome& outcome, const std::string& kind, const std::string& part)
{
    return std::any_of(outcome.findings.begin(), outcome.findings.end(), [&](const disclose::AuditFinding& finding) {
        return finding.kind == kind && finding.message.find(part) != std::string::npos;
    });
}

TEST(Audit, PrimaryHiddenAloneIsRecoveredFromItsMarginsAndNamed)
{
    test::TempDir dir;
    const auto outcome = audit(write_export(dir, "leaky", {{"A/X", "primary"}}));
    EXPECT_FALSE(outcome.passed());
    const disclose::AuditedCell& cell = cell_at(outcome, "region=A, nationality=X");
    EXPECT_EQ(cell.low, 3.0);  // 23 - 20 (row) and 33 - 30 (column)
    EXPECT_EQ(cell.high, 3.0);
    EXPECT_TRUE(has_finding(outcome, "narrowed", "region=A, nationality=X"));
    EXPECT_TRUE(has_finding(outcome, "narrowed", "[3, 3]"));
}

TEST(Audit, FourCellPatternLeavesTheFullIntervalTheMarginsAllow)
{
    test::TempDir dir;
    const auto outcome = audit(write_export(dir, "protected",
        {{"A/X", "primary"}, {"A/Y", "secondary"}, {"B/X", "secondary"}, {"B/Y", "secondary"}}));
    EXPECT_TRUE(outcome.passed()) << (outcome.findings.empty() ? "" : outcome.findings[0].message);
    EXPECT_EQ(outcome.hidden_counts, 4U);
    // x + y = 23, x + z = 33, z + w = 70, x, y, z, w >= 0: x in [0, 23].
    const disclose::AuditedCell& primary = cell_at(outcome, "region=A, nationality=X");
    EXPECT_EQ(primary.low, 0.0);
    EXPECT_EQ(primary.high, 23.0);
    EXPECT_TRUE(primary.exact);
    // Complementary cells are unknowns of the LP, not cells to prove: only primaries are listed.
    EXPECT_EQ(outcome.cells.size(), 1U);
}

TEST(Audit, SampledAttackAgreesWithTheExactOneOnWhatIsExposed)
{
    test::TempDir dir;
    const auto leaky = audit(write_export(dir, "leaky", {{"A/X", "primary"}, {"A/Y", "secondary"}}), false);
    // The column X still gives A/X = 33 - 30: hiding its row partner does not help.
    EXPECT_TRUE(has_finding(leaky, "narrowed", "region=A, nationality=X"));
    const auto fine = audit(write_export(dir, "fine",
        {{"A/X", "primary"}, {"A/Y", "secondary"}, {"B/X", "secondary"}, {"B/Y", "secondary"}}), false);
    EXPECT_TRUE(fine.passed());
}

TEST(Audit, PublishedCountBelowTheThresholdIsNamedWithItsRow)
{
    test::TempDir dir;
    const auto outcome = audit(write_export(dir, "unsuppressed", {}));
    EXPECT_FALSE(outcome.passed());
    EXPECT_TRUE(has_finding(outcome, "below_threshold", "region=A, nationality=X"));
    EXPECT_TRUE(has_finding(outcome, "below_threshold", "persons = 3"));
}

TEST(Audit, ThresholdFlagOverridesTheMetadata)
{
    test::TempDir dir;
    disclose::AuditRequest request;
    request.paths = {write_export(dir, "protected", {{"A/X", "primary"}, {"A/Y", "secondary"}, {"B/X", "secondary"},
                                                         {"B/Y", "secondary"}}).string()};
    request.threshold = 25;  // A/X's interval [0, 23] is now too narrow, and 20 (A/Y) ... is hidden anyway
    Diagnostics diagnostics;
    Progress progress;
    const auto outcome = disclose::run_audit(request, diagnostics, progress);
    EXPECT_TRUE(has_finding(outcome, "narrowed", "region=A, nationality=X"));
    request.threshold = 0;
    EXPECT_THROW((void)disclose::run_audit(request, diagnostics, progress), SettingError);
}

TEST(Audit, RawIdentifiersAndTheKeyAreFoundInAnyByte)
{
    test::TempDir dir;
    const auto folder = write_export(dir, "ids", {{"A/X", "primary"}, {"A/Y", "secondary"}, {"B/X", "secondary"},
                                                      {"B/Y", "secondary"}});
    const std::string key = "0123456789abcdef0123456789abcdef";
    std::ofstream(folder / "notes.txt") << "see person P00042 and key " << "30313233343536373839616263646566" << "\n";
    disclose::AuditRequest request;
    request.paths = {folder.string()};
    request.raw_ids = dir.file("ids.txt", "P00042\nP00043\n");
    request.key_file = dir.file("hmac.key", key.substr(0, 16));
    Diagnostics diagnostics;
    Progress progress;
    const auto outcome = disclose::run_audit(request, diagnostics, progress);
    EXPECT_FALSE(outcome.passed());
    EXPECT_TRUE(has_finding(outcome, "raw_id", "P00042"));
    EXPECT_FALSE(has_finding(outcome, "raw_id", "P00043"));
    EXPECT_TRUE(has_finding(outcome, "key", "hex"));
}

TEST(Audit, FileWithoutMetadataIsRefusedWithAClearMessage)
{
    test::TempDir dir;
    const auto file = dir.file("bare.csv", "region,persons\r\nA,3\r\n");
    disclose::AuditRequest request;
    request.paths = {file.string()};
    Diagnostics diagnostics;
    Progress progress;
    try {
        (void)disclose::run_audit(request, diagnostics, progress);
        FAIL() << "a file without datapackage.json was audited";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no datapackage.json"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace migratlas
