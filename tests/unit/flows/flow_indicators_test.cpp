#include "flows/flow_indicators.hpp"

#include <gtest/gtest.h>

using namespace migratlas::flows;

// A three-member system checked by hand (docs/methods/flows-indicators.md, "worked example"):
// A→B 30, B→A 10, A→C 20, C→B 40 (C→A and B→C empty); residents A 1000, B 2000, C 1000.

TEST(UnitIndicators, NetTurnoverEffectivenessAndRates)
{
    const UnitIndicators a = unit_indicators(10, 50, 1000.0);
    EXPECT_DOUBLE_EQ(a.net, -40);
    EXPECT_DOUBLE_EQ(a.gross, 60);
    EXPECT_NEAR(*a.mei_pct, -66.6666667, 1e-6);
    EXPECT_DOUBLE_EQ(*a.in_rate, 10);
    EXPECT_DOUBLE_EQ(*a.out_rate, 50);
    EXPECT_DOUBLE_EQ(*a.net_rate, -40);
    const UnitIndicators b = unit_indicators(70, 10, 2000.0);
    EXPECT_DOUBLE_EQ(*b.mei_pct, 75);
    EXPECT_DOUBLE_EQ(*b.in_rate, 35);
    EXPECT_DOUBLE_EQ(*b.net_rate, 30);
    const UnitIndicators idle = unit_indicators(0, 0, 0.0);
    EXPECT_FALSE(idle.mei_pct.has_value());  // 0/0 is not 0
    EXPECT_FALSE(idle.in_rate.has_value());  // no residents, no rate
    EXPECT_FALSE(unit_indicators(5, 1, std::nullopt).net_rate.has_value());
}

TEST(SystemIndicators, BellEtAl2002OnTheWorkedExample)
{
    const std::vector<double> flows = {30, 10, 20, 40};
    const std::vector<MemberFlows> members = {{10, 50, 1000.0}, {70, 10, 2000.0}, {20, 40, 1000.0}};
    const SystemIndicators s = system_indicators(flows, 6, members);
    EXPECT_DOUBLE_EQ(s.total_flow, 100);
    EXPECT_EQ(s.members, 3U);
    EXPECT_EQ(s.nonzero_pairs, 4U);
    EXPECT_DOUBLE_EQ(*s.population, 4000);
    EXPECT_DOUBLE_EQ(*s.cmi_pct, 2.5);        // 100 · 100 / 4000
    EXPECT_DOUBLE_EQ(*s.mei_pct, 60);         // 100 · (40 + 60 + 20) / (60 + 80 + 60)
    EXPECT_DOUBLE_EQ(*s.anmr_pct, 1.5);       // 100 · 60 / 4000
    EXPECT_DOUBLE_EQ(*s.anmr_pct, *s.cmi_pct * *s.mei_pct / 100);  // Bell et al.'s identity ANMR = CMI · MEI
    EXPECT_NEAR(*s.connectivity, 4.0 / 6.0, 1e-12);
    EXPECT_NEAR(*s.gini, 0.6, 1e-12);         // Σ|xa − xb| = 600 over 0,0,10,20,30,40; 600 / (2 · 5 · 100)
    EXPECT_NEAR(*s.inequality, 0.4, 1e-12);   // ½ (2·16.67 + 6.67 + 3.33 + 13.33 + 23.33) / 100
}

TEST(SystemIndicators, GiniBoundsAndMissingPopulation)
{
    EXPECT_NEAR(*flow_gini({7}, 12), 1.0, 1e-12);           // everything in one flow
    EXPECT_NEAR(*flow_gini({5, 5, 5, 5}, 4), 0.0, 1e-12);   // equal flows on every pair
    EXPECT_FALSE(flow_gini({}, 6).has_value());
    const SystemIndicators s = system_indicators({5}, 2, {{0, 5, std::nullopt}, {5, 0, std::nullopt}});
    EXPECT_FALSE(s.cmi_pct.has_value());
    EXPECT_FALSE(s.anmr_pct.has_value());
    EXPECT_DOUBLE_EQ(*s.mei_pct, 100);
    EXPECT_THROW((void)system_indicators({1, 2, 3}, 2, {}), std::invalid_argument);
}
