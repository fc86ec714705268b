#include "pipeline/build_run.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "common/stopwatch.hpp"
#include "common/version.hpp"
#include "disclose/gate.hpp"
#include "disclose/pattern_cache.hpp"
#include "pipeline/build_steps.hpp"
#include "render/atlas_parser.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace migratlas::pipeline {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

SourcePos position(const std::string& file, const YAML::Node& node)
{
    const auto mark = node.Mark();
    if (mark.is_null()) {
        return {file, 0, 0};
    }
    return {file, static_cast<std::uint64_t>(mark.line) + 1, static_cast<unsigned>(mark.column) + 1};
}

YAML::Node load_atlas(const fs::path& atlas)
{
    if (!fs::is_regular_file(atlas)) {
        throw UsageError("atlas file '" + atlas.string() + "' does not exist");
    }
    try {
        return YAML::LoadFile(atlas.string());
    } catch (const YAML::Exception& e) {
        throw UsageError(atlas.string() + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
            ": " + e.msg);
    }
}

/// OUT must be new, empty, or a previous build (which is replaced): never someone's other files.
/// The gate's pattern cache beside the workspace stays: its entries are keyed by the cells and
/// rules they were computed from, so a rebuild from the same inputs loads them and others are
/// never found.
void prepare_out(const OutLayout& out)
{
    if (fs::exists(out.root)) {
        if (!fs::is_directory(out.root)) {
            throw SettingError("out", "'" + out.root.string() + "' exists and is not a folder");
        }
        const bool empty = fs::is_empty(out.root);
        if (!empty && !fs::exists(out.summary())) {
            throw SettingError("out", "'" + out.root.string() + "' is not empty and holds no build-summary.json, so it is "
                "not a previous build to replace; choose another folder or empty it");
        }
        const fs::path pattern_cache = disclose::PatternCache::beside(out.workspace());
        for (const auto& entry : fs::directory_iterator(out.root)) {
            if (entry.path() != pattern_cache) {
                fs::remove_all(entry.path());
            }
        }
    }
    fs::create_directories(out.internal());
}

/// Re-raises a stage's SettingError with where the atlas file set it (or the step, for a default).
[[noreturn]] void place_setting_error(const SettingError& e, const Step& step)
{
    const std::string origin = step.origins.origin(e.setting());
    const std::string setting = "(setting " + e.setting() + " of step '" + step.kind + "')";
    if (origin.rfind("--", 0) == 0) {
        throw UsageError(e.message() + " " + setting + ", set by " + origin);
    }
    throw UsageError((origin.empty() ? step.pos.to_string() : origin) + ": " + e.message() + " " + setting);
}

/// The same kind of error (same exit code), with the step it happened in.
[[noreturn]] void rethrow_in_step(const std::exception& e, const Step& step, std::size_t index, std::size_t count)
{
    if (const auto* setting = dynamic_cast<const SettingError*>(&e)) {
        place_setting_error(*setting, step);
    }
    const std::string where = "step " + std::to_string(index + 1) + "/" + std::to_string(count) + " '" + step.kind + "' (" +
        step.pos.to_string() + "): ";
    if (dynamic_cast<const UsageError*>(&e) != nullptr) {
        throw UsageError(where + e.what());
    }
    if (dynamic_cast<const InputError*>(&e) != nullptr) {
        throw InputError(where + e.what());
    }
    if (dynamic_cast<const DataError*>(&e) != nullptr) {
        throw DataError(where + e.what());
    }
    throw;
}

/// Each step judges only its own rejects; the build's diagnostics get all of them.
StepReport run_step(Step& step, Diagnostics& step_diagnostics, Diagnostics& build_diagnostics, Progress& progress)
{
    StepReport report = step.run(step_diagnostics, progress);
    build_diagnostics.merge(step_diagnostics);
    return report;
}

struct Plan {
    std::vector<Step> steps;
};

