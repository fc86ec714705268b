// Geometries the tests write into workspaces and layers, as ISO WKB in lon/lat (EPSG:4326).
#pragma once

#include <ogr_geometry.h>

#include <string>

namespace migratlas::test {

/// The multipolygon of one axis-aligned box.
inline std::string box_wkb(double x0, double y0, double x1, double y1)
{
    OGRLinearRing ring;
    ring.addPoint(x0, y0);
    ring.addPoint(x1, y0);
    ring.addPoint(x1, y1);
    ring.addPoint(x0, y1);
    ring.closeRings();
    OGRPolygon polygon;
    polygon.addRing(&ring);
    OGRMultiPolygon multi;
    multi.addGeometry(&polygon);
    std::string wkb(multi.WkbSize(), '\0');
    multi.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

inline std::string point_wkb(double x, double y)
{
    OGRPoint point(x, y);
    std::string wkb(point.WkbSize(), '\0');
    point.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

} // namespace migratlas::test
