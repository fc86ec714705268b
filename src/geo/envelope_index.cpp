#include "geo/envelope_index.hpp"

#include <algorithm>

namespace migratlas::geo {

Envelope envelope_of(const GeosContext& geos, const GEOSGeometry* geometry)
{
    Envelope box{1, 1, -1, -1};
    if (geometry != nullptr && !geos.is_empty(geometry)) {
        box = geos.extent(geometry);
    }
    return box;
}

EnvelopeIndex::EnvelopeIndex(const GeosContext& geos, const std::vector<const GEOSGeometry*>& geometries)
{
    std::vector<Entry> entries;
    m_envelopes.reserve(geometries.size());
    for (std::size_t i = 0; i < geometries.size(); ++i) {
        const Envelope box = envelope_of(geos, geometries[i]);
        m_envelopes.push_back(box);
        if (box.xmin <= box.xmax) {
            entries.emplace_back(Box(Point(box.xmin, box.ymin), Point(box.xmax, box.ymax)), i);
        }
    }
    // The range constructor packs the tree (STR-like bulk loading): faster queries than inserts.
    m_tree = decltype(m_tree)(entries.begin(), entries.end());
}

std::vector<std::size_t> EnvelopeIndex::query(const Envelope& box) const
{
    std::vector<std::size_t> hits;
    if (box.xmin > box.xmax || box.ymin > box.ymax) {
        return hits;
    }
    std::vector<Entry> found;
    m_tree.query(boost::geometry::index::intersects(Box(Point(box.xmin, box.ymin), Point(box.xmax, box.ymax))),
        std::back_inserter(found));
    hits.reserve(found.size());
    for (const auto& entry : found) {
        hits.push_back(entry.second);
    }
    std::sort(hits.begin(), hits.end());
    return hits;
}

} // namespace migratlas::geo
