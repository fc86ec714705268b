// The one place that constructs PublishedLayer objects: the disclosure gate, after protection.
// Included only by src/disclose/ sources (tests/layering/check_layering.sh refuses it elsewhere).
#pragma once

#include "disclose/published_layer.hpp"

namespace migratlas::disclose {

class LayerFactory {
public:
    /// Checks that `table` has exactly `columns` (names and types) and, when `geometry` is not
    /// none, one WKB per row (std::logic_error otherwise: a programming error of the gate).
    [[nodiscard]] static PublishedLayer make(std::string name, GeometryKind geometry,
        std::vector<PublishedColumn> columns, Table table, ProductMetadata metadata,
        std::vector<PublishedDimension> dimensions, DisclosureSummary disclosure);
};

} // namespace migratlas::disclose
