#include "border/border_run.hpp"

#include "border/border_lines.hpp"
#include "border/border_segments.hpp"
#include "border/crossing_sources.hpp"
#include "border/point_tally.hpp"
#include "border/unit_border.hpp"
#include "common/error.hpp"
#include "common/output_file.hpp"
#include "common/product_metadata.hpp"
#include "common/products/border.hpp"
#include "common/products/records.hpp"
#include "common/products/survey.hpp"
#include "common/run_log.hpp"
#include "common/sha256.hpp"
#include "common/version.hpp"
#include "geo/unit_index.hpp"
#include "geo/unit_store.hpp"
#include "geo/wkb.hpp"
#include "join/population.hpp"
#include "join/workspace_inputs.hpp"
#include "records/crossing_point_units.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <set>

namespace migratlas::border {

namespace {

const std::string stage = "border";  // the run_log stage and command

enum class ControlsBy { month, quarter, year };

struct Settings {
    std::optional<join::MonthRange> period;
    join::UnknownCodes unknown_codes = join::UnknownCodes::fail;
    ControlsBy controls_by = ControlsBy::month;
};

Settings check_settings(const Request& request)
{
    Settings s;
    if (!(request.buffer_km > 0 && request.buffer_km <= 500)) {
        throw SettingError("buffer_km", fmt::format("must be above 0 and at most 500 km, got {}", request.buffer_km));
    }
    if (!(request.snap_km >= 0 && request.snap_km <= 50)) {
        throw SettingError("snap_km", fmt::format("must be between 0 and 50 km, got {}", request.snap_km));
    }
    if (!request.period.empty()) {
        s.period = join::parse_period_setting(request.period);
    }
    s.unknown_codes = join::parse_unknown_codes(request.unknown_codes);
    if (request.controls_by == "month") {
        s.controls_by = ControlsBy::month;
    } else if (request.controls_by == "quarter") {
        s.controls_by = ControlsBy::quarter;
    } else if (request.controls_by == "year") {
        s.controls_by = ControlsBy::year;
    } else {
        throw SettingError("controls_by", "must be month, quarter or year, got '" + request.controls_by + "'");
    }
    return s;
}

TableValue optional_real(const std::optional<double>& v)
{
    return v ? TableValue{*v} : TableValue{};
}

TableValue optional_text(const std::optional<std::string>& v)
{
    return v ? TableValue{*v} : TableValue{};
}

std::string range_label(const join::MonthRange& range, Granularity granularity)
{
    if (granularity == Granularity::year) {
        const int first = join::year_of(range.first), last = join::year_of(range.last);
        return first == last ? std::to_string(first) : fmt::format("{}/{}", first, last);
    }
    return range.label();
}

std::string period_label(join::MonthIndex period, Granularity granularity)
{
    return granularity == Granularity::year ? std::to_string(join::year_of(period)) : join::format_month(period);
}

/// Crossing points from --points (located in the workspace's units) or from the workspace.
std::vector<join::LocatedPoint> load_points(const Request& request, GDALDataset& dataset, Diagnostics& diagnostics,
    RunLog& log, std::vector<ProductMetadata::Source>& sources)
{
    std::vector<join::LocatedPoint> located;
    if (!request.points.empty()) {
        std::vector<records::CrossingPoint> points = records::read_crossing_points(request.points, diagnostics);
        records::locate_points(points, geo::UnitIndex::from_workspace(request.workspace), request.snap_km);
        for (const records::CrossingPoint& p : points) {
            located.push_back({p.point_id, p.name, p.lon, p.lat, p.country_iso3, p.border_with_iso3, p.unit_level2, p.unit_level3});
        }
        log.add_input("points", request.points.string());
        sources.push_back({"points", request.points.string(), file_sha256(request.points)});
        return located;
    }
    located = join::read_located_points(dataset);
    if (located.empty()) {
        throw InputError(request.workspace.string() + ": has no crossing points; give them with --points FILE "
            "(point_id,name,lon,lat,country_iso3,border_with_iso3) or run link with --points");
    }
    sources.push_back({"product:" + std::string(products::crossing_points.name), request.workspace.string(), ""});
    return located;
}

/// Indicators of every point, its series, seasonality and breakdowns.
struct PointProducts {
    Table indicators = products::crossing_point_indicators.make_table();
    Table series = products::crossing_point_series.make_table();
    Table seasonality = products::crossing_point_seasonality.make_table();
    Table breakdown = products::crossing_point_breakdown.make_table();
    std::map<std::string, PointIndicators> by_point;
};

PointProducts point_products(const std::vector<join::LocatedPoint>& points, const TallySet& tallies,
    const join::MonthRange& range, const std::map<std::string, std::string>& segment_of_point)
{
    PointProducts out;
    const PointTally empty;
    std::vector<std::pair<std::int64_t, std::string>> order;
    for (const join::LocatedPoint& p : points) {
        const auto it = tallies.points.find(p.point_id);
        const PointTally& tally = it == tallies.points.end() ? empty : it->second;
        out.by_point[p.point_id] = point_indicators(tally, range, tallies.granularity);
        if (tally.entries + tally.exits > 0) {
            order.emplace_back(-(tally.entries + tally.exits), p.point_id);
        }
    }
    std::sort(order.begin(), order.end());
    std::map<std::string, std::int64_t> rank;
    for (std::size_t i = 0; i < order.size(); ++i) {
        rank[order[i].second] = static_cast<std::int64_t>(i + 1);
    }
    const std::string label = range_label(range, tallies.granularity);
    for (const join::LocatedPoint& p : points) {
        const PointIndicators& ind = out.by_point[p.point_id];
        const auto seg = segment_of_point.find(p.point_id);
        std::vector<TableValue> row = {p.point_id, label, p.name, p.country_iso3, p.border_with_iso3, p.unit_level2,
            p.unit_level3, seg == segment_of_point.end() ? TableValue{} : TableValue{seg->second}, tallies.source,
            ind.entries, ind.exits, ind.entries + ind.exits, ind.entries - ind.exits,
            rank.count(p.point_id) ? TableValue{rank[p.point_id]} : TableValue{}};
        for (std::size_t k = 0; k < 5; ++k) {
            if (k < ind.leading_nationalities.size()) {
                row.emplace_back(ind.leading_nationalities[k].first);
                row.emplace_back(ind.leading_nationalities[k].second);
            } else {
                row.emplace_back();
                row.emplace_back();
            }
        }
        row.push_back(optional_real(ind.sex_ratio));
        row.push_back(optional_real(ind.children_share_pct));
        row.push_back(optional_real(ind.same_day_return_share_pct));
        row.push_back(ind.main_mode.empty() ? TableValue{} : TableValue{ind.main_mode});
        row.push_back(optional_real(ind.main_mode_share_pct));
        row.emplace_back(static_cast<std::int64_t>(ind.series_periods));
        row.emplace_back(ind.seasonal.status);
        const auto peak = ind.seasonal.peak_month();
        row.push_back(peak ? TableValue{std::int64_t{*peak}} : TableValue{});
        row.push_back(ind.trend ? TableValue{ind.trend->pct_per_year} : TableValue{});
        out.indicators.rows.push_back(std::move(row));
        out.indicators.geometry_wkb.push_back(geo::point_wkb({p.lon, p.lat}));

        const auto it = tallies.points.find(p.point_id);
        if (it == tallies.points.end()) {
            continue;
        }
        const PointTally& tally = it->second;
        const int step = tallies.granularity == Granularity::month ? 1 : 12;
        for (join::MonthIndex m = range.first; m <= range.last; m += step) {
            const auto s = tally.series.find(m);
            const std::int64_t in = s == tally.series.end() ? 0 : s->second[0];
            const std::int64_t outn = s == tally.series.end() ? 0 : s->second[1];
            out.series.rows.push_back({p.point_id, tallies.source, period_label(m, tallies.granularity), in, outn, in + outn});
        }
        if (ind.seasonal.index) {
            for (std::size_t m = 0; m < 12; ++m) {
                out.seasonality.rows.push_back({p.point_id, static_cast<std::int64_t>(m + 1), (*ind.seasonal.index)[m]});
            }
        }
        for (std::size_t d = 0; d < breakdown_dimensions.size(); ++d) {
            std::int64_t r = 0;
            for (const RankedCategory& c : ranked(tally.by[d])) {
                out.breakdown.rows.push_back({p.point_id, tallies.source, std::string(breakdown_dimensions[d]), c.category,
                    c.crossings, c.share_pct, ++r});
            }
        }
    }
    return out;
}

Table segments_table(const std::vector<Segment>& segments, const std::map<std::string, PointIndicators>& by_point)
{
    Table table = products::border_segments.make_table();
    for (const Segment& s : segments) {
        const PointIndicators* ind = nullptr;
        if (s.point_id) {
            const auto it = by_point.find(*s.point_id);
            ind = it == by_point.end() ? nullptr : &it->second;
        }
        const std::int64_t entries = ind ? ind->entries : 0, exits = ind ? ind->exits : 0;
        table.rows.push_back({s.segment_id, s.country_a, s.country_b, optional_text(s.point_id), s.length_km, entries,
            exits, entries + exits, entries - exits,
            s.length_km > 0 ? TableValue{static_cast<double>(entries + exits) / s.length_km} : TableValue{},
            ind ? optional_real(ind->children_share_pct) : TableValue{},
            ind ? optional_real(ind->same_day_return_share_pct) : TableValue{},
            ind && ind->trend ? TableValue{ind->trend->pct_per_year} : TableValue{}});
        table.geometry_wkb.push_back(geo::multilinestring_wkb(s.parts));
    }
    return table;
}

/// Controls for calibrating a border survey to the recorded crossings (docs/methods/flows-indicators.md).
std::string controls_text(const TallySet& tallies, const std::vector<join::LocatedPoint>& points, ControlsBy by,
    std::size_t& categories)
{
    const char* period_name = by == ControlsBy::month ? "month" : by == ControlsBy::quarter ? "quarter" : "year";
    std::map<std::string, std::int64_t> totals;
    for (const join::LocatedPoint& p : points) {
        if (p.border_with_iso3.empty()) {
            continue;  // border surveys are run at land crossings
        }
        const auto it = tallies.points.find(p.point_id);
        if (it == tallies.points.end()) {
            continue;
        }
        for (const auto& [m, in_out] : it->second.series) {
            const std::string period = by == ControlsBy::month ? join::format_month(m)
                : by == ControlsBy::quarter ? fmt::format("{}-Q{}", join::year_of(m), (join::calendar_month_of(m) - 1) / 3 + 1)
                                            : std::to_string(join::year_of(m));
            if (in_out[0] > 0) {
                totals[p.point_id + ":" + period + ":IN"] += in_out[0];
            }
            if (in_out[1] > 0) {
                totals[p.point_id + ":" + period + ":OUT"] += in_out[1];
            }
        }
    }
    std::string text = "margin,category,total\n";
    for (const auto& [category, total] : totals) {
        text += fmt::format("crossing_point:{}:direction,{},{}\n", period_name, category, total);
    }
    categories = totals.size();
    return text;
}

/// Border-survey totals whose domain is a crossing point, by point and by segment.
Table survey_estimates_table(GDALDataset& dataset, const std::vector<Segment>& segments,
    const std::set<std::string>& point_ids)
{
    Table table = products::border_survey_estimates.make_table();
    if (!workspace::has_product(dataset, products::estimates)) {
        return table;
    }
    const Table estimates = workspace::read_product(dataset, products::estimates);
    const ProductSpec& e = products::estimates;
    const std::size_t unit = e.column_index("unit_code"), variable = e.column_index("variable"),
                      statistic = e.column_index("statistic"), method = e.column_index("method"),
                      estimate = e.column_index("estimate"), se = e.column_index("se"), cv = e.column_index("cv"),
                      flag = e.column_index("flag"), n = e.column_index("n_sample");
    const auto text = [](const TableValue& v) {
        const auto* s = std::get_if<std::string>(&v);
        return s != nullptr ? *s : std::string();
    };
    // (variable, method) → point → the point's estimate, se, cv, flag and n_sample as stored.
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<TableValue>>> by_variable;
    for (const auto& row : estimates.rows) {
        if (text(row[statistic]) != "total" || point_ids.count(text(row[unit])) == 0) {
            continue;
        }
        std::vector<TableValue> values = {row[estimate], row[se], row[cv], row[flag], row[n]};
        table.rows.push_back({std::string("crossing_point"), text(row[unit]), text(row[variable]), text(row[method]),
            values[0], values[1], values[2], values[3], values[4]});
        by_variable[{text(row[variable]), text(row[method])}][text(row[unit])] = std::move(values);
    }
    // A segment has one point, so its total is the point's, with its SE, CV and flag.
    for (const auto& [key, points] : by_variable) {
        for (const Segment& s : segments) {
            if (!s.point_id || points.count(*s.point_id) == 0) {
                continue;
            }
            const std::vector<TableValue>& p = points.at(*s.point_id);
            table.rows.push_back({std::string("border_segment"), s.segment_id, key.first, key.second, p[0], p[1], p[2],
                p[3], p[4]});
        }
    }
    return table;
}

struct UnitTable {
    Table table = products::unit_border.make_table();
    std::optional<double> population_in_buffer;  ///< over level-3 units when they have a population, else level 2
    std::optional<double> migrants_in_buffer;
};

/// Population within the buffer, from the finest units that have a population: a level-2 unit sums
/// its level-3 children when all of them have one; each unit's figure is area-weighted.
std::vector<std::optional<double>> population_in_buffer(const std::vector<geo::Unit>& units,
    const join::UnitCatalog& catalog, const join::UnitFigures& population, const std::vector<double>& share)
{
    std::vector<std::optional<double>> pop_in(units.size());
    std::map<std::size_t, std::vector<std::size_t>> children;
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (units[i].info.level == 3 && population.rolled_up[i]) {
            pop_in[i] = *population.rolled_up[i] * share[i];
        }
        if (const auto parent = catalog.find(units[i].info.parent_code); parent && units[i].info.level == 3) {
            children[*parent].push_back(i);
        }
    }
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (units[i].info.level != 2 || !population.rolled_up[i]) {
            continue;
        }
        const auto& kids = children[i];
        const bool all_known = !kids.empty() &&
            std::all_of(kids.begin(), kids.end(), [&](std::size_t k) { return pop_in[k].has_value(); });
        double sum = 0;
        for (const std::size_t k : kids) {
            sum += pop_in[k].value_or(0);
        }
        pop_in[i] = all_known ? sum : *population.rolled_up[i] * share[i];
    }
    return pop_in;
}

