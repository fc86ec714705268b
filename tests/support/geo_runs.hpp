// Test helpers around geo::run_check / geo::run_import: one call that also returns the run's
// warnings and errors as text, and whether the source was usable (no error diagnostics).
#pragma once

#include "common/diagnostics.hpp"
#include "geo/geography_import.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::test {

struct GeoRun : geo::CheckReport {
    std::vector<std::string> warnings;
    std::vector<std::string> errors;
    [[nodiscard]] bool usable() const { return errors.empty(); }
};

inline GeoRun geo_run(const geo::CheckReport& report, const Diagnostics& diagnostics)
{
    GeoRun run;
    static_cast<geo::CheckReport&>(run) = report;
    for (const Diagnostic& d : diagnostics.entries()) {
        (d.severity == Severity::error ? run.errors : run.warnings).push_back(d.to_string());
    }
    return run;
}

inline GeoRun check_geography(const std::string& source, const geo::GeographyOptions& options,
    const std::optional<std::filesystem::path>& workspace, Progress& progress, bool strict = false)
{
    Diagnostics diagnostics(strict);
    const geo::GeoRequest request{source, options, workspace.value_or(std::filesystem::path())};
    const geo::CheckReport report = geo::run_check(request, diagnostics, progress);
    return geo_run(report, diagnostics);
}

/// A failed import (errors in the source) comes back with written = false and its errors.
inline GeoRun import_geography(const std::string& source, const geo::GeographyOptions& options,
    const std::filesystem::path& workspace, Progress& progress, bool strict = false)
{
    Diagnostics diagnostics(strict);
    const geo::GeoRequest request{source, options, workspace};
    return geo_run(geo::run_import(request, diagnostics, progress), diagnostics);
}

} // namespace migratlas::test
