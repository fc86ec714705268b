// Class breaks: quantiles, equal intervals, manual, and Fisher's exact natural breaks checked
// against hand-computed cases and against exhaustive search on small random sets.
#include "render/classification.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

using namespace migratlas::render;

namespace {

/// Best within-class SSD over every partition of the sorted values into k contiguous runs that do
/// not split equal values (classes are value ranges).
double brute_force_best(std::vector<double> values, int k)
{
    std::sort(values.begin(), values.end());
    std::size_t distinct = 1;
    for (std::size_t i = 1; i < values.size(); ++i) {
        distinct += values[i] != values[i - 1] ? 1 : 0;
    }
    k = std::min<int>(k, static_cast<int>(distinct));
    const auto n = values.size();
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::size_t> cuts(static_cast<std::size_t>(k - 1));
    if (cuts.empty()) {
        double sum = 0, squares = 0;
        for (const double v : values) {
            sum += v;
            squares += v * v;
        }
        return squares - sum * sum / static_cast<double>(n);
    }
    // Enumerate cut positions 1 <= c1 < c2 < ... < n.
    std::function<void(std::size_t, std::size_t)> recurse = [&](std::size_t index, std::size_t from) {
        if (index == cuts.size()) {
            double total = 0;
            std::size_t begin = 0;
            for (std::size_t c = 0; c <= cuts.size(); ++c) {
                const std::size_t end = c < cuts.size() ? cuts[c] : n;
                double sum = 0, squares = 0;
                for (std::size_t i = begin; i < end; ++i) {
                    sum += values[i];
                    squares += values[i] * values[i];
                }
                total += squares - sum * sum / static_cast<double>(end - begin);
                begin = end;
            }
            best = std::min(best, total);
            return;
        }
        for (std::size_t cut = from; cut < n; ++cut) {
            if (values[cut] == values[cut - 1]) {
                continue;
            }
            cuts[index] = cut;
            recurse(index + 1, cut + 1);
        }
    };
    recurse(0, 1);
    return best;
}

} // namespace

TEST(NaturalBreaks, SeparatesObviousClustersByHand)
{
    // Three clusters; the optimal 3-class partition is {1,2,3} {10,11,12} {20,21,22} by inspection:
    // SSD = 2 + 2 + 2 = 6, and moving any value across a gap costs far more.
    const std::vector<double> values{22, 1, 11, 2, 20, 3, 10, 12, 21};
    const ClassBreaks breaks = natural_breaks(values, 3);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{1, 3, 12, 22}));
    EXPECT_DOUBLE_EQ(within_class_ssd(values, breaks), 6.0);
}

TEST(NaturalBreaks, TwoClassesOfASkewedSetByHand)
{
    // {1, 2, 4, 5, 100}: splitting before 100 leaves SSD of {1,2,4,5} = 10 (mean 3: 4+1+1+4);
    // any other split keeps 100 with a small value and costs more than 2000.
    const std::vector<double> values{5, 100, 1, 4, 2};
    const ClassBreaks breaks = natural_breaks(values, 2);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{1, 5, 100}));
    EXPECT_DOUBLE_EQ(within_class_ssd(values, breaks), 10.0);
}

TEST(NaturalBreaks, FourClassesByHand)
{
    // Gaps of 10 between pairs: the optimum pairs them up, SSD = 4 × 0.5 = 2.
    const std::vector<double> values{0, 1, 11, 12, 22, 23, 33, 34};
    const ClassBreaks breaks = natural_breaks(values, 4);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{0, 1, 12, 23, 34}));
    EXPECT_DOUBLE_EQ(within_class_ssd(values, breaks), 2.0);
}