UnitTable unit_table(const geo::GeosContext& geos, const std::vector<geo::Unit>& units, const join::UnitCatalog& catalog,
    const std::vector<BorderLine>& borders, const std::vector<join::LocatedPoint>& points,
    const std::optional<join::UnitFigures>& population, const std::optional<join::UnitFigures>& migrants, double buffer_km,
    Progress& progress)
{
    const std::vector<BorderGeometry> border_geoms = border_geometries(geos, borders);
    const geo::GeosGeometryPtr all_borders = borders.empty() ? nullptr : borders_geometry(geos, borders);
    std::vector<NamedPoint> named;
    for (const join::LocatedPoint& p : points) {
        named.push_back({p.point_id, {p.lon, p.lat}});
    }
    std::vector<double> share(units.size(), 0.0);
    std::vector<UnitBorderFigures> figures(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (units[i].info.level >= 2) {
            figures[i] = unit_border_figures(geos, units[i].geometry.get(), {units[i].info.rep_lon, units[i].info.rep_lat},
                border_geoms, all_borders.get(), named, buffer_km);
            share[i] = figures[i].buffer_share;
        }
        progress.update(static_cast<double>(i + 1) / static_cast<double>(units.size()));
    }
    std::vector<std::optional<double>> pop_in(units.size());
    if (population) {
        pop_in = population_in_buffer(units, catalog, *population, share);
    }
    UnitTable out;
    double totals[2] = {0, 0};  // population in the buffer over level 2, level 3
    bool known[2] = {false, false};
    for (std::size_t i = 0; i < units.size(); ++i) {
        const geo::UnitInfo& u = units[i].info;
        if (u.level < 2) {
            continue;
        }
        const UnitBorderFigures& f = figures[i];
        TableValue pop, mig, mig_in;
        if (population && population->rolled_up[i]) {
            pop = *population->rolled_up[i];
        }
        if (pop_in[i]) {
            totals[u.level == 3 ? 1 : 0] += *pop_in[i];
            known[u.level == 3 ? 1 : 0] = true;
        }
        if (migrants && migrants->direct[i]) {
            const double in_buffer = *migrants->direct[i] * share[i];
            mig = *migrants->direct[i];
            mig_in = in_buffer;
            out.migrants_in_buffer = out.migrants_in_buffer.value_or(0) + in_buffer;
        }
        out.table.rows.push_back({u.code, u.name, std::int64_t{u.level}, catalog.country_of(i),
            optional_real(f.border_distance_km), f.nearest_border.empty() ? TableValue{} : TableValue{f.nearest_border},
            std::int64_t{f.touches_border ? 1 : 0}, optional_real(f.crossing_distance_km),
            f.nearest_point.empty() ? TableValue{} : TableValue{f.nearest_point}, u.area_km2, u.area_km2 * share[i],
            100.0 * share[i], pop, optional_real(pop_in[i]), mig, mig_in});
    }
    if (known[1]) {
        out.population_in_buffer = totals[1];
    } else if (known[0]) {
        out.population_in_buffer = totals[0];
    }
    return out;
}

