#include "demo/crossing_points.hpp"

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "demo/name_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numbers>

namespace migratlas::demo {

using geo::GeosGeometryPtr;

namespace {

/// The longest linestring of a (multi)linestring: crossing points go on the main stretch.
const GEOSGeometry* longest_part(const geo::GeosContext& geos, const GEOSGeometry* lines)
{
    if (geos.type_id(lines) == GEOS_LINESTRING) {
        return lines;
    }
    const GEOSGeometry* best = nullptr;
    double best_length = -1.0;
    const int n = geos.num_geometries(lines);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = geos.geometry_n(lines, i);
        const double length = geos.length(part);
        if (geos.type_id(part) == GEOS_LINESTRING && length > best_length) {
            best = part;
            best_length = length;
        }
    }
    if (best == nullptr) {
        throw DataError("demo region: a land border has no line part");
    }
    return best;
}

void point_at(const geo::GeosContext& geos, const GEOSGeometry* line, double fraction, double& x, double& y)
{
    const GeosGeometryPtr p = geos.own(GEOSInterpolateNormalized_r(geos.handle(), line, fraction), "interpolate");
    const geo::XY xy = geos.point_xy(p.get());
    x = xy.x;
    y = xy.y;
}

} // namespace

const char* transport_mode(PointKind kind)
{
    switch (kind) {
    case PointKind::airport:
        return "air";
    case PointKind::river:
        return "river";
    case PointKind::land:
    case PointKind::bridge:
        break;
    }
    return "land";
}

std::vector<CrossingPoint> make_crossing_points(const geo::GeosContext& geos, const DemoRegion& region,
                                                std::uint64_t seed)
{
    Rng rng(seed, 0x504F494EULL);
    NameGenerator names;
    std::vector<CrossingPoint> points;
    for (const LandBorder& border : region.borders) {
        const GEOSGeometry* line = longest_part(geos, border.line.get());
        const int count = std::clamp(static_cast<int>(std::lround(border.length_km / 60.0)), 4, 6);
        for (int k = 0; k < count; ++k) {
            const double fraction = (k + 0.5 + rng.uniform(-0.3, 0.3)) / count;
            CrossingPoint point;
            point_at(geos, line, fraction, point.x_km, point.y_km);
            const double roll = rng.uniform();
            const std::string place = names.place(rng);
            if (roll < 0.3) {
                // A bridge: its control post sits a few hundred metres off the border line.
                point.kind = PointKind::bridge;
                point.name = "Puente Internacional " + place;
                double ax = 0, ay = 0, bx = 0, by = 0;
                point_at(geos, line, std::max(0.0, fraction - 0.002), ax, ay);
                point_at(geos, line, std::min(1.0, fraction + 0.002), bx, by);
                const double length = std::max(1e-9, std::hypot(bx - ax, by - ay));
                const double offset_km = rng.uniform(0.15, 0.45) * (rng.bernoulli(0.5) ? 1.0 : -1.0);
                point.x_km += -(by - ay) / length * offset_km;
                point.y_km += (bx - ax) / length * offset_km;
            } else if (roll < 0.45) {
                point.kind = PointKind::river;
                point.name = "Paso Fluvial " + place;
            } else {
                point.kind = PointKind::land;
                point.name = "Paso de Frontera " + place;
            }
            point.point_id = fmt::format("{}-{}-{:02d}", border.country_a, border.country_b, k + 1);
            point.country_iso3 = border.country_a;
            point.border_with_iso3 = border.country_b;
            point.traffic_weight = rng.lognormal(0.0, 0.8);
            points.push_back(std::move(point));
        }
    }
    // Airports at the two largest cities of the reporting country (capital first), a few km
    // out of the centre, as airports are.
    std::vector<const City*> cities;
    for (const City& city : region.cities) {
        if (city.country_code == reporting_country) {
            cities.push_back(&city);
        }
    }
    std::stable_sort(cities.begin(), cities.end(),
                     [](const City* a, const City* b) { return a->peak_density > b->peak_density; });
    const RegionUnit& country = region.level1.front();
    const geo::GeosPreparedPtr prepared = geos.prepare(country.shape.get());
    for (std::size_t i = 0; i < std::min<std::size_t>(2, cities.size()); ++i) {
        CrossingPoint airport;
        airport.kind = PointKind::airport;
        airport.point_id = fmt::format("{}-AIR-{:02d}", reporting_country, i + 1);
        airport.name = "Aeropuerto Internacional de " + cities[i]->name;
        airport.country_iso3 = reporting_country;
        airport.traffic_weight = i == 0 ? 3.0 : 1.0;
        for (int attempt = 0;; ++attempt) {
            const double angle = rng.uniform(0.0, 2.0 * std::numbers::pi);
            const double distance = attempt < 50 ? rng.uniform(4.0, 12.0) : 0.0;
            airport.x_km = cities[i]->x_km + distance * std::cos(angle);
            airport.y_km = cities[i]->y_km + distance * std::sin(angle);
            const GeosGeometryPtr p = geos.point({airport.x_km, airport.y_km});
            if (distance == 0.0 || geos.predicate(GEOSPreparedContains_r(geos.handle(), prepared.get(), p.get()), "contains")) {
                break;
            }
        }
        points.push_back(std::move(airport));
    }
    for (CrossingPoint& point : points) {
        point.lon = region.frame.lon(point.x_km);
        point.lat = region.frame.lat(point.y_km);
    }
    return points;
}

void write_crossing_points(const std::filesystem::path& path, const std::vector<CrossingPoint>& points)
{
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
        throw InputError(path.string() + ": cannot create file");
    }
    std::string text = "point_id,name,lon,lat,country_iso3,border_with_iso3\n";
    for (const CrossingPoint& p : points) {
        text += fmt::format("{},{},{:.6f},{:.6f},{},{}\n", p.point_id, csv_escape(p.name), p.lon, p.lat,
                            p.country_iso3, p.border_with_iso3);
    }
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
        throw InputError(path.string() + ": write failed");
    }
}

} // namespace migratlas::demo
