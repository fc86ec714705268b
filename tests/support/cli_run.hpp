// Running the built migratlas executable from a test (MIGRATLAS_BINARY is set for every test
// target in tests/CMakeLists.txt), with its stdout and stderr captured.
#pragma once

#include "test_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>

namespace migratlas::test {

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// The whole file; empty when it cannot be read.
inline std::string slurp(const std::filesystem::path& path)
{
    return read_file(path);
}

/// Runs `migratlas ARGUMENTS` (already shell-quoted); `scratch` holds the captured output files.
/// A non-empty `cwd` is the working folder of the run.
inline CliRun run_cli(const std::filesystem::path& scratch, const std::string& arguments, const std::filesystem::path& cwd = {})
{
    const auto out = scratch / "cli.out";
    const auto err = scratch / "cli.err";
    const std::string command = (cwd.empty() ? std::string() : "cd '" + cwd.string() + "' && ") + "'" + MIGRATLAS_BINARY +
        "' " + arguments + " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

/// run_cli from `cwd`, capturing there.
inline CliRun run_in(const std::filesystem::path& cwd, const std::string& arguments)
{
    return run_cli(cwd, arguments, cwd);
}

} // namespace migratlas::test