Plan plan_build(const YAML::Node& root, const Request& request, const OutLayout& out)
{
    const std::string file = request.atlas.string();
    PathContext paths;
    paths.atlas_dir = request.atlas.parent_path();
    paths.variables["out"] = out.root.string();
    Plan plan;
    if (!root["demo"] && (request.demo_seed || !request.demo_scale.empty())) {
        throw UsageError(file + ": --demo-seed and --demo-scale need a `demo:` section in the atlas file");
    }
    if (root["demo"]) {
        paths.variables["demo"] = out.inputs().string();
        StepSettings settings(root["demo"], "demo", file, paths);
        plan.steps.push_back(demo_step(settings, out, request));
    }
    bool rendered = false;
    const YAML::Node build = root["build"];
    if (build) {
        if (!build.IsMap()) {
            throw UsageError(position(file, build).to_string() + ": `build` must be a mapping with `steps:` (a list)");
        }
        for (const auto& entry : build) {
            if (entry.first.as<std::string>() != "steps") {
                throw UsageError(position(file, entry.first).to_string() + ": unknown key '" + entry.first.as<std::string>() +
                    "' in build (known: steps)");
            }
        }
        for (const auto& item : build["steps"]) {
            if (!item.IsMap() || item.size() != 1) {
                throw UsageError(position(file, item).to_string() + ": each step is `- NAME: {settings}`");
            }
            const auto kind = item.begin()->first.as<std::string>();
            StepSettings settings(item.begin()->second, kind, file, paths);
            try {
                plan.steps.push_back(parse_step(kind, settings, out, request.atlas, request));
            } catch (const SettingError& e) {
                place_setting_error(e, Step{kind, settings.pos(), settings.origins(), {}});
            }
            rendered = rendered || kind == "render";
        }
    }
    if (!rendered && root["pages"]) {
        StepSettings settings(YAML::Node(YAML::NodeType::Map), "render", file, paths);
        plan.steps.push_back(parse_step("render", settings, out, request.atlas, request));
    }
    return plan;
}

Json step_json(const StepReport& report, const OutLayout& out, const std::string& status)
{
    Json outputs = Json::array();
    for (const auto& path : report.outputs) {
        outputs.push_back(path.lexically_relative(out.root).string());
    }
    return Json{{"step", report.step}, {"status", status}, {"rows_in", report.rows_in}, {"accepted", report.accepted},
        {"rejected", report.rejected}, {"duplicates", report.duplicates}, {"seconds", report.seconds},
        {"detail", report.detail}, {"outputs", outputs}};
}

void write_summary(const Request& request, const OutLayout& out, const std::vector<StepReport>& done,
    const std::string& failed_step, const std::string& error, double seconds)
{
    Json steps = Json::array();
    for (const auto& report : done) {
        steps.push_back(step_json(report, out, "ok"));
    }
    if (!failed_step.empty()) {
        steps.push_back(Json{{"step", failed_step}, {"status", "failed"}, {"error", error}});
    }
    const Json summary{{"format", "migratlas-build/1"}, {"migratlas", version_string},
        {"atlas", fs::absolute(request.atlas).lexically_normal().string()}, {"status", failed_step.empty() ? "ok" : "failed"},
        {"seconds", seconds}, {"steps", steps}};
    write_file_atomically(out.summary(), summary.dump(2) + "\n");
}

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress, const StepObserver& observer)
{
    const Stopwatch total;
    const YAML::Node root = load_atlas(request.atlas);
    const OutLayout out{fs::absolute(request.out).lexically_normal()};
    // The render part is checked before anything runs: a typo in a page must not cost a whole link.
    (void)render::parse_atlas_file(request.atlas);
    Plan plan = plan_build(root, request, out);
    prepare_out(out);
    // Export (once per format), render and tiles publish the same products from the same
    // workspace: each is protected once, and the later steps get the same layers from memory.
    const disclose::MemoScope gate_memo;
    Outcome outcome;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        Step& step = plan.steps[i];
        const Stopwatch watch;
        Diagnostics step_diagnostics(diagnostics.strict());
        try {
            StepReport report = run_step(step, step_diagnostics, diagnostics, progress);
            report.step = step.kind;
            report.seconds = watch.seconds();
            outcome.steps.push_back(report);
            if (observer) {
                observer(outcome.steps.back(), i, plan.steps.size());
            }
        } catch (const std::exception& e) {
            diagnostics.merge(step_diagnostics);
            write_summary(request, out, outcome.steps, step.kind, e.what(), total.seconds());
            rethrow_in_step(e, step, i, plan.steps.size());
        }
    }
    outcome.seconds = total.seconds();
    write_summary(request, out, outcome.steps, "", "", outcome.seconds);
    outcome.summary = out.summary();
    return outcome;
}

} // namespace migratlas::pipeline
