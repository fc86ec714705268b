#include "records/crossing_point_units.hpp"

#include "common/csv_reader.hpp"
#include "common/parse.hpp"
#include "common/products/records.hpp"
#include "workspace/workspace.hpp"
#include "geo/measure.hpp"
#include "geo/unit_index.hpp"
#include "geo/unit_store.hpp"

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

namespace {

/// Units of one level with their country, geometry and envelope, for the own-country snapping search.
struct CountryUnits {
    geo::GeosContext geos;
    std::vector<geo::Unit> units;
    std::vector<std::string> country;
    struct Box {
        double xmin, ymin, xmax, ymax;
    };
    std::vector<Box> boxes;

    explicit CountryUnits(const std::filesystem::path& workspace)
    {
        GDALDatasetUniquePtr dataset = workspace::open_readonly(workspace);
        units = geo::read_units(*dataset, geos);
        std::map<std::string, std::size_t, std::less<>> by_code;
        for (std::size_t i = 0; i < units.size(); ++i) {
            by_code.emplace(units[i].info.code, i);
        }
        for (const auto& unit : units) {
            // Walk up to level 1; a broken chain falls back to the code's prefix.
            const geo::UnitInfo* at = &unit.info;
            for (int guard = 0; at->level > 1 && guard < 8; ++guard) {
                const auto it = by_code.find(at->parent_code);
                if (it == by_code.end()) {
                    break;
                }
                at = &units[it->second].info;
            }
            country.push_back(at->level == 1 ? at->code : unit.info.code.substr(0, unit.info.code.find('-')));
            Box box{0, 0, 0, 0};
            GEOSGeom_getXMin_r(geos.handle(), unit.geometry.get(), &box.xmin);
            GEOSGeom_getYMin_r(geos.handle(), unit.geometry.get(), &box.ymin);
            GEOSGeom_getXMax_r(geos.handle(), unit.geometry.get(), &box.xmax);
            GEOSGeom_getYMax_r(geos.handle(), unit.geometry.get(), &box.ymax);
            boxes.push_back(box);
        }
    }

    /// Nearest unit of `level` in `country` within `snap_km` of (lon, lat).
    std::optional<std::pair<std::size_t, double>> nearest(double lon, double lat, int level, std::string_view iso3,
        double snap_km) const
    {
        // Envelope window as in UnitIndex::locate: a degree of latitude is at least 110.57 km.
        const double dlat = snap_km / 110.57 * 1.01;
        const double cos_lat = std::cos(std::min(89.0, std::abs(lat) + dlat) * M_PI / 180.0);
        const double dlon = cos_lat > 1e-6 ? std::min(360.0, snap_km / (111.32 * cos_lat) * 1.01) : 360.0;
        std::optional<std::pair<std::size_t, double>> best;
        for (std::size_t i = 0; i < units.size(); ++i) {
            const Box& b = boxes[i];
            if (units[i].info.level != level || country[i] != iso3 || lon < b.xmin - dlon || lon > b.xmax + dlon ||
                lat < b.ymin - dlat || lat > b.ymax + dlat) {
                continue;
            }
            const double d = geo::distance_km(geos, units[i].geometry.get(), {lon, lat});
            if (d <= snap_km && (!best || d < best->second)) {
                best = std::pair{i, d};
            }
        }
        return best;
    }
};

} // namespace

void locate_points(std::vector<CrossingPoint>& points, const std::filesystem::path& workspace, double snap_km)
{
    const geo::UnitIndex index = geo::UnitIndex::from_workspace(workspace);
    const CountryUnits country_units(workspace);
    for (CrossingPoint& point : points) {
        for (const int level : {2, 3}) {
            std::string& unit = level == 2 ? point.unit_level2 : point.unit_level3;
            std::optional<double>& distance = level == 2 ? point.distance_level2_km : point.distance_level3_km;
            const auto inside = index.locate(point.lon, point.lat, level, 0);
            if (inside) {
                const std::string& code = index.units()[inside->unit].code;
                const auto own = std::find_if(country_units.units.begin(), country_units.units.end(),
                    [&code](const geo::Unit& u) { return u.info.code == code; });
                const std::size_t k = static_cast<std::size_t>(own - country_units.units.begin());
                if (own != country_units.units.end() && country_units.country[k] == point.country_iso3) {
                    unit = code;
                    distance = 0.0;
                    continue;
                }
            }
            if (const auto near = country_units.nearest(point.lon, point.lat, level, point.country_iso3, snap_km)) {
                unit = country_units.units[near->first].info.code;
                distance = near->second;
                continue;
            }
            const auto fallback = inside ? inside : index.locate(point.lon, point.lat, level, snap_km);
            if (fallback) {
                unit = index.units()[fallback->unit].code;
                distance = fallback->distance_km;
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
