// The gate's pattern cache (disclose/pattern_cache.hpp): a later process that publishes the same
// family from the same data loads its protected pattern instead of protecting again, and publishes
// the same bytes; anything else (other cells, rules or protector, a damaged entry, a location it
// cannot write) means protecting as if there were no cache.
#include "common/products/flows.hpp"
#include "common/progress.hpp"
#include "disclose/gate.hpp"
#include "disclose/pattern_cache.hpp"
#include "immigration_flows_fixture.hpp"
#include "publish/export_run.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <thread>

namespace migratlas {
namespace {

namespace fs = std::filesystem;

struct GateRun {
    disclose::Outcome outcome;
    Diagnostics diagnostics;
};

class PatternCacheTest : public ::testing::Test {
protected:
    test::TempDir dir;
    fs::path workspace = dir.path() / "ws.gpkg";
    fs::path cache = disclose::PatternCache::beside(workspace);

    void SetUp() override { write(3); }
    void write(std::int64_t small) const
    {
        test::write_tiny_workspace(workspace, {}, {}, false);
        workspace::Workspace ws(workspace);
        workspace::write_product(ws, products::flows, test::immigration_flows_table(small));
        ws.commit();
    }

    [[nodiscard]] disclose::Request request() const
    {
        disclose::Request r;
        r.workspace = workspace;
        r.products = {"units", "flows"};
        return r;
    }
    static GateRun run(const disclose::Request& request)
    {
        GateRun result;
        Progress progress;
        result.outcome = disclose::run(request, result.diagnostics, progress);
        return result;
    }
    [[nodiscard]] std::vector<fs::path> entries() const
    {
        std::vector<fs::path> found;
        if (fs::exists(cache)) {
            for (const auto& entry : fs::directory_iterator(cache)) {
                found.push_back(entry.path());
            }
        }
        return found;
    }
};

const disclose::ProductReport& report_of(const GateRun& run, const std::string& product)
{
    for (const auto& report : run.outcome.reports) {
        if (report.product == product) {
            return report;
        }
    }
    throw std::logic_error("no report for " + product);
}

bool from_cache(const GateRun& run)
{
    return report_of(run, "flows").from_cache;
}

std::size_t count_code(const Diagnostics& diagnostics, const std::string& code)
{
    const auto it = diagnostics.code_counts().find(code);
    return it == diagnostics.code_counts().end() ? 0 : it->second;
}

void expect_same_layers(const disclose::Outcome& a, const disclose::Outcome& b)
{
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        EXPECT_EQ(a.layers[i].name(), b.layers[i].name());
        EXPECT_EQ(a.layers[i].table().rows, b.layers[i].table().rows) << a.layers[i].name();
        EXPECT_EQ(a.layers[i].table().geometry_wkb, b.layers[i].table().geometry_wkb) << a.layers[i].name();
        EXPECT_EQ(a.layers[i].metadata().disclosure, b.layers[i].metadata().disclosure) << a.layers[i].name();
    }
}

std::string bytes_of(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void overwrite(const fs::path& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(PatternCacheTest, ASecondProcessLoadsThePatternAndPublishesTheSameLayers)
{
    disclose::Request uncached = request();
    uncached.use_pattern_cache = false;
    const GateRun reference = run(uncached);
    EXPECT_TRUE(entries().empty()) << "no cache use, no cache directory";
    ASSERT_GT(report_of(reference, "flows").summary.secondary, 0) << "the fixture must need partners";

    const GateRun first = run(request());
    EXPECT_FALSE(from_cache(first));
    ASSERT_EQ(entries().size(), 1U);
    const GateRun second = run(request());
    EXPECT_TRUE(from_cache(second));
    EXPECT_GE(report_of(second, "flows").seconds_saved, 0.0);
    EXPECT_FALSE(report_of(second, "units").from_cache) << "publishable products are never protected";
    EXPECT_EQ(count_code(second.diagnostics, "pattern_from_cache"), 1U);
    EXPECT_EQ(count_code(second.diagnostics, "pattern_cache_ignored"), 0U);
    expect_same_layers(reference.outcome, first.outcome);
    expect_same_layers(reference.outcome, second.outcome);
}

TEST_F(PatternCacheTest, AChangedCellValueRecomputes)
{
    (void)run(request());
    write(4);
    const GateRun changed = run(request());
    EXPECT_FALSE(from_cache(changed));
    EXPECT_EQ(entries().size(), 2U) << "one entry per table";
    disclose::Request uncached = request();
    uncached.use_pattern_cache = false;
    expect_same_layers(run(uncached).outcome, changed.outcome);
}

TEST_F(PatternCacheTest, AChangedThresholdOrProtectionLevelRecomputes)
{
    (void)run(request());
    disclose::Request at_5 = request();
    at_5.threshold = 5;
    EXPECT_FALSE(from_cache(run(at_5)));
    disclose::Request level_20 = request();
    level_20.protection_level = 20;
    EXPECT_FALSE(from_cache(run(level_20)));
    EXPECT_EQ(entries().size(), 3U);
    EXPECT_TRUE(from_cache(run(at_5)));
}

TEST_F(PatternCacheTest, TheKeyHoldsTheProtectorVersion)
{
    // Entries of another protector have another key, so they are never found: here the key of the
    // same cube under another protector identity differs from the current one.
    const disclose::Cube cube({disclose::Dimension("sex")}, {"persons"});
    const disclose::ProtectionRule rule;
    EXPECT_EQ(disclose::pattern_key(cube, rule), disclose::pattern_key(cube, rule));
    EXPECT_NE(disclose::pattern_key(cube, rule), disclose::pattern_key(cube, rule, "migratlas 0.0 protector 0"));
    disclose::ProtectionRule cells = rule;
    cells.cost = disclose::SuppressionCost::cells;
    EXPECT_NE(disclose::pattern_key(cube, rule), disclose::pattern_key(cube, cells));
    disclose::ProtectionRule threads = rule;
    threads.threads = 7;
    EXPECT_EQ(disclose::pattern_key(cube, rule), disclose::pattern_key(cube, threads)) << "the pattern does not depend on threads";
}

TEST_F(PatternCacheTest, ADamagedEntryIsIgnoredWithAWarningAndReplaced)
{
    const GateRun reference = run(request());
    ASSERT_EQ(entries().size(), 1U);
    const fs::path entry = entries().front();
    std::string bytes = bytes_of(entry);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
    overwrite(entry, bytes);
    const GateRun damaged = run(request());
    EXPECT_FALSE(from_cache(damaged));
    EXPECT_EQ(count_code(damaged.diagnostics, "pattern_cache_ignored"), 1U);
    expect_same_layers(reference.outcome, damaged.outcome);
    EXPECT_TRUE(from_cache(run(request()))) << "the protection stored a good entry again";

    overwrite(entry, bytes.substr(0, 40));
    const GateRun cut = run(request());
    EXPECT_FALSE(from_cache(cut));
    EXPECT_EQ(count_code(cut.diagnostics, "pattern_cache_ignored"), 1U);
    expect_same_layers(reference.outcome, cut.outcome);
}

TEST_F(PatternCacheTest, AnEntryOfAnotherKeyIsNeverUsed)
{
    const GateRun reference = run(request());
    const fs::path at_3 = entries().front();
    write(4);
    (void)run(request());
    ASSERT_EQ(entries().size(), 2U);
    const fs::path at_4 = entries().front() == at_3 ? entries().back() : entries().front();
    // The entry for 4 women now holds the (intact) entry stored for 3.
    fs::copy_file(at_3, at_4, fs::copy_options::overwrite_existing);
    const GateRun swapped = run(request());
    EXPECT_FALSE(from_cache(swapped));
    EXPECT_EQ(count_code(swapped.diagnostics, "pattern_cache_ignored"), 1U);
    disclose::Request uncached = request();
    uncached.use_pattern_cache = false;
    expect_same_layers(run(uncached).outcome, swapped.outcome);
}

TEST_F(PatternCacheTest, AStoredPatternThatContradictsThePrimariesIsNotUsed)
{
    const GateRun reference = run(request());
    const fs::path entry = entries().front();
    const std::string key = entry.stem().string();
    const disclose::PatternCache store(cache);
    Diagnostics diagnostics;
    std::optional<disclose::StoredPattern> pattern = store.load(key, diagnostics);
    ASSERT_TRUE(pattern.has_value());
    bool published_one = false;
    for (disclose::CellStatus& status : pattern->status) {
        if (status == disclose::CellStatus::primary) {
            status = disclose::CellStatus::published;
            published_one = true;
            break;
        }
    }
    ASSERT_TRUE(published_one);
    store.store(key, *pattern, diagnostics);
    const GateRun forged = run(request());
    EXPECT_FALSE(from_cache(forged));
    EXPECT_EQ(count_code(forged.diagnostics, "pattern_cache_ignored"), 1U);
    expect_same_layers(reference.outcome, forged.outcome);
}

TEST_F(PatternCacheTest, AnUnwritableLocationStillPublishes)
{
    const fs::path file = dir.file("not-a-directory", "x");
    disclose::Request r = request();
    r.pattern_cache = file / "cache";
    const GateRun first = run(r);
    EXPECT_FALSE(from_cache(first));
    EXPECT_EQ(count_code(first.diagnostics, "pattern_cache_unwritable"), 1U);
    const GateRun second = run(r);
    EXPECT_FALSE(from_cache(second));
    disclose::Request uncached = request();
    uncached.use_pattern_cache = false;
    expect_same_layers(run(uncached).outcome, second.outcome);
}

TEST_F(PatternCacheTest, ProcessesStoringTheSameEntryAtOnceLeaveAWholeEntry)
{
    // Threads stand in for processes: each writes a temporary file of its own and renames it.
    std::vector<GateRun> runs(4);
    std::vector<std::thread> threads;
    for (GateRun& slot : runs) {
        threads.emplace_back([&slot, r = request()] { slot = run(r); });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    ASSERT_EQ(entries().size(), 1U) << "no temporary file is left behind";
    const GateRun after = run(request());
    EXPECT_TRUE(from_cache(after));
    EXPECT_EQ(count_code(after.diagnostics, "pattern_cache_ignored"), 0U);
    for (const GateRun& each : runs) {
        expect_same_layers(each.outcome, after.outcome);
    }
}

/// Every file of an export folder, by name (its datapackage.json names a creation time: left out).
std::map<std::string, std::string> exported(const fs::path& folder)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (entry.is_regular_file() && entry.path().filename() != "datapackage.json") {
            files[fs::relative(entry.path(), folder).string()] = bytes_of(entry.path());
        }
    }
    return files;
}

TEST_F(PatternCacheTest, ExportedFilesAreTheSameWithAndWithoutTheCache)
{
    const auto export_to = [&](const std::string& name, bool use_cache) {
        publish::Request r;
        r.gate = request();
        r.gate.use_pattern_cache = use_cache;
        r.format = publish::Format::csv;
        r.target = (dir.path() / name).string();
        Diagnostics diagnostics;
        Progress progress;
        const publish::Outcome outcome = publish::run(r, diagnostics, progress);
        return exported(r.target);
    };
    const auto without = export_to("without", false);
    const auto cold = export_to("cold", true);
    const auto warm = export_to("warm", true);
    ASSERT_FALSE(without.empty());
    EXPECT_EQ(without, cold);
    EXPECT_EQ(without, warm);
}

} // namespace
} // namespace migratlas
