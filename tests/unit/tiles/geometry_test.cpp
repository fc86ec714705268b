// Placeholder replaced below by the real suites.
#include <gtest/gtest.h>
TEST(Tiles, Builds) { SUCCEED(); }
