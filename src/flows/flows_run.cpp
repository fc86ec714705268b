#include "flows/flows_run.hpp"

#include "common/error.hpp"
#include "common/product_metadata.hpp"
#include "common/products/flows.hpp"
#include "common/products/records.hpp"
#include "common/run_log.hpp"
#include "common/sha256.hpp"
#include "common/version.hpp"
#include "flows/flow_products.hpp"
#include "flows/record_flows.hpp"
#include "join/iso3166.hpp"
#include "join/population.hpp"
#include "join/workspace_inputs.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <fmt/format.h>

#include <chrono>
#include <future>
#include <set>

namespace migratlas::flows {

namespace {

const std::string stage = "flows";  // not a product name: the run_log stage

/// Settings checked and parsed before anything is read.
struct Settings {
    std::optional<join::MonthRange> period;
    Breakdown by;
    OriginBy origin_by = OriginBy::nationality;
    UnknownCodes unknown_codes = UnknownCodes::fail;
    CorridorOptions corridors;
};

Settings check_settings(const Request& request)
{
    Settings s;
    if (request.level && *request.level != 2 && *request.level != 3) {
        throw SettingError("level", "must be 2 or 3, got " + std::to_string(*request.level));
    }
    if (!request.period.empty()) {
        s.period = join::parse_period_setting(request.period);
    }
    s.by = parse_breakdown(request.by);
    s.origin_by = parse_origin_by(request.origin_by);
    s.unknown_codes = join::parse_unknown_codes(request.unknown_codes);
    s.corridors.shape.shape = parse_corridor_shape(request.shape);
    if (!(request.arc_bend > 0 && request.arc_bend <= 1)) {
        throw SettingError("arc_bend", fmt::format("must be above 0 and at most 1 (a share of the chord), got {}", request.arc_bend));
    }
    s.corridors.shape.bend = request.arc_bend;
    if (request.top) {
        if (*request.top < 1) {
            throw SettingError("top", "must be at least 1, got " + std::to_string(*request.top));
        }
        s.corridors.top = static_cast<std::size_t>(*request.top);
    }
    s.corridors.via_crossing = request.via_crossing;
    if (request.via_crossing) {
        if (!request.od.empty()) {
            throw SettingError("via_crossing", "needs record flows (the crossing point of each event); OD tables have none");
        }
        s.by.crossing_point = true;
    }
    if (!request.od.empty() && request.origin_by != "nationality") {
        throw SettingError("origin_by", "applies to record flows only; OD tables give their origins");
    }
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void count(Outcome& outcome, RunLog& log, const std::string& name, std::int64_t value)
{
    outcome.counts[name] = value;
    log.add_count(stage, name, value);
}

/// Everything the product builders need, from records or from OD tables.
struct Assembled {
    join::UnitCatalog catalog{std::vector<geo::UnitInfo>{}};
    FlowTable table;
    SystemMembers members;
    PointLookup points;
    std::vector<ProductMetadata::Source> sources;
};

PointLookup point_lookup(const std::vector<join::LocatedPoint>& located)
{
    PointLookup points;
    for (const join::LocatedPoint& p : located) {
        points[p.point_id] = PointSides{p.country_iso3, p.border_with_iso3, p.lon, p.lat};
    }
    return points;
}

/// Records: the period (given, or the final months of the last link run), the join, the flows.
void assemble_records(const Request& request, const Settings& settings, Diagnostics& diagnostics, Progress& progress,
    Outcome& outcome, RunLog& log, Assembled& a)
{
    GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
    std::optional<join::MonthRange> period = settings.period;
    const auto window = join::read_observation_window(*dataset);
    if (!period && window) {
        period = join::final_months(*window);
        outcome.default_period = period.has_value();
    }
    if (window && period) {
        if (const auto final = join::final_months(*window); !final || !final->contains(*period)) {
            outcome.notes.push_back("the period includes months whose labels are not final (the burn-in year after "
                "observation_start, or months with windows still open at observation_end): their unresolved "
                "events are in no flow (docs/methods/linkage.md)");
        }
    }
    a.points = point_lookup(join::read_located_points(*dataset));
    dataset.reset();

    join::Request join_request;
    join_request.workspace = request.workspace;
    join_request.level = request.level.value_or(2);
    join_request.period = period;
    join::Outcome joined = join::run(join_request, diagnostics, progress);
    if (joined.read.rows == 0) {
        throw DataError(request.workspace.string() + ": events_monthly is empty; there are no classified records to make flows of");
    }
    if (period && joined.outside_period.rows == joined.read.rows) {
        throw DataError(fmt::format("period {} matches no month of the classified records ({} to {}); nothing was written",
            period->label(), join::format_month(joined.months->first), join::format_month(joined.months->last)));
    }
    outcome.period = period ? period->label() : joined.months->label();
    if (!joined.has_residence) {
        outcome.notes.push_back("the records declare no residence_code: every event is placed at the unit of its "
            "crossing point (airports place arrivals in the airport's unit)");
    }
    if (a.points.empty()) {
        outcome.notes.push_back("the workspace has no crossing points (link ran without --points): the country "
            "across the border is unknown for every event");
    }
    const join::UnitCatalog& catalog = joined.catalog;
    const auto is_country = [&catalog](std::string_view code) {
        const auto unit = catalog.find(code);
        return (unit && catalog.units()[*unit].level == 1) || join::is_iso3166_alpha3(code);
    };
    RecordFlowTally tally;
    add_record_flows(joined, a.points, settings.origin_by, settings.by, outcome.period, is_country, a.table, tally);

    // The system's units: every unit at the level in the reporting countries (those of the points,
    // or of the units the events joined).
    std::set<std::string> countries;
    for (const auto& [id, p] : a.points) {
        countries.insert(p.country_iso3);
    }
    for (const join::JoinedEvent& e : joined.events) {
        countries.insert(catalog.country_of(e.unit));
    }
    a.members.bipartite = true;
    for (const std::size_t u : catalog.units_at(join_request.level)) {
        if (countries.count(catalog.country_of(u)) > 0) {
            a.members.units.insert(catalog.units()[u].code);
        }
    }

    count(outcome, log, "events_read", joined.read.events);
    count(outcome, log, "events_outside_period", joined.outside_period.events);
    std::int64_t in_period = 0;
    for (const auto& [reason, t] : joined.by_reason) {
        in_period += t.events;
        if (reason != "joined") {
            count(outcome, log, "events_not_joined:" + reason, t.events);
        }
    }
    count(outcome, log, "events_in_period", in_period);
    count(outcome, log, "events_placed_at_crossing_point", joined.from_crossing_point.events);
    std::int64_t in_flows = 0;
    for (const auto& [type, t] : tally.in_flows) {
        count(outcome, log, "events_in_flows:" + type, t.events);
        in_flows += t.events;
    }
    count(outcome, log, "events_in_flows", in_flows);
    count(outcome, log, "events_unresolved", tally.unresolved.events);
    count(outcome, log, "events_without_direction", tally.no_direction.events);
    count(outcome, log, "events_unknown_nationality", tally.unknown_nationality.events);
    const std::int64_t migration = (tally.in_flows.count("immigration") ? tally.in_flows["immigration"].events : 0) +
        (tally.in_flows.count("emigration") ? tally.in_flows["emigration"].events : 0);
    count(outcome, log, "migration_events_in_flows", migration);
    if (tally.no_direction.events > 0) {
        outcome.notes.push_back(fmt::format("{} short-term and visitor events have no direction in events_monthly "
            "(re-run link with this version): they are in no flow", tally.no_direction.events));
    }
    const std::int64_t joined_events = joined.by_reason.count("joined") ? joined.by_reason["joined"].events : 0;
    if (in_flows + tally.unresolved.events + tally.no_direction.events != joined_events) {
        throw std::logic_error("flows: joined events do not reconcile with flows, unresolved and undirected events");
    }
    a.catalog = std::move(joined.catalog);
    a.sources.push_back({"product:" + std::string(products::events_monthly.name), request.workspace.string(), ""});
    outcome.source = "records";
    log.parameters.emplace_back("level", std::to_string(join_request.level));
    log.parameters.emplace_back("origin_by", request.origin_by);
}

/// OD tables: every file read and joined; the period must match some row.
void assemble_od(const Request& request, const Settings& settings, Diagnostics& diagnostics, Outcome& outcome,
    RunLog& log, Assembled& a)
{
    {
        GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
        a.catalog = join::UnitCatalog::from_workspace(*dataset);
    }
    OdReadTally tally;
    std::vector<std::string> names;
    for (const OdSource& source : request.od) {
        read_od_table(source, a.catalog, request.level, settings.period, settings.unknown_codes, diagnostics, a.table, tally);
        a.sources.push_back({"od", source.path.string(), file_sha256(source.path)});
        log.add_input("od", source.path.string());
        names.push_back(source.path.filename().string());
    }
    outcome.source = fmt::format("{}", fmt::join(names, ", "));
    outcome.period = settings.period ? settings.period->label() : std::string();
    if (settings.period && tally.joined.rows == 0 && tally.by_reason.count("outside_period") > 0) {
        std::string seen = tally.periods.empty() ? "none" : *tally.periods.begin() + " to " + *tally.periods.rbegin();
        throw DataError(fmt::format("period {} matches no row of {} (periods in the file: {}); nothing was written",
            settings.period->label(), outcome.source, seen));
    }
    if (tally.joined.rows == 0) {
        throw DataError(outcome.source + ": no row could be used as a flow; nothing was written");
    }
    count(outcome, log, "rows_read", static_cast<std::int64_t>(tally.read.rows));
    count(outcome, log, "rows_joined", static_cast<std::int64_t>(tally.joined.rows));
    count(outcome, log, "persons_read", tally.read.persons);
    count(outcome, log, "persons_in_flows", tally.joined.persons);
    std::uint64_t accounted = tally.joined.rows;
    for (const auto& [reason, t] : tally.by_reason) {
        count(outcome, log, "rows_not_joined:" + reason, static_cast<std::int64_t>(t.rows));
        count(outcome, log, "persons_not_joined:" + reason, t.persons);
        accounted += t.rows;
    }
    for (const auto& [code, rows] : tally.unknown_codes) {
        outcome.notes.push_back(fmt::format("code '{}' is not a unit or country: {} row(s) counted as unknown_code", code, rows));
    }
    if (accounted != tally.read.rows) {
        throw std::logic_error("flows: OD rows read do not reconcile with rows joined and counted by reason");
    }
    a.members.bipartite = false;
    if (request.level) {
        log.parameters.emplace_back("level", std::to_string(*request.level));
    }
    log.parameters.emplace_back("unknown_codes", request.unknown_codes);
}

ProductMetadata metadata_for(const ProductSpec& product, const Outcome& outcome,
    const std::vector<ProductMetadata::Source>& sources, const RunLog& log)
{
    ProductMetadata m;
    m.product = std::string(product.name);
    m.sources = sources;
    m.method = outcome.source == "records"
        ? "record flows: immigrant arrivals and emigrant departures of the 12/16 rule joined to units; indicators of "
          "Bell et al. (2002) (docs/methods/flows-indicators.md)"
        : "external origin-destination table joined to units and ISO 3166-1 countries; indicators of Bell et al. "
          "(2002) (docs/methods/flows-indicators.md)";
    m.parameters = log.parameters;
    m.period = outcome.period;
    m.created_utc = utc_now_iso();
    m.version = version_string;
    return m;
}

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = std::chrono::steady_clock::now();
    const Settings settings = check_settings(request);
    Outcome outcome;
    RunLog log;
    log.command = stage;
    log.started_utc = utc_now_iso();
    log.parameters = {{"period", request.period.empty() ? "(default)" : request.period},
        {"by", request.by.empty() ? "(none)" : request.by}, {"shape", request.shape},
        {"via_crossing", request.via_crossing ? "yes" : "no"}};
    if (settings.corridors.shape.shape == CorridorShape::arc) {
        log.parameters.emplace_back("arc_bend", fmt::format("{}", request.arc_bend));
    }
    if (request.top) {
        log.parameters.emplace_back("top", std::to_string(*request.top));
    }

    Assembled a;
    if (request.od.empty()) {
        assemble_records(request, settings, diagnostics, progress, outcome, log, a);
    } else {
        assemble_od(request, settings, diagnostics, outcome, log, a);
    }
    if (outcome.default_period) {
        log.parameters[0].second = outcome.period + " (final months of the last link run)";
    }

    std::optional<join::UnitFigures> population;
    if (!request.population.empty()) {
        population = join::read_population(request.population, a.catalog, diagnostics);
        a.sources.push_back({"population", request.population.string(), file_sha256(request.population)});
        log.add_input("population", request.population.string());
        log.add_count(stage, "population_rows_read", static_cast<std::int64_t>(population->rows_read));
        log.add_count(stage, "population_rows_joined", static_cast<std::int64_t>(population->rows_joined));
        for (const auto& [reason, n] : population->rows_by_reason) {
            log.add_count(stage, "population_rows_not_joined:" + reason, static_cast<std::int64_t>(n));
        }
    }
    const auto residents = [&](std::string_view code) -> std::optional<double> {
        if (!population) {
            return std::nullopt;
        }
        const auto unit = a.catalog.find(code);
        return unit ? population->rolled_up[*unit] : std::nullopt;
    };

    progress.start("building flows, balances and corridors");
    const std::vector<FlowRow> rows = a.table.rows();
    const EndDirectory ends(a.catalog);
    // The corridors' lines (the geodesics of the UNHCR table's 1,551 pairs: about 0.2 s of CPU) are
    // drawn on the second core while the other products are built and written. The rows that copy
    // them are made here: a thread's own malloc arena grows a page range per allocation (one
    // mprotect for each of 11,967 blobs of 3 KB), the main one in steps of 128 KB.
    std::future<CorridorLines> lines_drawn = std::async(std::launch::async,
        [&rows, &ends, &a, &settings] { return draw_corridor_lines(rows, ends, a.points, settings.corridors); });
    const Table flows_table = make_flows_table(rows, ends);
    const BalanceProducts balances = make_balances(rows, ends, a.members, residents);
    workspace::Workspace ws(request.workspace);
    workspace::write_product(ws, products::flows, flows_table);
    workspace::write_product(ws, products::unit_flows, balances.unit_flows);
    workspace::write_product(ws, products::flow_indicators, balances.flow_indicators);
    const CorridorProducts corridors = make_corridors(rows, ends, settings.corridors, lines_drawn.get());
    progress.finish();

    outcome.flows = flows_table.rows.size();
    outcome.unit_flows = balances.unit_flows.rows.size();
    outcome.corridors = corridors.corridors.rows.size();
    outcome.corridors_without_geometry = corridors.without_geometry;
    for (const auto& s : balances.systems) {
        outcome.systems.push_back({s.period, s.flow_class, s.indicators});
        const SystemIndicators& i = s.indicators;
        const auto f = [](const std::optional<double>& v) { return v ? fmt::format("{:.4g}", *v) : std::string("NA"); };
        log.notes.push_back(fmt::format("system {} {}: M={} n={} pairs={} P={} CMI={}% MEI={}% ANMR={}% "
            "connectivity={} Gini={} inequality={}", s.period, s.flow_class, i.total_flow, i.members, i.pairs,
            f(i.population), f(i.cmi_pct), f(i.mei_pct), f(i.anmr_pct), f(i.connectivity), f(i.gini), f(i.inequality)));
    }
    const ProductSpec& cspec = products::corridors;
    const std::size_t c_period = cspec.column_index("period"), c_type = cspec.column_index("flow_type"),
                      c_origin = cspec.column_index("origin"), c_dest = cspec.column_index("destination"),
                      c_persons = cspec.column_index("persons"), c_share = cspec.column_index("share_pct"),
                      c_rank = cspec.column_index("rank");
    for (const auto& row : corridors.corridors.rows) {
        if (std::get<std::int64_t>(row[c_rank]) <= 10) {
            outcome.top_corridors.push_back({std::get<std::string>(row[c_period]), std::get<std::string>(row[c_type]),
                std::get<std::string>(row[c_origin]), std::get<std::string>(row[c_dest]),
                std::get<std::int64_t>(row[c_persons]), std::get<double>(row[c_share])});
        }
    }
    count(outcome, log, "flows", static_cast<std::int64_t>(outcome.flows));  // not a product name: a count
    count(outcome, log, "corridors_without_geometry", static_cast<std::int64_t>(corridors.without_geometry));
    for (const std::string& note : outcome.notes) {
        log.notes.push_back(note);
    }
    log.add_reject_counts(stage, diagnostics);

    workspace::write_product(ws, products::corridors, corridors.corridors);
    log.finished_utc = utc_now_iso();
    for (const ProductSpec* product : {&products::flows, &products::unit_flows, &products::flow_indicators, &products::corridors}) {
        workspace::write_metadata(ws, metadata_for(*product, outcome, a.sources, log));
    }
    ws.append_run_log(log);
    ws.commit();
    outcome.seconds = seconds_since(started);
    return outcome;
}

} // namespace migratlas::flows
