// The steps of a `build:` section: each parses its settings (by the stage's setting names) into
// the stage's Request when the atlas file is read, and runs the stage later.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "pipeline/build_run.hpp"
#include "pipeline/step_settings.hpp"

#include <functional>
#include <string>
#include <vector>

namespace migratlas::pipeline {

struct Step {
    std::string kind;
    SourcePos pos;             ///< the step's entry in the atlas file
    SettingOrigins origins;    ///< where each of its settings was written
    std::function<StepReport(Diagnostics&, Progress&)> run;
};

/// The names `- NAME: {...}` a build section accepts, in pipeline order.
[[nodiscard]] const std::vector<std::string>& step_kinds();

/// One step from its settings; throws UsageError (with the YAML position) on an unknown step or
/// setting and on a value of the wrong type. Range checks are the stage's, when it runs.
[[nodiscard]] Step parse_step(const std::string& kind, StepSettings& settings, const OutLayout& out,
    const std::filesystem::path& atlas, const Request& request);

/// The demo region of `demo: {seed, scale}` written to OUT/inputs.
[[nodiscard]] Step demo_step(StepSettings& settings, const OutLayout& out, const Request& build);

} // namespace migratlas::pipeline
