#include "pipeline/build_steps.hpp"

#include "common/error.hpp"
#include "common/stopwatch.hpp"
#include "border/border_run.hpp"
#include "demo/demo_generator.hpp"
#include "disclose/gate.hpp"
#include "flows/flows_run.hpp"
#include "flows/od_table.hpp"
#include "geo/geography_import.hpp"
#include "publish/export_run.hpp"
#include "tiles/tiles_run.hpp"
#include "records/link_run.hpp"
#include "render/render_run.hpp"
#include "survey/calibrate_run.hpp"
#include "survey/calibrator.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <sys/stat.h>

#include <array>
#include <fstream>

namespace migratlas::pipeline {

namespace {

namespace fs = std::filesystem;

std::string in_quotes(const fs::path& path) { return "'" + path.string() + "'"; }

/// A file of the stage that the user did not name goes to OUT/internal (never published).
fs::path internal_file(StepSettings& settings, const std::string& key, const OutLayout& out, const char* name)
{
    const fs::path given = settings.path(key);
    return given.empty() ? out.internal() / name : given;
}

/// The pseudonymisation key: 32 random bytes, readable by the owner only, kept in OUT/internal.
void write_new_key(const fs::path& path)
{
    std::array<unsigned char, 32> key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw DataError("could not draw a random pseudonymisation key (OpenSSL RAND_bytes failed)");
    }
    fs::create_directories(path.parent_path());
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(key.data()), static_cast<std::streamsize>(key.size()));
        if (!file) {
            throw InputError("cannot write the pseudonymisation key " + in_quotes(path));
        }
    }
    ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
}

Step geo_import_step(StepSettings& s, const OutLayout& out)
{
    geo::GeoRequest request;
    request.source = s.path("source").string();
    if (request.source.empty()) {
        throw UsageError(s.pos().to_string() + ": step 'geo_import' needs `source` (any OGR source)");
    }
    geo::FieldMapping& m = request.options.mapping;
    m.layer = s.text("layer");
    m.where = s.text("where");
    m.code_field = s.text("code_field");
    m.name_field = s.text("name_field");
    m.parent_field = s.text("parent_field");
    if (const auto level = s.integer("level")) {
        m.level = static_cast<int>(*level);
    }
    m.level_field = s.text("level_field");
    m.parent_code = s.text("parent_code");
    m.code_prefix = s.text("code_prefix");
    if (const auto length = s.integer("parent_code_length")) {
        m.parent_code_length = static_cast<int>(*length);
    }
    m.assume_srs = s.text("assume_srs");
    const std::string conflict = s.text("name_conflict", "error");
    if (conflict != "error" && conflict != "keep-largest") {
        throw SettingError("name_conflict", "must be 'error' or 'keep-largest', got '" + conflict + "'");
    }
    request.options.name_conflict = conflict == "error" ? geo::NameConflict::error : geo::NameConflict::keep_largest;
    request.options.tolerance_km2 = s.number("tolerance_km2").value_or(1.0);
    request.workspace = out.workspace();
    Step step{"geo_import", s.pos(), {}, {}};
    step.run = [request](Diagnostics& diagnostics, Progress& progress) {
        const geo::CheckReport report = geo::run_import(request, diagnostics, progress);
        if (!report.written) {
            throw DataError("geo_import of " + in_quotes(request.source) + " found errors; nothing was imported (see the diagnostics)");
        }
        StepReport r;
        r.rows_in = report.features_read;
        r.rejected = report.rejected;
        r.accepted = report.features_read - report.rejected;
        r.detail = fmt::format("{} features of {} -> {} units, {} repaired", report.features_read,
            report.layer.empty() ? request.source : report.layer, report.units, report.invalid_repaired);
        r.outputs = {request.workspace};
        return r;
    };
    return step;
}

