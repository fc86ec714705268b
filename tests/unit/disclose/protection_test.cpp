// Tests that attack: each builds a table, hides cells (naively, or with the gate's complementary
// suppression) and asserts the intervals the LP attacker (the audit's solver) computes.
#include "disclose/attack.hpp"
#include "disclose/cube.hpp"
#include "disclose/hypercube_protector.hpp"
#include "disclose/primary_rule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>

namespace migratlas::disclose {
namespace {

Dimension flat(const std::string& name, int codes)
{
    Dimension dimension(name);
    for (int i = 1; i <= codes; ++i) {
        dimension.add(std::to_string(i));
    }
    return dimension;
}

/// A cube over `dimensions` whose leaves hold value(leaf coordinates), with every margin.
Cube table(std::vector<Dimension> dimensions, const std::function<std::int64_t(const std::vector<NodeId>&)>& value)
{
    std::vector<std::vector<NodeId>> leaves(dimensions.size());
    for (std::size_t d = 0; d < dimensions.size(); ++d) {
        for (NodeId node = 1; node < dimensions[d].size(); ++node) {
            if (dimensions[d].is_leaf(node)) {
                leaves[d].push_back(node);
            }
        }
    }
    Cube cube(std::move(dimensions), {"persons"});
    std::vector<std::size_t> index(leaves.size(), 0);
    while (true) {
        std::vector<NodeId> coords;
        for (std::size_t d = 0; d < leaves.size(); ++d) {
            coords.push_back(leaves[d][index[d]]);
        }
        const std::int64_t v = value(coords);
        if (v != 0) {
            cube.add_leaf(coords, std::span<const std::int64_t>(&v, 1));
        }
        std::size_t d = 0;
        while (d < leaves.size() && ++index[d] == leaves[d].size()) {
            index[d] = 0;
            ++d;
        }
        if (d == leaves.size()) {
            break;
        }
    }
    cube.aggregate();
    return cube;
}

CellId cell_at(const Cube& cube, std::vector<std::string> codes)
{
    std::vector<NodeId> coords;
    for (std::size_t d = 0; d < codes.size(); ++d) {
        coords.push_back(*cube.dimension(d).find(codes[d]));
    }
    const CellId* cell = cube.find(cube.key_of(coords));
    EXPECT_NE(cell, nullptr) << "no cell " << codes[0];
    return *cell;
}

std::vector<bool> primaries(const Cube& cube)
{
    std::vector<bool> protect(cube.size(), false);
    for (CellId cell = 0; cell < cube.size(); ++cell) {
        protect[cell] = cube.status(cell) == CellStatus::primary;
    }
    return protect;
}

AttackResult exact_attack(const Cube& cube, std::int64_t level = 10)
{
    AttackSettings settings;
    settings.protection_level = level;
    settings.exact = true;
    return attack(cube, 0, primaries(cube), settings);
}

const CellInterval& interval_of(const AttackResult& result, CellId cell)
{
    for (const CellInterval& interval : result.intervals) {
        if (interval.cell == cell) {
            return interval;
        }
    }
    ADD_FAILURE() << "cell " << cell << " was not attacked";
    return result.intervals.front();
}

ProtectionRule default_rule()
{
    ProtectionRule rule;
    rule.primary.threshold = 10;
    rule.protection_level = 10;
    return rule;
}

// region x sex: the 3 in row 1 is the only small cell.
constexpr std::int64_t two_way[3][3] = {{20, 3, 25}, {30, 40, 12}, {15, 22, 18}};

Cube two_way_table()
{
    return table({flat("region", 3), flat("sex", 3)},
        [](const std::vector<NodeId>& c) { return two_way[c[0] - 1][c[1] - 1]; });
}

TEST(Attack, PrimaryAloneIsRecoveredBySubtractionFromItsMargins)
{
    Cube cube = two_way_table();
    ASSERT_EQ(apply_primary(cube, default_rule().primary), 1);
    const AttackResult result = exact_attack(cube);
    const CellInterval& small = interval_of(result, cell_at(cube, {"1", "2"}));
    EXPECT_EQ(small.low, 3.0);
    EXPECT_EQ(small.high, 3.0);
    ASSERT_EQ(result.exposed.size(), 1U);
    EXPECT_EQ(cube.describe(cube.key(result.exposed[0].cell)), "1|2");
}

// The audit's shortcut: a relation with one unknown gives the cell away, and substituting it can
// leave another relation with one unknown. Row 1 gives (1,2) = 3; column 2 then gives (2,2) = 40;
// row 2 then gives (2,3) = 12. Sampled (not exact) attack: the chain is reported exactly, no LP.
TEST(Attack, CellsGivenAwayBySubtractionChainsAreReportedNarrowedWithoutAnLp)
{
    Cube cube = two_way_table();
    const CellId small = cell_at(cube, {"1", "2"});
    const CellId middle = cell_at(cube, {"2", "2"});
    const CellId right = cell_at(cube, {"2", "3"});
    cube.set_status(small, CellStatus::primary);
    cube.set_status(middle, CellStatus::secondary);
    cube.set_status(right, CellStatus::primary);
    AttackSettings settings;
    settings.protection_level = 10;
    settings.all_hidden = true;
    const AttackResult result = attack(cube, 0, primaries(cube), settings);
    EXPECT_EQ(result.fixed_by_subtraction, 3U);
    EXPECT_EQ(result.lp_solves, 0U);
    for (const auto& [cell, value] : {std::pair{small, 3.0}, std::pair{middle, 40.0}, std::pair{right, 12.0}}) {
        const CellInterval& interval = interval_of(result, cell);
        EXPECT_EQ(interval.low, value);
        EXPECT_EQ(interval.high, value);
        EXPECT_TRUE(interval.exact);
    }
    ASSERT_EQ(result.exposed.size(), 2U);  // the two primaries; the secondary is not protected
    const AttackResult exact = exact_attack(cube);
    EXPECT_EQ(exact.exposed.size(), 2U);
    EXPECT_EQ(interval_of(exact, right).low, 12.0);
}

// Fixing by subtraction must not fix what an LP cannot: with (1,1), (1,2), (2,1), (2,2) hidden
// every relation has two unknowns, and the interval is the square's.
TEST(Attack, SubtractionShortcutLeavesCellsWithTwoUnknownsPerRelationToTheLp)
{
    Cube cube = two_way_table();
    const CellId small = cell_at(cube, {"1", "2"});
    cube.set_status(small, CellStatus::primary);
    for (const auto& codes : {std::vector<std::string>{"1", "1"}, {"3", "1"}, {"3", "2"}}) {
        cube.set_status(cell_at(cube, codes), CellStatus::secondary);
    }
    AttackSettings settings;
    settings.protection_level = 10;
    const AttackResult result = attack(cube, 0, primaries(cube), settings);
    EXPECT_EQ(result.fixed_by_subtraction, 0U);
    EXPECT_TRUE(result.exposed.empty());
    EXPECT_GE(interval_of(result, small).width(), 10.0);
}

// A table without margins (every key never summed): a hidden cell is in no equation, so it is
// anything from 0 up; the attacker says so without an LP.
TEST(Attack, HiddenCellInNoPublishedSumIsUnboundedWithoutAnLp)
{
    Cube cube = table({flat("flow_type", 3), flat("sex", 2)}, [](const std::vector<NodeId>& c) {
        return c[0] == 2 && c[1] == 1 ? std::int64_t{4} : std::int64_t{25};
    });
    cube.set_separate(0b11);
    ASSERT_EQ(apply_primary(cube, default_rule().primary), 1);
    AttackSettings settings;
    settings.protection_level = 10;
    const AttackResult result = attack(cube, 0, primaries(cube), settings);
    const CellInterval& interval = interval_of(result, cell_at(cube, {"2", "1"}));
    EXPECT_EQ(interval.low, 0.0);
    EXPECT_EQ(interval.high, no_upper_bound);
    EXPECT_TRUE(result.exposed.empty());
    EXPECT_EQ(result.lp_solves, 0U);
}

TEST(Attack, ComplementarySuppressionLeavesAnIntervalAsWideAsTheProtectionLevel)
{
    Cube cube = two_way_table();
    (void)apply_primary(cube, default_rule().primary);
    const ProtectionReport report = protect(cube, default_rule());
    EXPECT_EQ(report.primary, 1);
    // The cheapest hypercube in persons: (1,2) with (1,1)=20, (3,1)=15, (3,2)=22.
    EXPECT_EQ(report.secondary, 3);
    EXPECT_EQ(report.persons_hidden, 3 + 20 + 15 + 22);
    EXPECT_EQ(cube.status(cell_at(cube, {"1", "1"})), CellStatus::secondary);
    EXPECT_EQ(cube.status(cell_at(cube, {"3", "1"})), CellStatus::secondary);
    EXPECT_EQ(cube.status(cell_at(cube, {"3", "2"})), CellStatus::secondary);
    const AttackResult result = exact_attack(cube);
    EXPECT_TRUE(result.exposed.empty());
    // Along the hidden square the 3 can fall to 0 (the 3 itself) and rise by 20 (the (1,1) cell).
    const CellInterval& small = interval_of(result, cell_at(cube, {"1", "2"}));
    EXPECT_EQ(small.low, 0.0);
    EXPECT_EQ(small.high, 23.0);
}

// A 3 x 3 x 3 table in which every line through a hidden cell holds two hidden cells (no cell
// can be recovered by subtracting along one line), and yet the LP pins every one of them down.
constexpr const char* naive_pattern[3][3] = {{".**", "**.", "*.*"}, {"**.", "...", "**."}, {"*.*", "**.", ".**"}};

std::int64_t three_way_value(const std::vector<NodeId>& c)
{
    return c[0] == 1 && c[1] == 1 && c[2] == 2 ? 4 : 20;
}

TEST(Attack, NaivePatternWithTwoHiddenCellsPerLineIsNarrowedByTheLp)
{
    Cube cube = table({flat("a", 3), flat("b", 3), flat("c", 3)}, three_way_value);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            for (int k = 0; k < 3; ++k) {
                if (naive_pattern[i][j][k] == '*') {
                    cube.set_status(cell_at(cube, {std::to_string(i + 1), std::to_string(j + 1), std::to_string(k + 1)}),
                        CellStatus::secondary);
                }
            }
        }
    }
    // The naive rule holds: no line has exactly one hidden cell.
    for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) {
            int lines[3] = {0, 0, 0};
            for (int t = 0; t < 3; ++t) {
                lines[0] += naive_pattern[t][a][b] == '*';
                lines[1] += naive_pattern[a][t][b] == '*';
                lines[2] += naive_pattern[a][b][t] == '*';
            }
            for (const int hidden : lines) {
                EXPECT_NE(hidden, 1);
            }
        }
    }
    const CellId small = cell_at(cube, {"1", "1", "2"});
    cube.set_status(small, CellStatus::primary);
    const AttackResult result = exact_attack(cube);
    const CellInterval& interval = interval_of(result, small);
    EXPECT_EQ(interval.low, 4.0);
    EXPECT_EQ(interval.high, 4.0);
    EXPECT_EQ(result.exposed.size(), 1U);
}

