// Shared helpers for the geo tests: fixture paths, running the CLI, and a quiet Progress.
// Real-data helpers skip (GTEST_SKIP) when ../shared/realdata is absent.
#pragma once

#include "cli_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace migratlas::test {

inline std::string geo_fixture(const std::string& name)
{
    return (std::filesystem::path(MIGRATLAS_FIXTURES_DIR) / "geo" / name).string();
}

inline std::filesystem::path realdata_boundaries()
{
    return std::filesystem::path(MIGRATLAS_SHARED_DIR) / "realdata" / "boundaries";
}

} // namespace migratlas::test
