// The synthetic demo region: a noisy landmass split into 3 fictional countries, level-2 and
// level-3 units (GEOS Voronoi cells clipped to their parents), land borders and cities.
#pragma once

#include "demo/rng.hpp"
#include "geo/geos_context.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace migratlas::demo {

/// Local equirectangular frame (x east, y north, km) centred on the landmass. Geometry is built
/// in km so that Voronoi cells and areas are isotropic; it is turned into lon/lat only on output.
/// The distortion of a fixed cos(lat0) is below 1% over the few degrees the region spans.
struct LocalFrame {
    double lon0 = -70.0;
    double lat0 = 5.0;
    [[nodiscard]] double lon(double x_km) const;
    [[nodiscard]] double lat(double y_km) const;
    [[nodiscard]] double km_per_degree_lon() const;
    static constexpr double km_per_degree_lat = 110.574;
};

/// A population centre: density adds amplitude * exp(-d^2 / 2 sigma^2) persons per km2.
struct City {
    std::string name;
    std::string country_code;
    double x_km = 0.0;
    double y_km = 0.0;
    double peak_density = 0.0;
    double sigma_km = 0.0;
    bool capital = false;
};

/// One statistical unit at any level. `shape` is a MultiPolygon in the local km frame.
struct RegionUnit {
    std::string code;
    std::string name;
    std::string parent_code; ///< empty at level 1
    int level = 0;
    geo::GeosGeometryPtr shape;
    double area_km2 = 0.0;
    double centroid_x_km = 0.0;
    double centroid_y_km = 0.0;
    /// Expected residents from the density field (level 3 only; summed for level 1 and 2).
    double expected_population = 0.0;
    /// Distance from the centroid to the nearest land border of its country, km.
    double border_distance_km = 0.0;
};

/// The land border between two countries, as it lies on land (a (multi)linestring, km frame).
struct LandBorder {
    std::string country_a; ///< the country with the smaller index (XNA < XSU < XOE)
    std::string country_b;
    geo::GeosGeometryPtr line;
    double length_km = 0.0;
};

struct DemoRegion {
    LocalFrame frame;
    geo::GeosGeometryPtr land;
    std::vector<RegionUnit> level1; ///< XNA (largest, the reporting country), XSU, XOE
    std::vector<RegionUnit> level2;
    std::vector<RegionUnit> level3;
    std::vector<LandBorder> borders;
    std::vector<City> cities;

    /// Residents per km2 at a point of the local frame.
    [[nodiscard]] double density(double x_km, double y_km) const;
};

/// Target counts; the builder reaches them exactly unless a Voronoi cell vanishes (never seen).
struct RegionSpec {
    int level2_units = 40;
    int level3_units = 400;
};

/// Builds the region for `seed`. Every unit is valid, children are clipped to their parent and
/// siblings tile the parent. Throws DataError if GEOS produces an invalid geometry it cannot repair.
DemoRegion build_region(const geo::GeosContext& geos, std::uint64_t seed, const RegionSpec& spec = {});

/// The polygonal part of a GEOS result as a valid MultiPolygon: MakeValid when needed, lines,
/// points and sub-square-metre crumbs dropped. Throws DataError naming `what` if still invalid.
geo::GeosGeometryPtr to_valid_multipolygon(const geo::GeosContext& geos, geo::GeosGeometryPtr geometry,
                                           const std::string& what);

/// ISO 3166-1 reserves XAA-XZZ for user-assigned codes, so these can never clash with a real country.
inline constexpr const char* reporting_country = "XNA";

} // namespace migratlas::demo