TEST(Attack, ThreeWayTableProtectedByHypercubesHoldsAgainstTheLp)
{
    Cube cube = table({flat("a", 3), flat("b", 3), flat("c", 3)}, three_way_value);
    EXPECT_EQ(apply_primary(cube, default_rule().primary), 1);
    std::vector<CellCertificate> certificates;
    const ProtectionReport report = protect(cube, default_rule(), &certificates);
    EXPECT_EQ(report.secondary, 7);  // one 2 x 2 x 2 hypercube of interior cells
    const AttackResult result = exact_attack(cube);
    EXPECT_TRUE(result.exposed.empty());
    const CellInterval& interval = interval_of(result, cell_at(cube, {"1", "1", "2"}));
    EXPECT_EQ(interval.low, 0.0);
    EXPECT_EQ(interval.high, 24.0);
    ASSERT_EQ(certificates.size(), 1U);
    EXPECT_EQ(certificates[0].upper[0], 20);
    EXPECT_EQ(certificates[0].lower[0], 4);
}

// unit -> parent -> country -> _T, by sex.
Dimension units(int units_per_parent = 3)
{
    Dimension unit("unit");
    for (const char* country : {"XNA", "XSU"}) {
        unit.add(country);
        for (int p = 1; p <= 2; ++p) {
            const std::string parent = std::string(country) + "-0" + std::to_string(p);
            unit.add(parent, country);
            for (int u = 1; u <= units_per_parent; ++u) {
                unit.add(parent + "-0" + std::to_string(u), parent);
            }
        }
    }
    return unit;
}

