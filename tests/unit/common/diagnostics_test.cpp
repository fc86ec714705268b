#include "common/diagnostics.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

using migratlas::Diagnostics;
using migratlas::SourcePos;

TEST(Diagnostics, CountsRejectsByReasonBeyondTheMessageCap)
{
    Diagnostics diagnostics(false, 2);
    for (int i = 0; i < 5; ++i) {
        diagnostics.reject("bad_timestamp", SourcePos{"x.csv", static_cast<std::uint64_t>(i + 2), 3}, "bad");
    }
    diagnostics.reject("bad_direction", SourcePos{"x.csv", 9, 4}, "bad");
    EXPECT_EQ(diagnostics.rejected(), 6U);
    EXPECT_EQ(diagnostics.reject_counts().at("bad_timestamp"), 5U);
    EXPECT_EQ(diagnostics.entries().size(), 3U);
    EXPECT_EQ(diagnostics.suppressed(), 3U);
}

TEST(Diagnostics, StrictModeMakesTheFirstRejectFatalWithTheSameMessage)
{
    Diagnostics diagnostics(true);
    try {
        diagnostics.reject("bad_direction", SourcePos{"c.csv", 417, 4}, "direction 'SALIDA' is not IN or OUT");
        FAIL();
    } catch (const migratlas::DataError& e) {
        EXPECT_NE(std::string(e.what()).find("c.csv:417:4: direction 'SALIDA'"), std::string::npos);
    }
}

TEST(Diagnostics, MessageReadsLikeCompilerOutput)
{
    migratlas::Diagnostic d{migratlas::Severity::error, "orphan", SourcePos{"units.gpkg", 0, 0}, "unit 'X' has no parent"};
    EXPECT_EQ(d.to_string(), "units.gpkg: error: unit 'X' has no parent [orphan]");
}
