#include "common/error.hpp"
#include "flows/record_flows.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::flows;
using join::CrossingDirection;
using join::EventKind;

TEST(RecordFlowEnds, EveryKindDirectionAndPoint)
{
    const PointSides bridge{"XNA", "XOE", -70.3, 6.5};
    const PointSides airport{"XNA", "", -71.4, 4.1};
    struct Case {
        EventKind kind;
        CrossingDirection direction;
        const PointSides* point;
        OriginBy by;
        const char* type;
        const char* origin;
        const char* destination;
    };
    const Case cases[] = {
        {EventKind::immigrant_arrival, CrossingDirection::in, &bridge, OriginBy::nationality, "immigration", "BRA", "XNA-03"},
        {EventKind::immigrant_arrival, CrossingDirection::in, &bridge, OriginBy::crossing, "immigration", "XOE", "XNA-03"},
        // At an airport there is no country across: the nationality stands in.
        {EventKind::immigrant_arrival, CrossingDirection::in, &airport, OriginBy::crossing, "immigration", "BRA", "XNA-03"},
        {EventKind::emigrant_departure, CrossingDirection::out, &bridge, OriginBy::nationality, "emigration", "XNA-03", "XOE"},
        {EventKind::emigrant_departure, CrossingDirection::out, &airport, OriginBy::nationality, "emigration", "XNA-03", "unknown"},
        {EventKind::emigrant_departure, CrossingDirection::out, nullptr, OriginBy::nationality, "emigration", "XNA-03", "unknown"},
        {EventKind::visitor, CrossingDirection::in, &bridge, OriginBy::nationality, "visitor", "BRA", "XNA-03"},
        {EventKind::short_term, CrossingDirection::out, &bridge, OriginBy::nationality, "short_term", "XNA-03", "XOE"},
    };
    for (const Case& c : cases) {
        const auto ends = record_flow_ends(c.kind, c.direction, "BRA", c.point, "XNA-03", c.by);
        ASSERT_TRUE(ends.has_value()) << c.type;
        EXPECT_EQ(ends->flow_type, c.type);
        EXPECT_EQ(ends->origin, c.origin) << c.type;
        EXPECT_EQ(ends->destination, c.destination) << c.type;
    }
    // Not final, or no direction: no flow (counted by the stage).
    EXPECT_FALSE(record_flow_ends(EventKind::unresolved, CrossingDirection::in, "BRA", &bridge, "XNA-03", OriginBy::nationality));
    EXPECT_FALSE(record_flow_ends(EventKind::visitor, CrossingDirection::unknown, "BRA", &bridge, "XNA-03", OriginBy::nationality));
}

TEST(Breakdown, ParsesSubsetsAndRefusesOthers)
{
    const Breakdown by = parse_breakdown("nationality,sex");
    EXPECT_TRUE(by.sex);
    EXPECT_TRUE(by.nationality);
    EXPECT_FALSE(by.age_group);
    EXPECT_FALSE(parse_breakdown("").sex);
    EXPECT_THROW((void)parse_breakdown("sex,age"), SettingError);
}