Step link_step(StepSettings& s, const OutLayout& out)
{
    records::LinkRequest request;
    request.crossings = s.path("crossings");
    request.params = s.path("params");
    request.points = s.path("points");
    for (const char* name : {"observation_start", "observation_end", "reference_utc_offset", "window_months", "min_days"}) {
        if (const std::string value = s.text(name); !value.empty()) {
            request.parameter_overrides[name] = value;
        }
    }
    request.key_file = s.path("key_file");
    const bool new_key = request.key_file.empty();
    if (new_key) {
        request.key_file = out.internal() / "hmac.key";
    }
    request.events_csv = internal_file(s, "events_csv", out, "events.csv");
    request.rejects_csv = internal_file(s, "rejects_csv", out, "rejects.csv");
    request.duplicates_csv = internal_file(s, "duplicates_csv", out, "duplicates.csv");
    request.memory_budget = s.text("memory_budget", request.memory_budget);
    request.snap_km = s.number("snap_km").value_or(request.snap_km);
    request.workspace = out.workspace();
    if (request.crossings.empty() || request.params.empty()) {
        throw UsageError(s.pos().to_string() + ": step 'link' needs `crossings` (CSV) and `params` (params.txt)");
    }
    Step step{"link", s.pos(), {}, {}};
    step.run = [request, new_key](Diagnostics& diagnostics, Progress& progress) {
        if (new_key) {
            write_new_key(request.key_file);
        }
        fs::create_directories(request.events_csv.parent_path());
        const records::LinkOutcome outcome = records::run_link(request, diagnostics, progress);
        const records::LinkCounts& c = outcome.counts;
        StepReport r;
        r.rows_in = c.rows_read;
        r.accepted = c.events;
        r.rejected = c.rejected_total();
        r.duplicates = c.duplicates_total();
        r.detail = fmt::format("{} crossings -> {} events of {} persons; {} rejected, {} duplicates", c.rows_read, c.events,
            c.persons, r.rejected, r.duplicates);
        r.outputs = {request.workspace, request.events_csv, request.rejects_csv, request.duplicates_csv};
        return r;
    };
    return step;
}

void read_bounds(StepSettings& s, survey::CalibrationOptions& options)
{
    const auto bounds = s.list("bounds");
    if (bounds.empty()) {
        return;
    }
    if (bounds.size() != 2) {
        throw SettingError("bounds", "must be two numbers L,U");
    }
    try {
        options.lower = std::stod(bounds[0]);
        options.upper = std::stod(bounds[1]);
    } catch (const std::exception&) {
        throw SettingError("bounds", "must be two numbers L,U, got '" + bounds[0] + "," + bounds[1] + "'");
    }
}

std::optional<survey::EstimateSpec> read_estimate(StepSettings& s, const OutLayout& out)
{
    survey::EstimateSpec spec;
    spec.variable = s.text("estimate");
    spec.by = s.text("by");
    spec.strata = s.text("strata");
    spec.psu = s.text("psu");
    spec.options.mean = s.flag("mean").value_or(false);
    spec.options.cv_caution = s.number("cv_caution").value_or(spec.options.cv_caution);
    spec.options.cv_suppress = s.number("cv_suppress").value_or(spec.options.cv_suppress);
    spec.out = internal_file(s, "estimates_out", out, "estimates.csv");
    if (spec.variable.empty()) {
        return std::nullopt;
    }
    return spec;
}

Step calibrate_step(StepSettings& s, const OutLayout& out)
{
    survey::CalibrateRequest request;
    request.survey = s.path("survey");
    request.controls = s.path("controls");
    request.options.method = survey::parse_calibration_method(s.text("method", "raking"));
    read_bounds(s, request.options);
    request.options.max_iter = static_cast<int>(s.integer("max_iter").value_or(request.options.max_iter));
    request.options.epsilon = s.number("epsilon").value_or(request.options.epsilon);
    request.id_column = s.text("id_column", request.id_column);
    request.weight_column = s.text("weight_column", request.weight_column);
    request.weights_out = internal_file(s, "weights_out", out, "weights.csv");
    request.estimate = read_estimate(s, out);
    request.workspace = out.workspace();
    if (request.survey.empty() || request.controls.empty()) {
        throw UsageError(s.pos().to_string() + ": step 'calibrate' needs `survey` and `controls` (CSV files)");
    }
    Step step{"calibrate", s.pos(), {}, {}};
    step.run = [request](Diagnostics& diagnostics, Progress& progress) {
        fs::create_directories(request.weights_out.parent_path());
        const survey::CalibrateOutcome outcome = survey::run_calibrate(request, diagnostics, progress);
        StepReport r;
        r.rows_in = outcome.rows_read;
        r.accepted = outcome.rows_read;
        r.detail = fmt::format("{} persons calibrated to {} margins in {} iterations (max deviation {:.1e}); {} estimates",
            outcome.rows_read, outcome.margins, outcome.result.iterations, outcome.result.max_rel_deviation,
            outcome.estimates.size());
        r.outputs = {request.workspace, request.weights_out};
        if (request.estimate) {
            r.outputs.push_back(request.estimate->out);
        }
        return r;
    };
    return step;
}