std::int64_t hierarchy_value(const std::vector<NodeId>& c)
{
    // Unit XNA-01-02 (node 4) holds 2 women; XSU-02 has small units throughout.
    if (c[0] == 4 && c[1] == 2) {
        return 2;
    }
    if (c[0] >= 16) {
        return c[1] == 1 ? 3 : 1;
    }
    return 10 + static_cast<std::int64_t>(c[0]) * 3 + c[1];
}

TEST(Attack, HierarchyUnitParentCountryPrimaryIsRecoverableUntilProtected)
{
    Cube naive = table({units(), flat("sex", 2)}, hierarchy_value);
    const PrimaryRule rule = default_rule().primary;
    (void)apply_primary(naive, rule);
    const AttackResult exposed = exact_attack(naive);
    // Alone, the 2 women of XNA-01-02 are the parent's women minus the other two units.
    const CellId women = cell_at(naive, {"XNA-01-02", "2"});
    EXPECT_EQ(interval_of(exposed, women).low, 2.0);
    EXPECT_EQ(interval_of(exposed, women).high, 2.0);
    EXPECT_FALSE(exposed.exposed.empty());

    Cube cube = table({units(), flat("sex", 2)}, hierarchy_value);
    (void)apply_primary(cube, rule);
    // XSU-02 itself (3 units of 3 men and 1 woman) is a primary margin at the parent level.
    EXPECT_EQ(cube.status(cell_at(cube, {"XSU-02", "2"})), CellStatus::primary);
    const ProtectionReport report = protect(cube, default_rule());
    EXPECT_EQ(report.fallbacks, 0);
    const AttackResult result = exact_attack(cube);
    for (const CellInterval& interval : result.exposed) {
        ADD_FAILURE() << cube.describe(cube.key(interval.cell)) << " narrowed to [" << interval.low << ", "
                      << interval.high << "]";
    }
    EXPECT_GE(interval_of(result, cell_at(cube, {"XNA-01-02", "2"})).width(), 10.0);
    EXPECT_GE(interval_of(result, cell_at(cube, {"XSU-02", "2"})).width(), 10.0);
}

