#include "geo/neighbours.hpp"

#include "geo/envelope_index.hpp"
#include "geo/measure.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace migratlas::geo {

namespace {

void level_neighbours(const GeosContext& geos, const std::vector<const Unit*>& units, int level, double snap_km,
    std::vector<Neighbour>& out)
{
    const GEOSContextHandle_t h = geos.handle();
    std::vector<GeosGeometryPtr> boundaries;
    std::vector<GeosPreparedPtr> prepared;
    std::vector<const GEOSGeometry*> raw;
    for (const Unit* unit : units) {
        boundaries.push_back(geos.own(GEOSBoundary_r(h, unit->geometry.get()), "boundary"));
        prepared.push_back(geos.prepare(boundaries.back().get()));
        raw.push_back(boundaries.back().get());
    }
    const EnvelopeIndex index(geos, raw);
    // A degree of latitude is at least 110.57 km, so this buffer radius never exceeds snap_km
    // along meridians; along parallels it is narrower still away from the equator.
    const double snap_deg = snap_km / 110.57;
    for (std::size_t i = 0; i < units.size(); ++i) {
        Envelope window = index.envelope(i);
        window.xmin -= snap_deg;
        window.ymin -= snap_deg;
        window.xmax += snap_deg;
        window.ymax += snap_deg;
        for (std::size_t j : index.query(window)) {
            if (j <= i) {
                continue;
            }
            double km = 0;
            if (geos.predicate(GEOSPreparedIntersects_r(h, prepared[i].get(), raw[j]), "intersects")) {
                // Units that only touch at a corner share points, whose length is 0: not neighbours.
                const GeosGeometryPtr shared = geos.own(GEOSIntersection_r(h, raw[i], raw[j]), "intersection");
                km = length_km(geos, shared.get());
            }
            if (km <= 0 && snap_deg > 0) {
                if (geos.distance(raw[i], raw[j]) <= snap_deg) {
                    const GeosGeometryPtr band = geos.own(GEOSBuffer_r(h, raw[j], snap_deg, 4), "buffer");
                    const GeosGeometryPtr near = geos.own(GEOSIntersection_r(h, raw[i], band.get()), "intersection");
                    km = length_km(geos, near.get());
                    // A boundary crossing the band is 2 * snap_km long inside it: that is a corner, not a border.
                    if (km <= 4 * snap_km) {
                        km = 0;
                    }
                }
            }
            if (km <= 0) {
                continue;
            }
            Neighbour n{units[i]->info.code, units[j]->info.code, level, km};
            if (n.code_b < n.code_a) {
                std::swap(n.code_a, n.code_b);
            }
            out.push_back(std::move(n));
        }
    }
}

} // namespace

std::vector<Neighbour> compute_neighbours(const GeosContext& geos, const std::vector<const Unit*>& units, double snap_km)
{
    std::map<int, std::vector<const Unit*>> by_level;
    for (const Unit* unit : units) {
        by_level[unit->info.level].push_back(unit);
    }
    std::vector<Neighbour> result;
    for (const auto& [level, members] : by_level) {
        level_neighbours(geos, members, level, snap_km, result);
    }
    std::sort(result.begin(), result.end(), [](const Neighbour& a, const Neighbour& b) {
        return std::tie(a.level, a.code_a, a.code_b) < std::tie(b.level, b.code_a, b.code_b);
    });
    return result;
}

} // namespace migratlas::geo
