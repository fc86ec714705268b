#include "common/stopwatch.hpp"

#include <gtest/gtest.h>

// No timed assertions (STYLE.md): only that the reading is a monotonic, non-negative duration
// and that restart() starts it again from the present.
TEST(Stopwatch, ReadingsNeverDecreaseUntilRestart)
{
    migratlas::Stopwatch stopwatch;
    const double first = stopwatch.seconds();
    const double second = stopwatch.seconds();
    EXPECT_GE(first, 0.0);
    EXPECT_GE(second, first);
    migratlas::Stopwatch later;
    stopwatch.restart();
    const double since_restart = stopwatch.seconds();
    const double since_later = later.seconds();  // read after: later started before the restart
    EXPECT_LE(since_restart, since_later);
}