// Flows by sex and flows by age publish the same destination totals: two views of one family.
TEST(Attack, LinkedTablesSharingTheirTotalsAreProtectedTogether)
{
    Cube cube = table({flat("destination", 4), flat("sex", 2), flat("age", 3)}, [](const std::vector<NodeId>& c) {
        if (c[0] == 1 && c[1] == 1) {
            return std::int64_t{2};  // a small cell of flows by sex once summed over age (6 men to 1)
        }
        return static_cast<std::int64_t>(7 + c[0] * 2 + c[1] + c[2] * 3);
    });
    const std::uint32_t by_sex = 0b011;
    const std::uint32_t by_age = 0b101;
    cube.set_views({by_sex, by_age});
    (void)apply_primary(cube, default_rule().primary);
    const CellId men_to_1 = cell_at(cube, {"1", "1", "_T"});
    ASSERT_EQ(cube.status(men_to_1), CellStatus::primary);
    // Without complementary cells the primary is a row of flows by sex minus its other cell.
    {
        const AttackResult naive = exact_attack(cube);
        EXPECT_EQ(interval_of(naive, men_to_1).width(), 0.0);
    }
    (void)protect(cube, default_rule());
    const AttackResult result = exact_attack(cube);
    EXPECT_TRUE(result.exposed.empty());
    EXPECT_GE(interval_of(result, men_to_1).width(), 10.0);
    // Cells of the unpublished destination x sex x age interior are neither hidden nor attacked.
    for (const CellInterval& interval : result.intervals) {
        EXPECT_TRUE(cube.published(cube.key(interval.cell)));
    }
}