std::string comma_list(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : ",") + item;
    }
    return text;
}

Step flows_step(StepSettings& s, const OutLayout& out)
{
    flows::Request request;
    request.workspace = out.workspace();
    if (const auto level = s.integer("level")) {
        request.level = static_cast<int>(*level);
    }
    request.period = s.text("period");
    request.by = comma_list(s.list("by"));
    request.origin_by = s.text("origin_by", request.origin_by);
    const std::string od_columns = s.text("od_columns");
    const std::string od_type = s.text("od_type", "migration");
    for (const auto& path : s.list("od")) {
        const flows::OdColumns columns = od_columns.empty() ? flows::OdColumns{} : flows::parse_od_columns(od_columns);
        request.od.push_back({s.resolve(path), columns, od_type});
    }
    request.unknown_codes = s.text("unknown_codes", request.unknown_codes);
    request.population = s.path("population");
    request.shape = s.text("shape", request.shape);
    request.arc_bend = s.number("arc_bend").value_or(request.arc_bend);
    request.via_crossing = s.flag("via_crossing").value_or(false);
    if (const auto top = s.integer("top")) {
        request.top = *top;
    }
    Step step{"flows", s.pos(), {}, {}};  // not a product name
    step.run = [request](Diagnostics& diagnostics, Progress& progress) {
        const flows::Outcome outcome = flows::run(request, diagnostics, progress);
        StepReport r;
        r.accepted = outcome.flows;
        r.detail = fmt::format("{} ({}): {} flows, {} unit balances, {} corridors", outcome.source,
            outcome.period.empty() ? "every period" : outcome.period, outcome.flows, outcome.unit_flows, outcome.corridors);
        r.outputs = {request.workspace};
        return r;
    };
    return step;
}

Step border_step(StepSettings& s, const OutLayout& out)
{
    border::Request request;
    request.workspace = out.workspace();
    request.points = s.path("points");
    request.snap_km = s.number("snap_km").value_or(request.snap_km);
    request.counts = s.path("counts");
    request.unknown_codes = s.text("unknown_codes", request.unknown_codes);
    request.period = s.text("period");
    request.buffer_km = s.number("buffer_km").value_or(request.buffer_km);
    request.population = s.path("population");
    request.migrants_variable = s.text("migrants_variable", request.migrants_variable);
    request.controls_out = s.path("controls_out");
    request.controls_by = s.text("controls_by", request.controls_by);
    Step step{"border", s.pos(), {}, {}};
    step.run = [request](Diagnostics& diagnostics, Progress& progress) {
        if (!request.controls_out.empty()) {
            fs::create_directories(request.controls_out.parent_path());
        }
        const border::Outcome outcome = border::run(request, diagnostics, progress);
        StepReport r;
        r.accepted = outcome.points;
        r.detail = fmt::format("{} ({}): {} crossing points ({} with crossings), {} border segments over {:.0f} km, {} units",
            outcome.source, outcome.period, outcome.points, outcome.points_with_crossings, outcome.segments, outcome.border_km,
            outcome.units);
        r.outputs = {request.workspace};
        if (!request.controls_out.empty()) {
            r.outputs.push_back(request.controls_out);
        }
        return r;
    };
    return step;
}

/// The disclosure settings shared by every step that publishes (export, tiles).
disclose::Request gate_request(StepSettings& s, const OutLayout& out, std::vector<std::string> products)
{
    disclose::Request gate;
    gate.workspace = out.workspace();
    gate.products = std::move(products);
    gate.threshold = s.integer("threshold").value_or(gate.threshold);
    if (const auto level = s.integer("protection_level")) {
        gate.protection_level = *level;
    }
    gate.suppress_zeros = s.flag("suppress_zeros").value_or(false);
    gate.cv_limit_pct = s.number("cv_limit").value_or(gate.cv_limit_pct);
    const std::string quality = s.text("quality_action", "withhold");
    if (quality != "withhold" && quality != "flag") {
        throw SettingError("quality_action", "must be withhold or flag, got '" + quality + "'");
    }
    gate.quality_action = quality == "flag" ? disclose::QualityAction::flag : disclose::QualityAction::withhold;
    const std::string cost = s.text("cost", "persons");
    if (cost != "persons" && cost != "cells") {
        throw SettingError("cost", "must be persons or cells, got '" + cost + "'");
    }
    gate.cost = cost == "cells" ? disclose::SuppressionCost::cells : disclose::SuppressionCost::persons;
    return gate;
}

