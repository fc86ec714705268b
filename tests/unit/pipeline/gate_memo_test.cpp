// The gate's memo (disclose::MemoScope), which `migratlas build` holds so that export, render and
// tiles protect each product once: the same layers as a run without it, from memory only while
// the workspace file and the rule settings are the same.
#include "common/progress.hpp"
#include "disclose/gate.hpp"
#include "test_files.hpp"
#include "tiny_workspace.hpp"

#include <gtest/gtest.h>

namespace migratlas {
namespace {

std::vector<std::vector<TableValue>> crossings(std::int64_t at_p2)
{
    using test::detail;
    return {detail("2023-05", "P1", "IN", "VEN", "F", "30-44", 0, "land", 40),
        detail("2023-05", "P2", "IN", "VEN", "M", "30-44", 0, "land", at_p2),
        detail("2023-06", "A1", "OUT", "ESP", "M", "30-44", 0, "air", 25)};
}

struct Gate {
    test::TempDir dir;
    std::filesystem::path workspace = dir.path() / "ws.gpkg";
    explicit Gate(std::int64_t at_p2 = 3) { write(at_p2); }
    void write(std::int64_t at_p2) const { test::write_tiny_workspace(workspace, {}, crossings(at_p2), true); }
    [[nodiscard]] disclose::Request request(std::int64_t threshold = 10) const
    {
        disclose::Request r;
        r.workspace = workspace;
        r.products = {"units", "crossing_points", "crossings_detail"};
        r.threshold = threshold;
        return r;
    }
    static disclose::Outcome run(const disclose::Request& request)
    {
        Diagnostics diagnostics;
        Progress progress;
        return disclose::run(request, diagnostics, progress);
    }
};

void expect_same_layers(const disclose::Outcome& a, const disclose::Outcome& b)
{
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        EXPECT_EQ(a.layers[i].name(), b.layers[i].name());
        EXPECT_EQ(a.layers[i].table().rows, b.layers[i].table().rows);
        EXPECT_EQ(a.layers[i].table().geometry_wkb, b.layers[i].table().geometry_wkb);
        EXPECT_EQ(a.layers[i].metadata().disclosure, b.layers[i].metadata().disclosure);
    }
}

bool all_from_memo(const disclose::Outcome& outcome)
{
    for (const auto& report : outcome.reports) {
        if (!report.from_memo) {
            return false;
        }
    }
    return !outcome.reports.empty();
}

TEST(GateMemo, OutsideAScopeEveryRunProtects)
{
    const Gate gate;
    const auto first = Gate::run(gate.request());
    const auto second = Gate::run(gate.request());
    for (const auto& report : second.reports) {
        EXPECT_FALSE(report.from_memo) << report.product;
    }
    expect_same_layers(first, second);
}

TEST(GateMemo, ASecondRunInAScopeTakesTheSameLayersFromMemory)
{
    const Gate gate;
    const auto unmemoised = Gate::run(gate.request());
    const disclose::MemoScope scope;
    const auto first = Gate::run(gate.request());
    EXPECT_FALSE(first.reports.front().from_memo);
    const auto second = Gate::run(gate.request());
    EXPECT_TRUE(all_from_memo(second));
    expect_same_layers(unmemoised, first);
    expect_same_layers(first, second);
    // A run that asks for one of them only (render after export) is served from memory too.
    disclose::Request points = gate.request();
    points.products = {"crossing_points"};
    EXPECT_TRUE(all_from_memo(Gate::run(points)));
}

TEST(GateMemo, OtherRuleSettingsProtectAgain)
{
    const Gate gate;
    const disclose::MemoScope scope;
    const auto at_10 = Gate::run(gate.request(10));
    const auto at_50 = Gate::run(gate.request(50));
    EXPECT_FALSE(at_50.reports.back().from_memo);
    EXPECT_NE(at_10.layers.back().table().rows, at_50.layers.back().table().rows);
    disclose::Request zeros = gate.request(10);
    zeros.suppress_zeros = true;
    EXPECT_FALSE(Gate::run(zeros).reports.back().from_memo);
}

TEST(GateMemo, AChangedWorkspaceIsReadAgain)
{
    const Gate gate(3);
    const disclose::MemoScope scope;
    const auto before = Gate::run(gate.request());
    gate.write(30);  // P2 is no longer below the threshold
    const auto after = Gate::run(gate.request());
    EXPECT_FALSE(after.reports.back().from_memo);
    EXPECT_NE(before.layers.back().table().rows, after.layers.back().table().rows);
    const Gate fresh(30);
    expect_same_layers(after, Gate::run(fresh.request()));
}

TEST(GateMemo, TheMemoEndsWithTheLastScope)
{
    const Gate gate;
    {
        const disclose::MemoScope outer;
        {
            const disclose::MemoScope inner;
            (void)Gate::run(gate.request());
        }
        EXPECT_TRUE(all_from_memo(Gate::run(gate.request())));
    }
    const disclose::MemoScope later;
    EXPECT_FALSE(Gate::run(gate.request()).reports.back().from_memo);
}

} // namespace
} // namespace migratlas
