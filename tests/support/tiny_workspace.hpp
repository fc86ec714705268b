// A tiny workspace for the flows and border tests: two countries side by side on the equator, each
// product written through its declaration, so the stages read it exactly as they read a real one.
//
//   XNA (lon 0..2, lat 0..2)                     XOE (lon 2..4)
//     XNA-01 (lon 0..1): XNA-01001 (lat 0..1), XNA-01002 (lat 1..2)
//     XNA-02 (lon 1..2): XNA-02001                XOE-01 = XOE-01001 (lon 2..4)
#pragma once

#include "common/products/geo.hpp"
#include "common/products/records.hpp"
#include "common/products/survey.hpp"
#include "common/table.hpp"
#include "test_geometry.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <ogr_geometry.h>

#include <filesystem>
#include <string>
#include <vector>

namespace migratlas::test {

struct TinyUnit {
    const char* code;
    const char* parent;
    int level;
    double x0, y0, x1, y1;
};

inline const std::vector<TinyUnit>& tiny_units()
{
    static const std::vector<TinyUnit> units = {
        {"XNA", "", 1, 0, 0, 2, 2}, {"XOE", "", 1, 2, 0, 4, 2},
        {"XNA-01", "XNA", 2, 0, 0, 1, 2}, {"XNA-02", "XNA", 2, 1, 0, 2, 2}, {"XOE-01", "XOE", 2, 2, 0, 4, 2},
        {"XNA-01001", "XNA-01", 3, 0, 0, 1, 1}, {"XNA-01002", "XNA-01", 3, 0, 1, 1, 2},
        {"XNA-02001", "XNA-02", 3, 1, 0, 2, 2}, {"XOE-01001", "XOE-01", 3, 2, 0, 4, 2},
    };
    return units;
}

/// Writes the units (and crossing_points, events_monthly, crossings_detail when given) (areas from a sphere of the WGS84 equatorial circumference are good enough:
/// no test checks them) and, when given, the other tables.
inline void write_tiny_workspace(const std::filesystem::path& path, const std::vector<std::vector<TableValue>>& events,
    const std::vector<std::vector<TableValue>>& crossings, bool with_points)
{
    workspace::Workspace ws(path);
    Table units = products::units.make_table();
    for (const TinyUnit& u : tiny_units()) {
        const double km = 40075.016686 / 360.0;
        units.rows.push_back({std::string(u.code), std::string(u.code) + " name", std::int64_t{u.level},
            std::string(u.parent), (u.x1 - u.x0) * (u.y1 - u.y0) * km * km, (u.x0 + u.x1) / 2, (u.y0 + u.y1) / 2,
            std::string("tiny")});
        units.geometry_wkb.push_back(box_wkb(u.x0, u.y0, u.x1, u.y1));
    }
    workspace::write_product(ws, products::units, units);
    if (with_points) {
        Table points = products::crossing_points.make_table();
        points.rows.push_back({std::string("P1"), std::string("Bridge one"), 2.0, 1.0, std::string("XNA"),
            std::string("XOE"), std::string("XNA-02"), 0.0, std::string("XNA-02001"), 0.0, std::int64_t{1}, std::int64_t{0}});
        points.rows.push_back({std::string("P2"), std::string("Bridge two"), 2.0, 0.4, std::string("XNA"),
            std::string("XOE"), std::string("XNA-02"), 0.0, std::string("XNA-02001"), 0.0, std::int64_t{1}, std::int64_t{0}});
        points.rows.push_back({std::string("A1"), std::string("Airport"), 0.5, 0.5, std::string("XNA"), std::string(""),
            std::string("XNA-01"), 0.0, std::string("XNA-01001"), 0.0, std::int64_t{1}, std::int64_t{0}});
        for (const auto& [lon, lat] : {std::pair{2.0, 1.0}, std::pair{2.0, 0.4}, std::pair{0.5, 0.5}}) {
            points.geometry_wkb.push_back(point_wkb(lon, lat));
        }
        workspace::write_product(ws, products::crossing_points, points);
    }
    if (!events.empty()) {
        Table table = products::events_monthly.make_table();
        table.rows = events;
        workspace::write_product(ws, products::events_monthly, table);
    }
    if (!crossings.empty()) {
        Table table = products::crossings_detail.make_table();
        table.rows = crossings;
        workspace::write_product(ws, products::crossings_detail, table);
    }
    RunLog log;
    log.command = "link";
    log.started_utc = "2025-01-01T00:00:00Z";
    log.parameters = {{"observation_start", "2020-01-01"}, {"observation_end", "2024-12-31"}, {"window_months", "16"}};
    ws.append_run_log(log);
    ws.commit();
}

/// One events_monthly row; arrivals are entries and departures exits, other types enter unless `out`.
inline std::vector<TableValue> event(const char* month, const char* type, const char* sex, const char* age,
    const char* nationality, const char* point, const char* point_unit, const char* residence, std::int64_t n,
    bool out = false)
{
    const std::string t(type);
    const bool exit = t == "emigrant_departure" || (t != "immigrant_arrival" && out);
    return {std::string(month), t, std::string(exit ? "OUT" : "IN"), std::string(sex), std::string(age),
        std::string(nationality), std::string(point), std::string(point_unit), std::string(residence), n, n};
}

/// One crossings_detail row (mode and purpose empty strings stand for NULL: no such column).
inline std::vector<TableValue> detail(const std::string& month, const char* point, const char* direction,
    const char* nationality, const char* sex, const char* age, int same_day, const char* mode, std::int64_t n)
{
    return {month, std::string(point), std::string(direction), std::string(nationality), std::string(sex),
        std::string(age), std::int64_t{same_day}, *mode ? TableValue{std::string(mode)} : TableValue{}, TableValue{}, n};
}

} // namespace migratlas::test
