// Shared helpers for the geo tests: fixture paths, running the CLI, and a quiet Progress.
// Real-data helpers skip (GTEST_SKIP) when ../shared/realdata is absent.
#pragma once

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

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs the built migratlas with `arguments` (already shell-quoted), capturing stdout and stderr.
inline CliRun run_cli(const std::filesystem::path& scratch, const std::string& arguments)
{
    const auto out = scratch / "cli.out";
    const auto err = scratch / "cli.err";
    const std::string command = std::string("'") + MIGRATLAS_BINARY + "' " + arguments + " >'" + out.string() +
        "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    auto slurp = [](const std::filesystem::path& p) {
        std::string text;
        if (FILE* f = std::fopen(p.c_str(), "rb")) {
            char buffer[4096];
            std::size_t n = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
                text.append(buffer, n);
            }
            std::fclose(f);
        }
        return text;
    };
    run.out = slurp(out);
    run.err = slurp(err);
    return run;
}

} // namespace migratlas::test
