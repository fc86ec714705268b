// Point-in-unit lookup over the MEGA units of a workspace: Boost.Geometry R-tree on bounding boxes
// plus GEOS prepared polygons. Later stages (records, join, border) locate points through it.
#pragma once

#include "geo/unit_info.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::geo {

struct Location {
    std::size_t unit = 0;      ///< index into UnitIndex::units()
    double distance_km = 0.0;  ///< 0 when the point is inside the unit
};

/// Immutable after construction. locate() is safe to call from several threads (it serialises
/// the GEOS work internally, because a GEOS context and prepared geometries are single-threaded).
class UnitIndex {
public:
    /// Loads the `units` layer of a workspace (throws InputError when absent).
    static UnitIndex from_workspace(const std::filesystem::path& workspace);
    /// Builds an index from units given as WKT polygons in lon/lat (tests, synthetic data).
    /// Throws InputError when the sizes differ or a WKT does not parse.
    static UnitIndex from_wkt(std::vector<UnitInfo> units, const std::vector<std::string>& wkt);

    UnitIndex(UnitIndex&&) noexcept;
    UnitIndex& operator=(UnitIndex&&) noexcept;
    ~UnitIndex();

    [[nodiscard]] const std::vector<UnitInfo>& units() const;
    [[nodiscard]] std::optional<std::size_t> find_code(std::string_view code) const;

    /// Unit of `level` containing (lon, lat) WGS84; when none contains it, the nearest unit of that
    /// level within `tolerance_km` (geodesic distance to its boundary); nullopt otherwise.
    /// A point on a shared border belongs to one of the units sharing it (the lower index).
    [[nodiscard]] std::optional<Location> locate(double lon, double lat, int level, double tolerance_km = 0) const;
    /// As above, considering only the units (indexes into units()) for which `accept` returns true
    /// (e.g. the units of one country, to attribute a border bridge to the side it is listed for).
    [[nodiscard]] std::optional<Location> locate(double lon, double lat, int level, double tolerance_km,
        const std::function<bool(std::size_t unit)>& accept) const;

    /// Code of the level-1 ancestor of `unit` (the unit itself at level 1). When the chain of
    /// parents is broken, the unit code's prefix before the first '-' (MEGA codes start with the
    /// country's ISO3 code).
    [[nodiscard]] const std::string& country_of(std::size_t unit) const;

private:
    struct Impl;
    explicit UnitIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace migratlas::geo