// Random tables of 2 to 4 dimensions, flat and hierarchical, with many small cells: whatever the
// pattern, no primary may be narrowed, and every certificate must lie inside the LP's interval.
TEST(Attack, RandomTablesNeverExposeAPrimaryAndCertificatesHold)
{
    std::mt19937 rng(20260101);
    for (int round = 0; round < 24; ++round) {
        std::vector<Dimension> dimensions;
        const int rank = 2 + round % 3;
        for (int d = 0; d < rank; ++d) {
            dimensions.push_back(d == 0 && round % 2 == 0 ? units(2) : flat("d" + std::to_string(d), 2 + (round + d) % 3));
        }
        std::uniform_int_distribution<int> draw(0, 40);
        Cube cube = table(dimensions, [&](const std::vector<NodeId>&) {
            const int v = draw(rng);
            return static_cast<std::int64_t>(v < 8 ? 0 : v < 20 ? v - 7 : v);
        });
        (void)apply_primary(cube, default_rule().primary);
        std::vector<CellCertificate> certificates;
        (void)protect(cube, default_rule(), &certificates);
        const AttackResult result = exact_attack(cube);
        for (const CellInterval& interval : result.exposed) {
            ADD_FAILURE() << "round " << round << ": " << cube.describe(cube.key(interval.cell)) << " narrowed to ["
                          << interval.low << ", " << interval.high << "]";
        }
        for (const CellCertificate& certificate : certificates) {
            const CellInterval& interval = interval_of(result, certificate.cell);
            const auto x = static_cast<double>(cube.value(certificate.cell, 0));
            EXPECT_LE(interval.low, x - static_cast<double>(std::min(certificate.lower[0], cube.value(certificate.cell, 0))));
            if (certificate.upper[0] != unbounded) {
                EXPECT_GE(interval.high, x + static_cast<double>(certificate.upper[0]));
            } else {
                EXPECT_EQ(interval.high, no_upper_bound);
            }
        }
        EXPECT_TRUE(result.inconsistencies.empty());
    }
}

TEST(Attack, SampledAttackFindsTheSameExposuresAsTheExactOne)
{
    Cube cube = table({units(), flat("sex", 2)}, hierarchy_value);
    (void)apply_primary(cube, default_rule().primary);
    AttackSettings settings;
    settings.protection_level = 10;
    const AttackResult sampled = attack(cube, 0, primaries(cube), settings);
    const AttackResult exact = exact_attack(cube);
    ASSERT_EQ(sampled.exposed.size(), exact.exposed.size());
    for (std::size_t i = 0; i < exact.exposed.size(); ++i) {
        EXPECT_EQ(sampled.exposed[i].cell, exact.exposed[i].cell);
        EXPECT_EQ(sampled.exposed[i].low, exact.exposed[i].low);
        EXPECT_EQ(sampled.exposed[i].high, exact.exposed[i].high);
    }
}

// A cell whose every margin is hidden, up to the grand total, can grow without end: raising it and
// each of its margins by the same amount keeps every published sum. Found without an LP for the
// upper end, in the sampled attack and in the exact one.
TEST(Attack, CellWhoseMarginsAreAllHiddenUpToTheGrandTotalIsUnbounded)
{
    Cube cube = two_way_table();
    for (const std::vector<std::string>& codes : std::vector<std::vector<std::string>>{
             {"1", "2"}, {"1", "_T"}, {"_T", "2"}, {"_T", "_T"}, {"1", "1"}, {"2", "2"}, {"2", "1"}}) {
        cube.set_status(cell_at(cube, codes), codes == std::vector<std::string>{"1", "2"} ? CellStatus::primary
                                                                                         : CellStatus::secondary);
    }
    AttackSettings settings;
    settings.protection_level = 10;
    settings.all_hidden = true;
    for (const bool exact : {false, true}) {
        settings.exact = exact;
        const AttackResult result = attack(cube, 0, primaries(cube), settings);
        for (const std::vector<std::string>& codes :
            std::vector<std::vector<std::string>>{{"1", "2"}, {"1", "_T"}, {"_T", "2"}, {"_T", "_T"}}) {
            EXPECT_EQ(interval_of(result, cell_at(cube, codes)).high, no_upper_bound) << codes[0] << "|" << codes[1];
        }
        // (1,1), (2,1) and (2,2) are bounded: column 1 and row 2 are published.
        EXPECT_EQ(interval_of(result, cell_at(cube, {"2", "1"})).high, 30.0 + 20.0);
        EXPECT_TRUE(result.exposed.empty());
        if (exact) {
            EXPECT_EQ(interval_of(result, cell_at(cube, {"1", "2"})).low, 0.0);
            // Row 1 is at least its published 25, rows 2 and 3 are published: 25 + 82 + 55.
            EXPECT_EQ(interval_of(result, cell_at(cube, {"_T", "_T"})).low, 162.0);
        }
    }
}

