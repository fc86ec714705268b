// Local map projections through PROJ for measuring lon/lat geometries in metres: Lambert azimuthal
// equal-area for areas and azimuthal equidistant for distances from a point. Used by geo measures.
#pragma once

#include "geo/geos_context.hpp"

#include <memory>

namespace migratlas::geo {

/// A PROJ pipeline from WGS84 lon/lat degrees to metres in a projection centred on (lon0, lat0).
/// Areas are exact in the equal-area kind anywhere; distances are exact from the centre in the
/// equidistant kind, which is why each measure picks its own centre.
class LocalProjection {
public:
    enum class Kind { equal_area, equidistant };

    LocalProjection(Kind kind, double lon0, double lat0);
    ~LocalProjection();
    LocalProjection(const LocalProjection&) = delete;
    LocalProjection& operator=(const LocalProjection&) = delete;

    /// A copy of `geometry` (lon/lat) with every coordinate projected to metres.
    [[nodiscard]] GeosGeometryPtr forward(const GeosContext& geos, const GEOSGeometry* geometry) const;

private:
    struct Handles;
    std::unique_ptr<Handles> m_handles;
};

} // namespace migratlas::geo
