// An R-tree (Boost.Geometry, packed) over the envelopes of a set of geometries, in lon/lat.
// Used for candidate pairs (overlaps, gaps, neighbours) and for point lookup in UnitIndex.
#pragma once

#include "geo/geos_context.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cstddef>
#include <vector>

namespace migratlas::geo {

/// Envelope of a geometry; an empty geometry gets an inverted envelope that matches nothing.
[[nodiscard]] Envelope envelope_of(const GeosContext& geos, const GEOSGeometry* geometry);

class EnvelopeIndex {
public:
    /// Entry i of the index is geometries[i]; null or empty geometries are not indexed.
    EnvelopeIndex(const GeosContext& geos, const std::vector<const GEOSGeometry*>& geometries);

    /// Indices whose envelope intersects `box`, in ascending order.
    [[nodiscard]] std::vector<std::size_t> query(const Envelope& box) const;
    [[nodiscard]] const Envelope& envelope(std::size_t i) const { return m_envelopes[i]; }

private:
    using Point = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;
    using Box = boost::geometry::model::box<Point>;
    using Entry = std::pair<Box, std::size_t>;
    std::vector<Envelope> m_envelopes;
    boost::geometry::index::rtree<Entry, boost::geometry::index::quadratic<16>> m_tree;
};

} // namespace migratlas::geo