// With the grand total hidden but the margins published, no cell is unbounded.
TEST(Attack, HiddenGrandTotalAlonePublishedMarginsKeepEveryCellBounded)
{
    Cube cube = two_way_table();
    for (const std::vector<std::string>& codes :
        std::vector<std::vector<std::string>>{{"1", "2"}, {"1", "1"}, {"2", "2"}, {"2", "1"}, {"_T", "_T"}}) {
        cube.set_status(cell_at(cube, codes), CellStatus::secondary);
    }
    AttackSettings settings;
    settings.protection_level = 10;
    settings.all_hidden = true;
    settings.exact = true;
    const AttackResult result = attack(cube, 0, primaries(cube), settings);
    for (const CellInterval& interval : result.intervals) {
        EXPECT_NE(interval.high, no_upper_bound) << cube.describe(cube.key(interval.cell));
    }
    EXPECT_EQ(interval_of(result, cell_at(cube, {"_T", "_T"})).low, interval_of(result, cell_at(cube, {"_T", "_T"})).high);
}

// The sampled attack (joint objectives, capped pushes, certificates) only ever reports points the
// attacker cannot exclude: every interval it reports lies inside the exact one, and it finds the
// same exposures. Random 3- and 4-way tables, protected by the gate and then made leaky.
TEST(Attack, SampledIntervalsLieInsideTheExactOnesAndExposeTheSameCells)
{
    std::mt19937 rng(11);
    for (int round = 0; round < 6; ++round) {
        std::vector<Dimension> dimensions{units(2 + round % 2), flat("sex", 2), flat("age", 3)};
        if (round % 2 == 1) {
            dimensions.push_back(flat("nat", 3));
        }
        std::uniform_int_distribution<int> draw(0, 30);
        Cube cube = table(dimensions, [&](const std::vector<NodeId>&) {
            const int v = draw(rng);
            return static_cast<std::int64_t>(v < 6 ? 0 : v < 16 ? v - 5 : v);
        });
        (void)apply_primary(cube, default_rule().primary);
        (void)protect(cube, default_rule());
        for (CellId cell = static_cast<CellId>(round); cell < cube.size(); cell += 13) {
            if (!cube.hidden(cell) && cube.published(cube.key(cell))) {
                cube.set_status(cell, CellStatus::primary);
            }
        }
        AttackSettings settings;
        settings.protection_level = 10;
        settings.all_hidden = true;
        const AttackResult sampled = attack(cube, 0, primaries(cube), settings);
        settings.exact = true;
        const AttackResult exact = attack(cube, 0, primaries(cube), settings);
        std::map<CellId, CellInterval> exact_of;
        for (const CellInterval& interval : exact.intervals) {
            exact_of.emplace(interval.cell, interval);
        }
        for (const CellInterval& interval : sampled.intervals) {
            const CellInterval& truth = exact_of.at(interval.cell);
            EXPECT_GE(interval.low, truth.low) << "round " << round << " " << cube.describe(cube.key(interval.cell));
            EXPECT_LE(interval.high, truth.high) << "round " << round << " " << cube.describe(cube.key(interval.cell));
        }
        ASSERT_EQ(sampled.exposed.size(), exact.exposed.size()) << "round " << round;
        for (std::size_t i = 0; i < exact.exposed.size(); ++i) {
            EXPECT_EQ(sampled.exposed[i].cell, exact.exposed[i].cell);
        }
        EXPECT_LT(sampled.lp_solves, exact.lp_solves);
    }
}