Step export_step(StepSettings& s, const OutLayout& out, const Request& build)
{
    const auto layers = s.list("layers");
    if (layers.empty()) {
        throw UsageError(s.pos().to_string() + ": step 'export' needs `layers` (the products to publish)");
    }
    std::vector<publish::Request> requests;
    disclose::Request gate = gate_request(s, out, layers);
    gate.use_pattern_cache = build.disclosure_cache;
    const std::string pg_target = s.text("target");
    auto formats = s.list("formats");
    if (formats.empty()) {
        formats = {"csv"};
    }
    for (const auto& name : formats) {
        publish::Request request;
        request.gate = gate;
        request.format = publish::parse_format(name);
        request.target = name == "pg" ? pg_target : (out.published() / name).string();
        if (request.target.empty()) {
            throw SettingError("target", "format pg needs `target`, a PG: connection string");
        }
        requests.push_back(request);
    }
    Step step{"export", s.pos(), {}, {}};
    step.run = [requests, out](Diagnostics& diagnostics, Progress& progress) {
        StepReport r;
        std::size_t hidden = 0;
        for (const auto& request : requests) {
            fs::create_directories(out.published());
            const publish::Outcome outcome = publish::run(request, diagnostics, progress);
            r.accepted += outcome.rows;
            r.outputs.push_back(request.target.rfind("PG:", 0) == 0 ? fs::path(outcome.target_label) : fs::path(request.target));
            hidden = 0;
            for (const auto& report : outcome.reports) {
                hidden += static_cast<std::size_t>(report.summary.primary + report.summary.secondary +
                    report.summary.withheld_quality);
            }
        }
        r.detail = fmt::format("{} in {} format(s) through the disclosure gate (threshold {}); {} cells hidden in each",
            comma_list(requests.front().gate.products), requests.size(), requests.front().gate.threshold, hidden);
        return r;
    };
    return step;
}

Step tiles_step(StepSettings& s, const OutLayout& out, const Request& build)
{
    tiles::Request request;
    request.workspace = out.workspace();
    request.layers = s.list("layers");
    if (request.layers.empty()) {
        throw UsageError(s.pos().to_string() + ": step 'tiles' needs `layers` (the products to tile)");
    }
    request.name = s.text("name", "atlas");
    auto formats = s.list("formats");
    if (formats.empty()) {
        formats = {"pmtiles", "mbtiles"};
    }
    for (const auto& format : formats) {
        if (format != "pmtiles" && format != "mbtiles") {
            throw SettingError("formats", "each format is pmtiles or mbtiles, got '" + format + "'");
        }
        request.outputs.push_back(out.tiles() / (request.name + "." + format));
    }
    request.minzoom = static_cast<int>(s.integer("minzoom").value_or(request.minzoom));
    request.maxzoom = static_cast<int>(s.integer("maxzoom").value_or(request.maxzoom));
    request.max_tile_bytes = static_cast<std::uint64_t>(s.integer("max_tile_bytes").value_or(
        static_cast<long long>(request.max_tile_bytes)));
    request.attribution = s.text("attribution");
    request.description = s.text("description");
    request.threads = static_cast<int>(build.threads);
    request.disclosure_cache = build.disclosure_cache;
    Step step{"tiles", s.pos(), {}, {}};
    step.run = [request, out](Diagnostics& diagnostics, Progress& progress) {
        fs::create_directories(out.tiles());
        const tiles::Outcome outcome = tiles::run(request, diagnostics, progress);
        StepReport r;
        for (const auto& layer : outcome.layers) {
            r.rows_in += layer.features_read;
            r.accepted += layer.accepted;
            r.rejected += layer.rejected;
        }
        r.detail = fmt::format("{} through the disclosure gate, zoom {}-{}: {} tiles", comma_list(request.layers),
            request.minzoom, request.maxzoom, outcome.tiles);
        r.outputs = request.outputs;
        return r;
    };
    return step;
}

