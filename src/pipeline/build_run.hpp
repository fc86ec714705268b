// `migratlas build ATLAS.yaml`: the whole chain an atlas file declares — the demo region when it
// has `demo:`, then the steps of its `build:` section in order (geography import, linkage,
// calibration, ...), then the atlas pages — into one output folder, with a run summary per step.
// Each step calls the same stage `run` function as its command; settings are named as the stage
// names them, and every error says where in the atlas file the setting was written.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::pipeline {

struct Request {
    std::filesystem::path atlas;      ///< the atlas file
    std::filesystem::path out;        ///< output folder: absent, empty, or a previous build's (replaced)
    std::optional<int> dpi;           ///< overrides the atlas file's dpi for the pages
    unsigned threads = 0;             ///< 0 = every core
    std::optional<std::uint64_t> demo_seed;  ///< override the atlas file's demo: seed
    std::string demo_scale;                  ///< override the atlas file's demo: scale (small, medium, large)
    /// The disclosure gate's pattern cache beside the workspace (disclose::Request::use_pattern_cache).
    bool disclosure_cache = true;
};

/// What one step did. Counts reconcile: rows_in = accepted + rejected + duplicates where the step
/// reads rows (steps that only write have rows_in 0).
struct StepReport {
    std::string step;                 ///< "demo", "geo_import", "link", ...
    std::string detail;               ///< one line: what it read and wrote
    std::uint64_t rows_in = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    double seconds = 0;
    std::vector<std::filesystem::path> outputs;
};

struct Outcome {
    std::vector<StepReport> steps;
    std::filesystem::path summary;    ///< OUT/build-summary.json
    double seconds = 0;
};

/// Called after each step that succeeded (the CLI prints a line per step as it goes).
using StepObserver = std::function<void(const StepReport&, std::size_t index, std::size_t count)>;

/// Parses the whole atlas file (the render part and the build section) before running anything,
/// so a typo fails in milliseconds. A failing step stops the build: OUT keeps the steps that
/// succeeded and a build-summary.json with status "failed", and the error names the step.
[[nodiscard]] Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress,
    const StepObserver& observer = {});

/// The output folder's layout (docs/user-guide.md, "migratlas build").
struct OutLayout {
    std::filesystem::path root;
    [[nodiscard]] std::filesystem::path inputs() const { return root / "inputs"; }
    [[nodiscard]] std::filesystem::path workspace() const { return root / "workspace.gpkg"; }
    [[nodiscard]] std::filesystem::path internal() const { return root / "internal"; }
    [[nodiscard]] std::filesystem::path published() const { return root / "published"; }
    [[nodiscard]] std::filesystem::path atlas() const { return root / "atlas"; }
    [[nodiscard]] std::filesystem::path tiles() const { return root / "tiles"; }
    [[nodiscard]] std::filesystem::path summary() const { return root / "build-summary.json"; }
};

} // namespace migratlas::pipeline