// Several independent sub-problems (one per code of a separate dimension) solved on 1 and on 3
// threads: the same intervals, in the same order, and the same exposures.
TEST(Attack, SameResultWhateverTheThreadCount)
{
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> draw(0, 30);
    Cube cube = table({flat("table", 4), units(2), flat("sex", 2), flat("age", 3)}, [&](const std::vector<NodeId>&) {
        const int v = draw(rng);
        return static_cast<std::int64_t>(v < 6 ? 0 : v < 16 ? v - 5 : v);
    });
    cube.set_separate(1U);
    (void)apply_primary(cube, default_rule().primary);
    (void)protect(cube, default_rule());
    // Hide a few more cells, as a careless pattern would, so that some cells are exposed too.
    for (CellId cell = 0; cell < cube.size(); cell += 17) {
        if (!cube.hidden(cell) && cube.published(cube.key(cell))) {
            cube.set_status(cell, CellStatus::primary);
        }
    }
    AttackSettings settings;
    settings.protection_level = 10;
    settings.all_hidden = true;
    settings.threads = 1;
    const AttackResult one = attack(cube, 0, primaries(cube), settings);
    settings.threads = 3;
    const AttackResult three = attack(cube, 0, primaries(cube), settings);
    EXPECT_GE(one.components, 4U);
    ASSERT_EQ(one.intervals.size(), three.intervals.size());
    for (std::size_t i = 0; i < one.intervals.size(); ++i) {
        EXPECT_EQ(one.intervals[i].cell, three.intervals[i].cell);
        EXPECT_EQ(one.intervals[i].low, three.intervals[i].low);
        EXPECT_EQ(one.intervals[i].high, three.intervals[i].high);
    }
    ASSERT_EQ(one.exposed.size(), three.exposed.size());
    for (std::size_t i = 0; i < one.exposed.size(); ++i) {
        EXPECT_EQ(one.exposed[i].cell, three.exposed[i].cell);
    }
    EXPECT_EQ(one.lp_solves, three.lp_solves);
}

// Tables that share no sum (codes of a dimension never summed) are protected on several threads:
// the same pattern, and the same certificates, on 1 and on 3 threads; no move leaves its table.
TEST(Protect, SamePatternWhateverTheThreadCount)
{
    auto make = [] {
        std::mt19937 rng(11);
        std::uniform_int_distribution<int> draw(0, 30);
        Cube cube = table({flat("table", 5), units(2), flat("sex", 2), flat("age", 3)}, [&](const std::vector<NodeId>&) {
            const int v = draw(rng);
            return static_cast<std::int64_t>(v < 6 ? 0 : v < 16 ? v - 5 : v);
        });
        cube.set_separate(1U);
        (void)apply_primary(cube, default_rule().primary);
        return cube;
    };
    Cube one = make();
    Cube three = make();
    ProtectionRule rule = default_rule();
    rule.threads = 1;
    std::vector<CellCertificate> one_certificates;
    const ProtectionReport one_report = protect(one, rule, &one_certificates);
    rule.threads = 3;
    std::vector<CellCertificate> three_certificates;
    const ProtectionReport three_report = protect(three, rule, &three_certificates);
    EXPECT_GT(one_report.secondary, 0);
    EXPECT_EQ(one_report.secondary, three_report.secondary);
    EXPECT_EQ(one_report.persons_hidden, three_report.persons_hidden);
    ASSERT_EQ(one.size(), three.size());
    for (CellId cell = 0; cell < one.size(); ++cell) {
        EXPECT_EQ(one.key(cell), three.key(cell));
        EXPECT_EQ(one.status(cell), three.status(cell)) << one.describe(one.key(cell));
    }
    ASSERT_EQ(one_certificates.size(), three_certificates.size());
    for (std::size_t i = 0; i < one_certificates.size(); ++i) {
        EXPECT_EQ(one_certificates[i].cell, three_certificates[i].cell);
        EXPECT_EQ(one_certificates[i].upper, three_certificates[i].upper);
        EXPECT_EQ(one_certificates[i].lower, three_certificates[i].lower);
    }
    // Each table on its own holds against the LP, and the certificates lie inside its intervals.
    const AttackResult result = exact_attack(one);
    EXPECT_TRUE(result.exposed.empty());
    for (const CellCertificate& certificate : one_certificates) {
        const CellInterval& interval = interval_of(result, certificate.cell);
        const auto x = static_cast<double>(one.value(certificate.cell, 0));
        EXPECT_LE(interval.low, x - static_cast<double>(std::min(certificate.lower[0], one.value(certificate.cell, 0))));
        if (certificate.upper[0] != unbounded) {
            EXPECT_GE(interval.high, x + static_cast<double>(certificate.upper[0]));
        }
    }
}

