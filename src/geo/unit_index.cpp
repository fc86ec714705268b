#include "geo/unit_index.hpp"

#include "common/error.hpp"
#include "workspace/workspace.hpp"
#include "geo/envelope_index.hpp"
#include "geo/measure.hpp"
#include "geo/unit_store.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <unordered_map>

namespace migratlas::geo {

struct UnitIndex::Impl {
    // Declaration order matters: geometries must be destroyed before the context that owns them.
    std::unique_ptr<GeosContext> geos = std::make_unique<GeosContext>();
    std::vector<UnitInfo> units;
    std::vector<GeosGeometryPtr> geometries;
    std::vector<GeosPreparedPtr> prepared;
    std::unordered_map<std::string, std::size_t> by_code;
    std::vector<std::string> countries;  ///< level-1 ancestor code per unit
    std::unique_ptr<EnvelopeIndex> index;
    std::mutex mutex;

    void finish()
    {
        std::vector<const GEOSGeometry*> raw;
        for (std::size_t i = 0; i < geometries.size(); ++i) {
            raw.push_back(geometries[i].get());
            prepared.push_back(geos->own_prepared(GEOSPrepare_r(geos->handle(), geometries[i].get()), "prepare"));
            by_code.emplace(units[i].code, i);
        }
        index = std::make_unique<EnvelopeIndex>(*geos, raw);
        for (const UnitInfo& unit : units) {
            const UnitInfo* at = &unit;
            // MEGA has at most a handful of levels; the bound also stops a cycle of bad parent codes.
            for (int step = 0; at->level > 1 && step < 10; ++step) {
                const auto parent = by_code.find(at->parent_code);
                if (parent == by_code.end()) {
                    break;
                }
                at = &units[parent->second];
            }
            countries.push_back(at->level == 1 ? at->code : unit.code.substr(0, unit.code.find('-')));
        }
    }
};

UnitIndex::UnitIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
UnitIndex::UnitIndex(UnitIndex&&) noexcept = default;
UnitIndex& UnitIndex::operator=(UnitIndex&&) noexcept = default;
UnitIndex::~UnitIndex() = default;

UnitIndex UnitIndex::from_workspace(const std::filesystem::path& workspace)
{
    auto impl = std::make_unique<Impl>();
    GDALDatasetUniquePtr dataset = workspace::open_readonly(workspace);
    std::vector<Unit> units = read_units(*dataset, *impl->geos);
    for (auto& unit : units) {
        impl->units.push_back(std::move(unit.info));
        impl->geometries.push_back(std::move(unit.geometry));
    }
    impl->finish();
    return UnitIndex(std::move(impl));
}

UnitIndex UnitIndex::from_wkt(std::vector<UnitInfo> units, const std::vector<std::string>& wkt)
{
    if (units.size() != wkt.size()) {
        throw InputError("UnitIndex::from_wkt: " + std::to_string(units.size()) + " units but " +
            std::to_string(wkt.size()) + " geometries");
    }
    auto impl = std::make_unique<Impl>();
    for (std::size_t i = 0; i < wkt.size(); ++i) {
        try {
            impl->geometries.push_back(impl->geos->from_wkt(wkt[i]));
        } catch (const Error& e) {
            throw InputError("unit '" + units[i].code + "': invalid WKT: " + e.what());
        }
    }
    impl->units = std::move(units);
    impl->finish();
    return UnitIndex(std::move(impl));
}

const std::vector<UnitInfo>& UnitIndex::units() const
{
    return m_impl->units;
}

std::optional<std::size_t> UnitIndex::find_code(std::string_view code) const
{
    const auto it = m_impl->by_code.find(std::string(code));
    if (it == m_impl->by_code.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<Location> UnitIndex::locate(double lon, double lat, int level, double tolerance_km) const
{
    return locate(lon, lat, level, tolerance_km, [](std::size_t) { return true; });
}

const std::string& UnitIndex::country_of(std::size_t unit) const
{
    return m_impl->countries.at(unit);
}

std::optional<Location> UnitIndex::locate(double lon, double lat, int level, double tolerance_km,
    const std::function<bool(std::size_t unit)>& accept) const
{
    if (!std::isfinite(lon) || !std::isfinite(lat)) {
        return std::nullopt;
    }
    Impl& impl = *m_impl;
    const std::lock_guard lock(impl.mutex);
    const GeosContext& geos = *impl.geos;
    const GeosGeometryPtr point = geos.own(GEOSGeom_createPointFromXY_r(geos.handle(), lon, lat), "point");
    for (std::size_t i : impl.index->query({lon, lat, lon, lat})) {
        if (impl.units[i].level == level && accept(i) &&
            geos.predicate(GEOSPreparedIntersects_r(geos.handle(), impl.prepared[i].get(), point.get()), "intersects")) {
            return Location{i, 0.0};
        }
    }
    if (tolerance_km <= 0) {
        return std::nullopt;
    }
    // Envelope search window: one degree of latitude is at least 110.57 km; a degree of longitude
    // shrinks with cos(lat), so near the poles the window spans every longitude.
    const double dlat = tolerance_km / 110.57 * 1.01;
    const double cos_lat = std::cos(std::min(89.0, std::abs(lat) + dlat) * std::numbers::pi / 180.0);
    const double dlon = cos_lat > 1e-6 ? std::min(360.0, tolerance_km / (111.32 * cos_lat) * 1.01) : 360.0;
    std::optional<Location> best;
    for (std::size_t i : impl.index->query({lon - dlon, lat - dlat, lon + dlon, lat + dlat})) {
        if (impl.units[i].level != level || !accept(i)) {
            continue;
        }
        const double d = distance_km(geos, impl.geometries[i].get(), {lon, lat});
        if (d <= tolerance_km && (!best || d < best->distance_km)) {
            best = Location{i, d};
        }
    }
    return best;
}

} // namespace migratlas::geo
