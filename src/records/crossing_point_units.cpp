#include "records/crossing_point_units.hpp"

#include "common/csv_reader.hpp"
#include "common/parse.hpp"
#include "common/products/records.hpp"
#include "geo/unit_index.hpp"

#include <algorithm>
#include <cmath>

#include <set>

namespace migratlas::records {

std::vector<CrossingPoint> read_crossing_points(const std::filesystem::path& path, Diagnostics& diagnostics)
{
    CsvReader reader(path);
    const std::size_t id_col = reader.require_column("point_id");
    const std::size_t name_col = reader.require_column("name");
    const std::size_t lon_col = reader.require_column("lon");
    const std::size_t lat_col = reader.require_column("lat");
    const std::size_t country_col = reader.require_column("country_iso3");
    const std::size_t border_col = reader.require_column("border_with_iso3");
    std::vector<CrossingPoint> points;
    std::set<std::string, std::less<>> seen;
    CsvRecord record;
    while (reader.next(record)) {
        if (!record.malformed.empty() || record.fields.size() != reader.header().size()) {
            diagnostics.reject("bad_point", reader.pos(record), "malformed crossing-point record" +
                (record.malformed.empty() ? std::string() : ": " + record.malformed));
            continue;
        }
        const auto lon = parse_double(record.fields[lon_col]);
        const auto lat = parse_double(record.fields[lat_col]);
        const std::string_view id = record.fields[id_col];
        if (id.empty()) {
            diagnostics.reject("bad_point", reader.pos(record, id_col), "point_id is empty");
            continue;
        }
        if (!lon || !lat || *lon < -180 || *lon > 180 || *lat < -90 || *lat > 90) {
            diagnostics.reject("bad_point", reader.pos(record, lon ? lat_col : lon_col),
                "point '" + std::string(id) + "' has no valid WGS84 lon/lat");
            continue;
        }
        if (!seen.emplace(id).second) {
            diagnostics.reject("bad_point", reader.pos(record, id_col), "point_id '" + std::string(id) + "' repeated");
            continue;
        }
        CrossingPoint point;
        point.point_id = id;
        point.name = record.fields[name_col];
        point.lon = *lon;
        point.lat = *lat;
        point.country_iso3 = record.fields[country_col];
        point.border_with_iso3 = record.fields[border_col];
        points.push_back(std::move(point));
    }
    return points;
}

void locate_points(std::vector<CrossingPoint>& points, const geo::UnitIndex& index, double snap_km)
{
    for (CrossingPoint& point : points) {
        const auto own_country = [&](std::size_t unit) { return index.country_of(unit) == point.country_iso3; };
        for (const int level : {2, 3}) {
            std::string& unit = level == 2 ? point.unit_level2 : point.unit_level3;
            std::optional<double>& distance = level == 2 ? point.distance_level2_km : point.distance_level3_km;
            // Steps 1-2: a unit of the point's own country containing it, else the nearest within snap_km.
            if (const auto own = index.locate(point.lon, point.lat, level, snap_km, own_country)) {
                unit = index.units()[own->unit].code;
                distance = own->distance_km;
                continue;
            }
            // Steps 3-4: the same in any country.
            if (const auto any = index.locate(point.lon, point.lat, level, snap_km)) {
                unit = index.units()[any->unit].code;
                distance = any->distance_km;
                point.in_own_country = false;
            }
        }
    }
}

PointUnitLookup::PointUnitLookup(const std::vector<CrossingPoint>& points)
{
    for (const CrossingPoint& point : points) {
        m_units.emplace(point.point_id, point.unit_level3 != unknown_unit ? point.unit_level3 : point.unit_level2);
    }
}

std::string PointUnitLookup::unit_of(std::string_view point_id) const
{
    const auto it = m_units.find(point_id);
    return it == m_units.end() ? std::string(unknown_unit) : it->second;
}

bool PointUnitLookup::contains(std::string_view point_id) const
{
    return m_units.find(point_id) != m_units.end();
}

Table crossing_points_table(const std::vector<CrossingPoint>& points,
    const std::map<std::string, std::int64_t, std::less<>>& crossings_by_point)
{
    Table table = products::crossing_points.make_table();
    const auto optional_value = [](const std::optional<double>& v) -> TableValue {
        return v ? TableValue{*v} : TableValue{};
    };
    for (const CrossingPoint& point : points) {
        const auto it = crossings_by_point.find(point.point_id);
        table.rows.push_back({point.point_id, point.name, point.lon, point.lat, point.country_iso3,
            point.border_with_iso3, point.unit_level2, optional_value(point.distance_level2_km), point.unit_level3,
            optional_value(point.distance_level3_km), std::int64_t{point.in_own_country ? 1 : 0},
            std::int64_t{it == crossings_by_point.end() ? 0 : it->second}});
    }
    return table;
}

} // namespace migratlas::records