// A sparse five-way table (codes 1-4 in each key, every margin). Key A's code 1 holds 5 persons,
// all in the leaf 1|1|1|1|1, so each of its cells is primary. Code 2 (the partner) holds 50 at
// 2|4|4|4|4, code 3 100 at 3|1|1|1|1. Along code 1's own lines the other codes of B-E are zeros
// (ranked first: they cost least), so with five summed keys, where the search keeps two options
// per key, no hypercube it spans has a partner leaf with counts to give when code 1's total rises,
// and the leaves an LP move would take around the cell miss 2|4|4|4|4 too. A partner-led
// hypercube descends from the partner's cell 2|_T|_T|_T|_T to that leaf: no LP move is needed,
// and the cell's interval reaches as far as the leaf gives. (Before, an LP move protected it.)
TEST(Protect, SparseTableSmallMarginIsPairedWithThePartnersLeafWithoutAnLpMove)
{
    std::vector<Dimension> keys;
    for (const char* name : {"A", "B", "C", "D", "E"}) {
        keys.push_back(flat(name, 4));
    }
    Cube cube = table(std::move(keys), [&](const std::vector<NodeId>& c) {
        auto rest_are = [&](NodeId code) { return std::all_of(c.begin() + 1, c.end(), [&](NodeId n) { return n == code; }); };
        if (c[0] == 1 && rest_are(1)) {
            return std::int64_t{5};
        }
        if (c[0] == 2 && rest_are(4)) {
            return std::int64_t{50};
        }
        return c[0] == 3 && rest_are(1) ? std::int64_t{100} : std::int64_t{0};
    });
    (void)apply_primary(cube, default_rule().primary);
    std::vector<CellCertificate> certificates;
    const ProtectionReport report = protect(cube, default_rule(), &certificates);
    EXPECT_EQ(report.local_moves, 0);
    EXPECT_EQ(report.fallbacks, 0);
    EXPECT_EQ(cube.status(cell_at(cube, {"2", "4", "4", "4", "4"})), CellStatus::secondary);
    const CellId total = cell_at(cube, {"1", "_T", "_T", "_T", "_T"});
    const auto certificate = std::find_if(certificates.begin(), certificates.end(), [&](const CellCertificate& c) { return c.cell == total; });
    ASSERT_NE(certificate, certificates.end());
    EXPECT_GE(certificate->upper[0], 5);
    const AttackResult result = exact_attack(cube);
    EXPECT_TRUE(result.exposed.empty());
    const CellInterval& interval = interval_of(result, total);
    EXPECT_EQ(interval.low, 0.0);
    EXPECT_GE(interval.high, 5.0 + static_cast<double>(certificate->upper[0]));
}

TEST(PrimaryRule, SmallCountsArePrimaryZerosOnlyWhenConfigured)
{
    PrimaryRule rule;
    EXPECT_TRUE(is_primary(1, rule));
    EXPECT_TRUE(is_primary(9, rule));
    EXPECT_FALSE(is_primary(10, rule));
    EXPECT_FALSE(is_primary(0, rule));
    rule.suppress_zeros = true;
    EXPECT_TRUE(is_primary(0, rule));
}

TEST(PrimaryRule, DominanceRuleFlagsSumsMadeMostlyByTheLargestContributors)
{
    const double largest[] = {70.0, 20.0, 5.0};
    EXPECT_TRUE(is_dominated(100.0, largest, 1, 60.0));
    EXPECT_FALSE(is_dominated(100.0, largest, 1, 75.0));
    EXPECT_TRUE(is_dominated(100.0, largest, 2, 85.0));
    EXPECT_FALSE(is_dominated(0.0, largest, 2, 85.0));
}

} // namespace
} // namespace migratlas::disclose