TEST(NaturalBreaks, MatchesExhaustiveSearchOnRandomSets)
{
    std::mt19937 random(20261201);
    std::lognormal_distribution<double> skewed(3.0, 1.2);
    for (int trial = 0; trial < 60; ++trial) {
        const std::size_t n = 6 + static_cast<std::size_t>(trial % 9);
        std::vector<double> values(n);
        for (auto& value : values) {
            value = std::round(skewed(random));
        }
        for (int k = 2; k <= 5; ++k) {
            const ClassBreaks breaks = natural_breaks(values, k);
            EXPECT_NEAR(within_class_ssd(values, breaks), brute_force_best(values, k), 1e-6)
                << "trial " << trial << " k " << k;
        }
    }
}

TEST(NaturalBreaks, FewerDistinctValuesThanClassesGivesOneClassPerValue)
{
    // Two distinct values cannot fill five classes: {7, 7, 7} and {9}; the first class holds only
    // the minimum, so its upper bound equals bounds[0].
    const ClassBreaks breaks = natural_breaks({7, 7, 7, 9}, 5);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{7, 7, 9}));
    EXPECT_EQ(breaks.classes(), 2);
    EXPECT_EQ(breaks.class_of(7), 0);
    EXPECT_EQ(breaks.class_of(9), 1);
}

TEST(QuantileBreaks, EqualCountsByHand)
{
    // 12 values, 4 classes of 3: bounds are the 3rd, 6th and 9th sorted values.
    const ClassBreaks breaks = quantile_breaks({12, 1, 11, 2, 10, 3, 9, 4, 8, 5, 7, 6}, 4);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{1, 3, 6, 9, 12}));
    EXPECT_EQ(breaks.class_of(1), 0);
    EXPECT_EQ(breaks.class_of(3), 0);
    EXPECT_EQ(breaks.class_of(3.5), 1);
    EXPECT_EQ(breaks.class_of(12), 3);
}

TEST(EqualIntervalBreaks, SplitsTheRangeEvenly)
{
    const ClassBreaks breaks = equal_interval_breaks({0, 3, 100, 50}, 4);
    EXPECT_EQ(breaks.bounds, (std::vector<double>{0, 25, 50, 75, 100}));
    EXPECT_EQ(breaks.class_of(25), 0);
    EXPECT_EQ(breaks.class_of(25.01), 1);
}

TEST(ManualBreaks, ClosedByTheDataRange)
{
    const ClassBreaks breaks = manual_breaks({3, 40, 1200}, {10, 100, 1000});
    EXPECT_EQ(breaks.bounds, (std::vector<double>{3, 10, 100, 1000, 1200}));
    EXPECT_EQ(breaks.class_of(1000), 2);
    EXPECT_EQ(breaks.class_of(1001), 3);
}

TEST(ClassLabels, ThousandsSeparatorsAndDistinctBounds)
{
    EXPECT_EQ(class_labels(ClassBreaks{{120, 1450, 25000}}, true),
        (std::vector<std::string>{"120 \u2013 1,450", "1,450 \u2013 25,000"}));
    EXPECT_EQ(class_labels(ClassBreaks{{0.1, 0.15, 0.3}}, false),
        (std::vector<std::string>{"0.10 \u2013 0.15", "0.15 \u2013 0.30"}));
    EXPECT_EQ(format_number(-1234567.0, 0), "-1,234,567");
}

TEST(ClassLabels, TiedQuantileBoundsKeepTheDataPrecisionAndReadAsOneValue)
{
    // Quantiles of tied counts repeat a bound; that must not push the labels to six decimals, and a
    // class of one value reads as that value.
    EXPECT_EQ(class_labels(ClassBreaks{{0, 13, 13, 32}}, true),
        (std::vector<std::string>{"0 – 13", "13", "13 – 32"}));
    EXPECT_EQ(class_labels(ClassBreaks{{0, 0, 26219.7}}, false),
        (std::vector<std::string>{"0", "0 – 26,220"}));
    EXPECT_EQ(class_labels(ClassBreaks{{0, 0}}, true), (std::vector<std::string>{"0"}));
}
