#include "records/link_workspace.hpp"

#include "common/products/records.hpp"
#include "workspace/product_io.hpp"

namespace migratlas::records {

PointCoverage point_coverage(const LinkResult& result, const std::vector<CrossingPoint>& points)
{
    PointCoverage coverage;
    const PointUnitLookup lookup(points);
    for (const auto& [point, crossings] : result.monthly.crossings_by_point(result.labels)) {
        if (!lookup.contains(point)) {
            ++coverage.codes_not_in_points_file;
            coverage.crossings_not_in_points_file += crossings;
        } else if (lookup.unit_of(point) == unknown_unit) {
            ++coverage.codes_not_located;
            coverage.crossings_not_located += crossings;
        }
    }
    return coverage;
}

void add_link_counts(RunLog& log, const LinkCounts& counts)
{
    const auto add = [&log](std::string name, std::uint64_t value) {
        log.add_count("records", std::move(name), static_cast<std::int64_t>(value));
    };
    add("rows_read", counts.rows_read);
    add("events", counts.events);
    for (std::size_t t = 0; t < event_type_count; ++t) {
        add("events:" + std::string(to_string(static_cast<EventType>(t))), counts.events_by_type[t]);
    }
    add("rejected", counts.rejected_total());
    for (const auto& [reason, n] : counts.rejected) {
        add("rejected:" + reason, n);
    }
    add("duplicates", counts.duplicates_total());
    for (const auto& [reason, n] : counts.duplicates) {
        add("duplicate:" + reason, n);
    }
    add("persons", counts.persons);
    add("non_utf8_values", counts.non_utf8_values);
    add("spills", counts.spills);
}

void write_link_workspace(const std::filesystem::path& workspace, const LinkResult& result,
    const std::vector<CrossingPoint>& points, const RunLog& log)
{
    workspace::Workspace ws(workspace);
    const PointUnitLookup lookup(points);
    workspace::write_product(ws, products::events_monthly, result.monthly.events_table(result.labels,
        [&lookup](std::string_view point) { return lookup.unit_of(point); }, result.has_residence));
    workspace::write_product(ws, products::crossings_monthly, result.monthly.crossings_table(result.labels));
    if (!points.empty()) {
        workspace::write_product(ws, products::crossing_points,
            crossing_points_table(points, result.monthly.crossings_by_point(result.labels)));
    }
    ws.append_run_log(log);
    ws.commit();
}

} // namespace migratlas::records