ProductMetadata metadata_for(const ProductSpec& product, const std::vector<ProductMetadata::Source>& sources,
    const RunLog& log, const std::string& period)
{
    ProductMetadata m;
    m.product = std::string(product.name);
    m.sources = sources;
    m.method = "border indicators: crossing points, border segments by nearest point, distances and area-weighted "
               "buffer (docs/methods/flows-indicators.md)";
    m.parameters = log.parameters;
    m.period = period;
    m.created_utc = utc_now_iso();
    m.version = version_string;
    return m;
}

void count(Outcome& outcome, RunLog& log, const std::string& name, std::int64_t value)
{
    outcome.counts[name] = value;
    log.add_count(stage, name, value);
}

} // namespace

namespace {

/// What a run builds up as it goes: the outcome, the run log and the sources of the metadata.
struct RunState {
    const Request& request;
    Settings settings;
    Outcome outcome;
    RunLog log;
    std::vector<ProductMetadata::Source> sources;
};

/// The records' crossings, tallied on a connection of their own so that it runs on the second core
/// while the first cuts the borders and measures the units (counts files are read in check_crossings).
std::future<TallySet> tally_records_async(const Request& request, const std::optional<join::MonthRange>& period)
{
    if (!request.counts.empty()) {
        return {};
    }
    return std::async(std::launch::async, [&request, period] {
        GDALDatasetUniquePtr own = workspace::open_readonly(request.workspace);
        return tallies_from_records(*own, request.workspace.string(), period);
    });
}

/// The crossings (counts file, or the records' tally) and the range of their series; throws when
/// there are none in the period.
std::pair<TallySet, join::MonthRange> read_crossings(RunState& run, std::future<TallySet>& record_tallies,
    const std::set<std::string>& point_ids, Diagnostics& diagnostics)
{
    const Request& request = run.request;
    TallySet tallies = request.counts.empty()
        ? record_tallies.get()
        : tallies_from_counts(request.counts, point_ids, run.settings.period, run.settings.unknown_codes, diagnostics);
    if (!request.counts.empty()) {
        run.log.add_input("counts", request.counts.string());
        run.sources.push_back({"counts", request.counts.string(), file_sha256(request.counts)});
        run.log.parameters.emplace_back("unknown_codes", request.unknown_codes);
    } else {
        run.sources.push_back({"product:" + std::string(products::crossings_detail.name), request.workspace.string(), ""});
    }
    if (tallies.read.rows == 0) {
        throw DataError((request.counts.empty() ? request.workspace.string() + ": the records hold no crossings"
                                                : request.counts.string() + ": has no data rows") + "; nothing was written");
    }
    if (!tallies.covered) {
        const std::string seen = tallies.periods_seen.empty() ? std::string()
            : " (periods in the file: " + *tallies.periods_seen.begin() + " to " + *tallies.periods_seen.rbegin() + ")";
        throw DataError(fmt::format("period {} matches no crossings{}; nothing was written",
            run.settings.period ? run.settings.period->label() : std::string("(all)"), seen));
    }
    // A yearly series runs over whole years.
    join::MonthRange range = run.settings.period ? *run.settings.period : *tallies.covered;
    if (tallies.granularity == Granularity::year) {
        range = {join::month_of(join::year_of(range.first), 1), join::month_of(join::year_of(range.last), 12)};
    }
    run.outcome.source = tallies.source;
    run.outcome.period = range_label(range, tallies.granularity);
    return {std::move(tallies), range};
}

struct SegmentedBorders {
    std::vector<BorderLine> borders;
    std::vector<Segment> segments;
    std::map<std::string, std::string> segment_of_point;
};

SegmentedBorders segment_borders(RunState& run, const geo::GeosContext& geos, const std::vector<geo::Unit>& units,
    const std::vector<join::LocatedPoint>& points)
{
    std::vector<const geo::Unit*> countries;
    for (const geo::Unit& u : units) {
        if (u.info.level == 1) {
            countries.push_back(&u);
        }
    }
    if (countries.size() < 2) {
        run.outcome.notes.push_back("the workspace has fewer than two countries (level-1 units): no international "
            "border, no segments and no border distances");
    }
    SegmentedBorders out;
    out.borders = international_borders(geos, countries);
    std::vector<BorderPoint> border_points;
    for (const join::LocatedPoint& p : points) {
        border_points.push_back({p.point_id, p.country_iso3, p.border_with_iso3, {p.lon, p.lat}});
    }
    out.segments = border_segments(out.borders, border_points);
    for (const Segment& s : out.segments) {
        if (s.point_id) {
            out.segment_of_point[*s.point_id] = s.segment_id;
        }
    }
    return out;
}

/// read = used + not used by reason; used = at listed points + at codes missing from the points.
void reconcile_crossings(RunState& run, const TallySet& tallies, const std::set<std::string>& point_ids)
{
    std::int64_t at_listed = 0;
    for (const auto& [id, tally] : tallies.points) {
        if (point_ids.count(id) > 0) {
            at_listed += tally.entries + tally.exits;
        }
    }
    count(run.outcome, run.log, "rows_read", static_cast<std::int64_t>(tallies.read.rows));
    count(run.outcome, run.log, "crossings_read", tallies.read.persons);
    count(run.outcome, run.log, "crossings_used", tallies.used.persons);
    std::int64_t not_used = 0;
    for (const auto& [reason, t] : tallies.by_reason) {
        count(run.outcome, run.log, "crossings_not_used:" + reason, t.persons);
        count(run.outcome, run.log, "rows_not_used:" + reason, static_cast<std::int64_t>(t.rows));
        not_used += t.persons;
    }
    count(run.outcome, run.log, "crossings_at_listed_points", at_listed);
    count(run.outcome, run.log, "crossings_at_unlisted_points", tallies.used.persons - at_listed);
    if (tallies.read.persons != tallies.used.persons + not_used) {
        throw std::logic_error("border: crossings read do not reconcile with crossings used and not used");
    }
    if (tallies.used.persons > at_listed) {
        run.outcome.notes.push_back(fmt::format("{} crossings are at point codes missing from the crossing points: they "
            "are in no indicator", tallies.used.persons - at_listed));
    }
}

/// Population (--population) and the migrants' estimates of the workspace, by unit.
std::pair<std::optional<join::UnitFigures>, std::optional<join::UnitFigures>> unit_figures(RunState& run,
    GDALDataset& dataset, const join::UnitCatalog& catalog, Diagnostics& diagnostics)
{
    const Request& request = run.request;
    std::optional<join::UnitFigures> population;
    if (!request.population.empty()) {
        population = join::read_population(request.population, catalog, diagnostics);
        run.log.add_input("population", request.population.string());
        run.sources.push_back({"population", request.population.string(), file_sha256(request.population)});
        run.log.add_count(stage, "population_rows_read", static_cast<std::int64_t>(population->rows_read));
        run.log.add_count(stage, "population_rows_joined", static_cast<std::int64_t>(population->rows_joined));
    }
    std::optional<join::UnitFigures> migrants;
    if (workspace::has_product(dataset, products::estimates)) {
        migrants = join::join_estimates(workspace::read_product(dataset, products::estimates), request.migrants_variable, "",
            catalog);
        if (migrants->rows_joined == 0) {
            run.outcome.notes.push_back("the estimates hold no total of '" + request.migrants_variable +
                "' by unit: no migrants within the buffer");
            migrants.reset();
        }
    }
    return {std::move(population), std::move(migrants)};
}

/// The figures of the outcome and the run log's notes.
void summarise(RunState& run, const std::vector<join::LocatedPoint>& points, const SegmentedBorders& borders,
    const PointProducts& point_tables, const UnitTable& units, const Table& survey)
{
    Outcome& o = run.outcome;
    o.points = points.size();
    o.points_with_crossings = static_cast<std::size_t>(std::count_if(point_tables.by_point.begin(),
        point_tables.by_point.end(), [](const auto& p) { return p.second.entries + p.second.exits > 0; }));
    o.segments = borders.segments.size();
    o.borders = borders.borders.size();
    for (const BorderLine& b : borders.borders) {
        o.border_km += b.length_km;
    }
    o.units = units.table.rows.size();
    o.population_in_buffer = units.population_in_buffer;
    o.migrants_in_buffer = units.migrants_in_buffer;
    o.survey_estimates = survey.rows.size();
    for (const auto& [id, ind] : point_tables.by_point) {
        o.top_points.push_back({id, ind.entries + ind.exits,
            ind.trend ? std::optional<double>(ind.trend->pct_per_year) : std::nullopt, ind.seasonal.status});
    }
    std::sort(o.top_points.begin(), o.top_points.end(), [](const PointSummary& a, const PointSummary& b) {
        return a.crossings != b.crossings ? a.crossings > b.crossings : a.point_id < b.point_id;
    });
    o.top_points.resize(std::min<std::size_t>(o.top_points.size(), 10));
    count(o, run.log, "points", static_cast<std::int64_t>(o.points));
    count(o, run.log, "segments", static_cast<std::int64_t>(o.segments));
    count(o, run.log, "units_with_border_figures", static_cast<std::int64_t>(o.units));
    if (o.population_in_buffer) {
        run.log.notes.push_back(fmt::format("population within {} km of a border: {:.0f}", run.request.buffer_km,
            *o.population_in_buffer));
    }
    if (o.migrants_in_buffer) {
        run.log.notes.push_back(fmt::format("{} within {} km of a border (area-weighted estimates): {:.0f}",
            run.request.migrants_variable, run.request.buffer_km, *o.migrants_in_buffer));
    }
    for (const std::string& note : o.notes) {
        run.log.notes.push_back(note);
    }
}

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    RunState run{request, check_settings(request), {}, {}, {}};
    run.log.command = stage;
    run.log.started_utc = utc_now_iso();
    run.log.parameters = {{"period", request.period.empty() ? "(all)" : request.period},
        {"buffer_km", fmt::format("{}", request.buffer_km)}, {"migrants_variable", request.migrants_variable}};

    GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
    const geo::GeosContext geos;
    progress.start("reading units and crossing points");
    const std::vector<geo::Unit> units = geo::read_units(*dataset, geos);
    std::vector<geo::UnitInfo> infos;
    for (const geo::Unit& u : units) {
        infos.push_back(u.info);
    }
    const join::UnitCatalog catalog(std::move(infos));
    const std::vector<join::LocatedPoint> points = load_points(request, *dataset, diagnostics, run.log, run.sources);
    std::set<std::string> point_ids;
    for (const join::LocatedPoint& p : points) {
        point_ids.insert(p.point_id);
    }
    progress.finish();

    std::future<TallySet> record_tallies = tally_records_async(request, run.settings.period);
    progress.start("international borders and segments");
    const SegmentedBorders borders = segment_borders(run, geos, units, points);
    progress.finish();
    const auto [tallies, range] = read_crossings(run, record_tallies, point_ids, diagnostics);
    const PointProducts point_tables = point_products(points, tallies, range, borders.segment_of_point);
    const Table segment_table = segments_table(borders.segments, point_tables.by_point);
    reconcile_crossings(run, tallies, point_ids);

    progress.start("distances and border buffer of every unit");
    const auto [population, migrants] = unit_figures(run, *dataset, catalog, diagnostics);
    const UnitTable unit_products =
        unit_table(geos, units, catalog, borders.borders, points, population, migrants, request.buffer_km, progress);
    progress.finish();
    const Table survey_table = survey_estimates_table(*dataset, borders.segments, point_ids);
    std::optional<OutputFile> controls;
    if (!request.controls_out.empty()) {
        controls.emplace(request.controls_out);
        controls->write(controls_text(tallies, points, run.settings.controls_by, run.outcome.control_categories));
        run.log.parameters.emplace_back("controls_by", request.controls_by);
    }
    dataset.reset();
    summarise(run, points, borders, point_tables, unit_products, survey_table);
    run.log.add_reject_counts(stage, diagnostics);

    // Everything succeeded: only now does the workspace change (and the controls file appear).
    workspace::Workspace ws(request.workspace);
    const std::pair<const ProductSpec*, const Table*> products_written[] = {
        {&products::crossing_point_indicators, &point_tables.indicators}, {&products::crossing_point_series, &point_tables.series},
        {&products::crossing_point_seasonality, &point_tables.seasonality},
        {&products::crossing_point_breakdown, &point_tables.breakdown}, {&products::border_segments, &segment_table},
        {&products::unit_border, &unit_products.table}, {&products::border_survey_estimates, &survey_table}};
    for (const auto& [product, table] : products_written) {
        workspace::write_product(ws, *product, *table);
    }
    run.log.finished_utc = utc_now_iso();
    for (const auto& [product, table] : products_written) {
        workspace::write_metadata(ws, metadata_for(*product, run.sources, run.log, run.outcome.period));
    }
    ws.append_run_log(run.log);
    if (controls) {
        controls->commit();
    }
    ws.commit();
    run.outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run.outcome;
}

} // namespace migratlas::border