Step render_step(StepSettings& s, const OutLayout& out, const fs::path& atlas, const Request& build)
{
    render::Request request;
    request.atlas = atlas;
    request.out = out.atlas();
    request.pages = s.text("pages");
    const auto formats = s.list("formats");
    if (!formats.empty()) {
        request.png = request.pdf = false;
        for (const auto& format : formats) {
            if (format != "png" && format != "pdf") {
                throw SettingError("formats", "each format is png or pdf, got '" + format + "'");
            }
            (format == "png" ? request.png : request.pdf) = true;
        }
    }
    if (const auto dpi = s.integer("dpi")) {
        request.dpi = static_cast<int>(*dpi);
    }
    if (build.dpi) {
        request.dpi = build.dpi;
    }
    request.threads = static_cast<int>(build.threads);
    request.disclosure_cache = build.disclosure_cache;
    request.variables["demo"] = out.inputs().string();
    request.variables["out"] = out.root.string();
    Step step{"render", s.pos(), {}, {}};
    step.run = [request, out](Diagnostics& diagnostics, Progress& progress) {
        render::Request r = request;
        if (fs::exists(out.workspace())) {
            r.workspace = out.workspace();
        }
        const render::Outcome outcome = render::run(r, diagnostics, progress);
        StepReport report;
        report.accepted = outcome.pages.size();
        report.detail = fmt::format("{} of {} pages on {} threads{}", outcome.pages.size(), outcome.pages_in_atlas,
            outcome.threads, outcome.pdf.empty() ? "" : ", one PDF");
        report.outputs = {r.out};
        return report;
    };
    return step;
}

} // namespace

const std::vector<std::string>& step_kinds()
{
    static const std::vector<std::string> kinds{"geo_import", "link", "calibrate", "flows", "border", "export", "render", "tiles"};  // not a product name
    return kinds;
}

Step parse_step(const std::string& kind, StepSettings& settings, const OutLayout& out, const fs::path& atlas,
    const Request& request)
{
    Step step;
    if (kind == "geo_import") {
        step = geo_import_step(settings, out);
    } else if (kind == "link") {
        step = link_step(settings, out);
    } else if (kind == "calibrate") {
        step = calibrate_step(settings, out);
    } else if (kind == "flows") {  // not a product name
        step = flows_step(settings, out);
    } else if (kind == "border") {
        step = border_step(settings, out);
    } else if (kind == "export") {
        step = export_step(settings, out, request);
    } else if (kind == "render") {
        step = render_step(settings, out, atlas, request);
    } else if (kind == "tiles") {
        step = tiles_step(settings, out, request);
    } else {
        std::string known;
        for (const auto& name : step_kinds()) {
            known += (known.empty() ? "" : ", ") + name;
        }
        throw UsageError(settings.pos().to_string() + ": unknown step '" + kind + "' (steps: " + known + ")");
    }
    settings.finish();
    step.origins = settings.origins();
    if (kind == "render" && request.dpi) {
        step.origins.set("dpi", "--dpi");
    }
    return step;
}

Step demo_step(StepSettings& s, const OutLayout& out, const Request& build)
{
    demo::DemoRequest request;
    request.out_dir = out.inputs();
    request.seed = static_cast<std::uint64_t>(s.integer("seed").value_or(1));
    request.scale = demo::parse_scale(s.text("scale", "small"));
    if (const auto persons = s.integer("persons")) {
        request.persons = static_cast<std::uint64_t>(*persons);
    }
    s.finish();
    if (build.demo_seed) {
        request.seed = *build.demo_seed;
    }
    if (!build.demo_scale.empty()) {
        request.scale = demo::parse_scale(build.demo_scale);
    }
    Step step{"demo", s.pos(), s.origins(), {}};
    step.run = [request](Diagnostics& diagnostics, Progress& progress) {
        const demo::DemoOutcome outcome = demo::run(request, diagnostics, progress);
        StepReport r;
        r.accepted = outcome.crossings.rows;
        r.detail = fmt::format("demo region (seed {}, scale {}): {} + {} + {} units, {} crossing points, {} crossing rows, "
            "{} survey persons", request.seed, demo::scale_name(request.scale), outcome.level1_units, outcome.level2_units,
            outcome.level3_units, outcome.land_points + outcome.airports, outcome.crossings.rows, outcome.survey_persons);
        r.outputs = {request.out_dir};
        return r;
    };
    return step;
}

} // namespace migratlas::pipeline
