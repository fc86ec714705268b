#include "geo/wkb.hpp"

#include <ogr_geometry.h>

namespace migratlas::geo {

namespace {

std::string export_wkb(const OGRGeometry& geometry)
{
    std::string wkb(geometry.WkbSize(), '\0');
    geometry.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

} // namespace

std::string point_wkb(LonLat point)
{
    return export_wkb(OGRPoint(point.lon, point.lat));
}

std::string multilinestring_wkb(const std::vector<std::vector<LonLat>>& parts)
{
    OGRMultiLineString multi;
    for (const auto& part : parts) {
        OGRLineString line;
        for (const LonLat& p : part) {
            line.addPoint(p.lon, p.lat);
        }
        multi.addGeometry(&line);
    }
    return export_wkb(multi);
}

} // namespace migratlas::geo
