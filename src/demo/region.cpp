#include "demo/region.hpp"

#include "common/error.hpp"
#include "demo/name_generator.hpp"
#include "geo/repair.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <utility>

namespace migratlas::demo {

using geo::GeosContext;
using geo::GeosGeometryPtr;

double LocalFrame::km_per_degree_lon() const { return 111.320 * std::cos(lat0 * std::numbers::pi / 180.0); }
double LocalFrame::lon(double x_km) const { return lon0 + x_km / km_per_degree_lon(); }
double LocalFrame::lat(double y_km) const { return lat0 + y_km / km_per_degree_lat; }

double DemoRegion::density(double x_km, double y_km) const
{
    // A thin rural background plus Gaussian cities: rural units are large and sparse, city
    // units small and dense, as in real census geographies.
    double value = 4.0;
    for (const City& city : cities) {
        const double dx = x_km - city.x_km;
        const double dy = y_km - city.y_km;
        value += city.peak_density * std::exp(-(dx * dx + dy * dy) / (2.0 * city.sigma_km * city.sigma_km));
    }
    return value;
}

namespace {

using Point = geo::XY;

constexpr std::array<const char*, 3> country_codes = {"XNA", "XSU", "XOE"};

Point centroid_of(const GeosContext& geos, const GEOSGeometry* g)
{
    const GeosGeometryPtr c = geos.own(GEOSGetCentroid_r(geos.handle(), g), "centroid");
    return geos.point_xy(c.get());
}

} // namespace

GeosGeometryPtr to_valid_multipolygon(const GeosContext& geos, GeosGeometryPtr g, const std::string& what)
{
    GEOSContextHandle_t h = geos.handle();
    if (!geos.is_valid(g.get())) {
        g = geos.own(GEOSMakeValid_r(h, g.get()), "MakeValid");
    }
    // Parts under 1e-12 (a square metre whether in km2 or degrees2) are overlay crumbs, not land.
    constexpr double crumb_area = 1e-12;
    GeosGeometryPtr multi = geo::collect_polygons(geos, g.get(), crumb_area);
    if (!geos.is_valid(multi.get())) {
        GeosGeometryPtr repaired = geos.own(GEOSMakeValid_r(h, multi.get()), "MakeValid");
        multi = geo::collect_polygons(geos, repaired.get(), crumb_area);
        if (!geos.is_valid(multi.get())) {
            throw DataError("demo region: the geometry of " + what + " stays invalid after MakeValid: " +
                            geos.last_message());
        }
    }
    return multi;
}

namespace {

GeosGeometryPtr intersection(const GeosContext& geos, const GEOSGeometry* a, const GEOSGeometry* b)
{
    return geos.own(GEOSIntersection_r(geos.handle(), a, b), "intersection");
}

GeosGeometryPtr difference(const GeosContext& geos, const GEOSGeometry* a, const GEOSGeometry* b)
{
    return geos.own(GEOSDifference_r(geos.handle(), a, b), "difference");
}

/// A star-shaped coastline: a few low harmonics give peninsulas and bays, jitter gives a ragged
/// coast. Star-shaped with a positive radius, so the ring is always simple.
std::vector<Point> landmass_ring(Rng& rng, double radius_km)
{
    constexpr int vertices = 480;
    std::array<double, 7> amplitude{};
    std::array<double, 7> phase{};
    for (std::size_t k = 2; k < amplitude.size(); ++k) {
        amplitude[k] = rng.uniform(0.02, 0.18) / std::sqrt(static_cast<double>(k));
        phase[k] = rng.uniform(0.0, 2.0 * std::numbers::pi);
    }
    std::vector<Point> ring;
    ring.reserve(vertices);
    for (int i = 0; i < vertices; ++i) {
        const double theta = 2.0 * std::numbers::pi * i / vertices;
        double r = 1.0;
        for (std::size_t k = 2; k < amplitude.size(); ++k) {
            r += amplitude[k] * std::cos(static_cast<double>(k) * theta + phase[k]);
        }
        r *= 1.0 + rng.uniform(-0.015, 0.015);
        r = std::max(r, 0.35) * radius_km;
        ring.push_back({r * std::cos(theta), r * std::sin(theta)});
    }
    return ring;
}

/// A border line from `start` in direction `angle`, made irregular by midpoint displacement
/// perpendicular to its direction (the line stays monotone along it, hence simple).
std::vector<Point> noisy_ray(Rng& rng, Point start, double angle, double length_km)
{
    constexpr int depth = 8;
    constexpr std::size_t count = (1U << depth) + 1;
    std::vector<double> offset(count, 0.0);
    for (std::size_t step = count - 1; step > 1; step /= 2) {
        for (std::size_t i = 0; i + step < count; i += step) {
            const double span = length_km * static_cast<double>(step) / static_cast<double>(count - 1);
            offset[i + step / 2] = 0.5 * (offset[i] + offset[i + step]) + rng.uniform(-0.16, 0.16) * span;
        }
    }
    const double ux = std::cos(angle);
    const double uy = std::sin(angle);
    std::vector<Point> line;
    line.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const double along = length_km * static_cast<double>(i) / static_cast<double>(count - 1);
        line.push_back({start.x + along * ux - offset[i] * uy, start.y + along * uy + offset[i] * ux});
    }
    return line;
}

bool contains_point(const GeosContext& geos, const GEOSPreparedGeometry* prepared, Point p)
{
    const GeosGeometryPtr point = geos.point(p);
    return geos.predicate(GEOSPreparedContains_r(geos.handle(), prepared, point.get()), "contains");
}

/// Seeds inside `shape`, accepted with probability `weight(p) / max_weight` and kept at least
/// `min_distance` apart (relaxed when the polygon is too crowded), so no Voronoi cell is a sliver.
template <typename Weight>
std::vector<Point> scatter_seeds(const GeosContext& geos, Rng& rng, const GEOSGeometry* shape, int count,
                                 double min_distance, Weight weight, double max_weight)
{
    const geo::GeosPreparedPtr prepared = geos.prepare(shape);
    const geo::Envelope box = geos.extent(shape);
    std::vector<Point> seeds;
    int failures = 0;
    while (static_cast<int>(seeds.size()) < count) {
        const Point p{rng.uniform(box.xmin, box.xmax), rng.uniform(box.ymin, box.ymax)};
        if (!contains_point(geos, prepared.get(), p)) {
            continue;
        }
        if (rng.uniform() * max_weight > weight(p)) {
            continue;
        }
        const bool crowded = std::any_of(seeds.begin(), seeds.end(), [&](const Point& q) {
            return std::hypot(p.x - q.x, p.y - q.y) < min_distance;
        });
        if (crowded) {
            if (++failures > 400) {
                min_distance *= 0.7;
                failures = 0;
            }
            continue;
        }
        seeds.push_back(p);
    }
    return seeds;
}

/// Voronoi cells of `seeds` clipped to `parent`: an exact tiling of the parent.
std::vector<GeosGeometryPtr> voronoi_children(const GeosContext& geos, const GEOSGeometry* parent,
                                              const std::vector<Point>& seeds, const std::string& what)
{
    std::vector<GeosGeometryPtr> points;
    points.reserve(seeds.size());
    for (const Point& p : seeds) {
        points.push_back(geos.point(p));
    }
    const GeosGeometryPtr multipoint = geos.collection(GEOS_MULTIPOINT, std::move(points));
    // The parent is passed as the envelope so the diagram covers all of it.
    const GeosGeometryPtr diagram =
        geos.own(GEOSVoronoiDiagram_r(geos.handle(), multipoint.get(), parent, 0.0, 0), "Voronoi");
    std::vector<GeosGeometryPtr> cells;
    const int n = geos.num_geometries(diagram.get());
    for (int i = 0; i < n; ++i) {
        GeosGeometryPtr clipped = intersection(geos, geos.geometry_n(diagram.get(), i), parent);
        GeosGeometryPtr cell = to_valid_multipolygon(geos, std::move(clipped), what);
        if (geos.num_geometries(cell.get()) > 0) {
            cells.push_back(std::move(cell));
        }
    }
    return cells;
}

/// Splits `total` into integer shares proportional to `weights`, each at least `minimum`
/// (largest-remainder method, ties by index so the result is deterministic).
std::vector<int> allocate(const std::vector<double>& weights, int total, int minimum)
{
    const auto n = static_cast<int>(weights.size());
    std::vector<int> shares(weights.size(), minimum);
    const int free_units = total - minimum * n;
    double weight_sum = 0.0;
    for (const double w : weights) {
        weight_sum += w;
    }
    std::vector<std::pair<double, std::size_t>> remainders;
    int given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = free_units * weights[i] / weight_sum;
        const double whole = std::floor(exact);
        shares[i] += static_cast<int>(whole);
        given += static_cast<int>(whole);
        remainders.emplace_back(exact - whole, i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (int k = 0; k < free_units - given; ++k) {
        ++shares[remainders[static_cast<std::size_t>(k) % remainders.size()].second];
    }
    return shares;
}

RegionUnit make_unit(const GeosContext& geos, GeosGeometryPtr shape, int level)
{
    RegionUnit unit;
    unit.level = level;
    unit.area_km2 = geos.area(shape.get());
    const Point c = centroid_of(geos, shape.get());
    unit.centroid_x_km = c.x;
    unit.centroid_y_km = c.y;
    unit.shape = std::move(shape);
    return unit;
}

/// Codes follow map reading order (north to south, then west to east) so neighbours get
/// nearby numbers, as national statistical offices usually number their units.
void sort_reading_order(std::vector<RegionUnit>& units)
{
    std::stable_sort(units.begin(), units.end(), [](const RegionUnit& a, const RegionUnit& b) {
        const double band_a = std::floor(a.centroid_y_km / 40.0);
        const double band_b = std::floor(b.centroid_y_km / 40.0);
        if (band_a != band_b) {
            return band_a > band_b;
        }
        return a.centroid_x_km < b.centroid_x_km;
    });
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }
std::string three_digits(int n) { return (n < 100 ? "0" : "") + two_digits(n); }

/// Mean density over a unit from a regular grid of about 150 points inside it, times its area.
double integrate_population(const GeosContext& geos, const DemoRegion& region, const RegionUnit& unit)
{
    const geo::GeosPreparedPtr prepared = geos.prepare(unit.shape.get());
    const geo::Envelope box = geos.extent(unit.shape.get());
    const double step = std::sqrt(unit.area_km2 / 150.0);
    double sum = 0.0;
    int inside = 0;
    for (double y = box.ymin + step / 2; y < box.ymax; y += step) {
        for (double x = box.xmin + step / 2; x < box.xmax; x += step) {
            if (contains_point(geos, prepared.get(), {x, y})) {
                sum += region.density(x, y);
                ++inside;
            }
        }
    }
    const double mean = inside > 0 ? sum / inside : region.density(unit.centroid_x_km, unit.centroid_y_km);
    return mean * unit.area_km2;
}

} // namespace

DemoRegion build_region(const GeosContext& geos, std::uint64_t seed, const RegionSpec& spec)
{
    GEOSContextHandle_t h = geos.handle();
    Rng rng(seed, 0x5245474FULL);
    NameGenerator names;
    DemoRegion region;
    region.frame.lon0 = -70.0 + rng.uniform(-1.0, 1.0);
    region.frame.lat0 = 5.0 + rng.uniform(-1.0, 1.0);

    constexpr double radius_km = 330.0;
    region.land = to_valid_multipolygon(geos, geos.polygon(landmass_ring(rng, radius_km)), "the landmass");

    // Three noisy borders radiate from a tripoint near the middle; the angular shares make
    // the first wedge the largest country (the reporting country).
    const Point tripoint{rng.uniform(-40.0, 40.0), rng.uniform(-40.0, 40.0)};
    const double start_angle = rng.uniform(0.0, 2.0 * std::numbers::pi);
    const std::array<double, 3> share_deg = {150.0 + rng.uniform(-10, 10), 115.0 + rng.uniform(-10, 10), 0.0};
    std::array<double, 4> ray_angle{};
    ray_angle[0] = start_angle;
    ray_angle[1] = start_angle + share_deg[0] * std::numbers::pi / 180.0;
    ray_angle[2] = ray_angle[1] + share_deg[1] * std::numbers::pi / 180.0;
    ray_angle[3] = start_angle + 2.0 * std::numbers::pi;
    const double reach = 3.0 * radius_km;
    std::array<std::vector<Point>, 3> rays;
    for (std::size_t i = 0; i < 3; ++i) {
        rays[i] = noisy_ray(rng, tripoint, ray_angle[i], reach);
    }
    std::vector<GeosGeometryPtr> countries;
    GeosGeometryPtr taken;
    for (std::size_t i = 0; i < 3; ++i) {
        GeosGeometryPtr country;
        if (i < 2) {
            std::vector<Point> ring = rays[i];
            for (double a = ray_angle[i] + 0.05; a < ray_angle[i + 1] - 0.02; a += 0.05) {
                ring.push_back({tripoint.x + reach * 1.2 * std::cos(a), tripoint.y + reach * 1.2 * std::sin(a)});
            }
            const std::vector<Point>& next = rays[(i + 1) % 3];
            ring.insert(ring.end(), next.rbegin(), next.rend() - 1);
            GeosGeometryPtr wedge = to_valid_multipolygon(geos, geos.polygon(ring), "a country wedge");
            country = intersection(geos, region.land.get(), wedge.get());
            if (taken) {
                country = difference(geos, country.get(), taken.get());
            }
        } else {
            // The last country is the rest of the land, so the three tile the landmass exactly.
            country = difference(geos, region.land.get(), taken.get());
        }
        country = to_valid_multipolygon(geos, std::move(country), std::string("country ") + country_codes[i]);
        taken = taken ? geos.own(GEOSUnion_r(h, taken.get(), country.get()), "union")
                      : geos.clone(country.get());
        countries.push_back(std::move(country));
    }
    // Largest area first: XNA, then XSU, then XOE.
    std::vector<std::pair<double, std::size_t>> by_area;
    for (std::size_t i = 0; i < countries.size(); ++i) {
        by_area.emplace_back(geos.area(countries[i].get()), i);
    }
    std::stable_sort(by_area.begin(), by_area.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::array<std::size_t, 3> ray_country_index{}; // wedge index -> position in level1
    for (std::size_t rank = 0; rank < 3; ++rank) {
        const std::size_t wedge = by_area[rank].second;
        ray_country_index[wedge] = rank;
        RegionUnit unit = make_unit(geos, std::move(countries[wedge]), 1);
        unit.code = country_codes[rank];
        unit.name = names.country(rng);
        region.level1.push_back(std::move(unit));
    }
    // Ray i separates wedge i-1 and wedge i; its part on land is their land border.
    for (std::size_t i = 0; i < 3; ++i) {
        const std::size_t a = ray_country_index[(i + 2) % 3];
        const std::size_t b = ray_country_index[i];
        const GeosGeometryPtr ray = geos.line_string(rays[i]);
        LandBorder border;
        border.country_a = region.level1[std::min(a, b)].code;
        border.country_b = region.level1[std::max(a, b)].code;
        GeosGeometryPtr on_land = intersection(geos, ray.get(), region.land.get());
        border.line = geos.own(GEOSLineMerge_r(h, on_land.get()), "line merge");
        border.length_km = geos.length(border.line.get());
        region.borders.push_back(std::move(border));
    }
    std::stable_sort(region.borders.begin(), region.borders.end(), [](const LandBorder& x, const LandBorder& y) {
        return std::pair(x.country_a, x.country_b) < std::pair(y.country_a, y.country_b);
    });

    // Cities: a capital and 2-4 secondary cities per country, at least 70 km apart.
    for (const RegionUnit& country : region.level1) {
        const int secondary = static_cast<int>(rng.between(2, 4));
        std::vector<Point> centres = scatter_seeds(
            geos, rng, country.shape.get(), secondary + 1, 70.0, [](Point) { return 1.0; }, 1.0);
        for (std::size_t i = 0; i < centres.size(); ++i) {
            City city;
            city.name = names.place(rng);
            city.country_code = country.code;
            city.x_km = centres[i].x;
            city.y_km = centres[i].y;
            city.capital = i == 0;
            city.peak_density = city.capital ? rng.uniform(1300.0, 1700.0) : rng.uniform(350.0, 700.0);
            city.sigma_km = city.capital ? rng.uniform(8.0, 10.0) : rng.uniform(5.0, 7.0);
            region.cities.push_back(std::move(city));
        }
    }
    const auto density = [&region](Point p) { return region.density(p.x, p.y); };

    // Level 2: about 40 units shared by area, at least 8 per country.
    std::vector<double> country_areas;
    for (const RegionUnit& country : region.level1) {
        country_areas.push_back(country.area_km2);
    }
    const std::vector<int> level2_counts = allocate(country_areas, spec.level2_units, 8);
    for (std::size_t c = 0; c < region.level1.size(); ++c) {
        const RegionUnit& country = region.level1[c];
        const int n = level2_counts[c];
        // Mildly denser seeds near cities: urban provinces are smaller, as in real geographies.
        const auto weight = [&](Point p) { return 1.0 + 0.01 * density(p); };
        const std::vector<Point> seeds = scatter_seeds(geos, rng, country.shape.get(), n,
                                                       0.6 * std::sqrt(country.area_km2 / n), weight, 20.0);
        std::vector<RegionUnit> children;
        for (GeosGeometryPtr& cell : voronoi_children(geos, country.shape.get(), seeds, "a level-2 unit of " + country.code)) {
            children.push_back(make_unit(geos, std::move(cell), 2));
        }
        sort_reading_order(children);
        for (std::size_t i = 0; i < children.size(); ++i) {
            children[i].code = country.code + "-" + two_digits(static_cast<int>(i) + 1);
            children[i].name = names.place(rng);
            children[i].parent_code = country.code;
            region.level2.push_back(std::move(children[i]));
        }
    }

    // Level 3: about 400 units; more (hence smaller) units where more people live.
    std::vector<double> level2_weights;
    for (RegionUnit& unit : region.level2) {
        unit.expected_population = integrate_population(geos, region, unit);
        level2_weights.push_back(std::sqrt(unit.expected_population * unit.area_km2));
    }
    const std::vector<int> level3_counts = allocate(level2_weights, spec.level3_units, 4);
    for (std::size_t p = 0; p < region.level2.size(); ++p) {
        const RegionUnit& parent = region.level2[p];
        const int n = level3_counts[p];
        double peak = 0.0;
        for (const City& city : region.cities) {
            peak = std::max(peak, city.peak_density);
        }
        const auto weight = [&](Point q) { return std::sqrt(density(q)); };
        const std::vector<Point> seeds = scatter_seeds(geos, rng, parent.shape.get(), n,
                                                       0.3 * std::sqrt(parent.area_km2 / n), weight,
                                                       std::sqrt(peak + 4.0));
        std::vector<RegionUnit> children;
        for (GeosGeometryPtr& cell : voronoi_children(geos, parent.shape.get(), seeds, "a level-3 unit of " + parent.code)) {
            children.push_back(make_unit(geos, std::move(cell), 3));
        }
        sort_reading_order(children);
        for (std::size_t i = 0; i < children.size(); ++i) {
            RegionUnit& child = children[i];
            child.code = parent.code + three_digits(static_cast<int>(i) + 1);
            child.name = names.place(rng);
            child.parent_code = parent.code;
            child.expected_population = integrate_population(geos, region, child);
            region.level3.push_back(std::move(child));
        }
    }

    // Totals upwards and distance of each unit to its country's land borders (migrant shares
    // are higher near the borders).
    for (RegionUnit& unit : region.level2) {
        unit.expected_population = 0.0;
    }
    for (RegionUnit& country : region.level1) {
        country.expected_population = 0.0;
    }
    for (const RegionUnit& unit : region.level3) {
        for (RegionUnit& parent : region.level2) {
            if (parent.code == unit.parent_code) {
                parent.expected_population += unit.expected_population;
            }
        }
    }
    for (const RegionUnit& unit : region.level2) {
        for (RegionUnit& country : region.level1) {
            if (country.code == unit.parent_code) {
                country.expected_population += unit.expected_population;
            }
        }
    }
    const auto set_border_distance = [&](RegionUnit& unit, const std::string& country_code) {
        const GeosGeometryPtr centre = geos.point({unit.centroid_x_km, unit.centroid_y_km});
        double best = 1e12;
        for (const LandBorder& border : region.borders) {
            if (border.country_a == country_code || border.country_b == country_code) {
                best = std::min(best, geos.distance(centre.get(), border.line.get()));
            }
        }
        unit.border_distance_km = best;
    };
    for (RegionUnit& unit : region.level2) {
        set_border_distance(unit, unit.parent_code);
    }
    for (RegionUnit& unit : region.level3) {
        set_border_distance(unit, unit.code.substr(0, 3));
    }
    return region;
}

} // namespace migratlas::demo
