// The render stage's own in-memory layer: features with typed attributes and ISO WKB geometry in
// EPSG:4326 (lon/lat), plus the metadata of where they came from. Filled from any OGR source named
// in the atlas file, and (through an adapter) from the disclosure stage's published layers.
#pragma once

#include "common/product.hpp"
#include "common/product_metadata.hpp"
#include "common/table.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace migratlas::render {

struct FeatureLayer {
    std::string name;                       ///< the input (or product) name
    GeometryKind geometry = GeometryKind::none;
    Table table;                            ///< rows + table.geometry_wkb, one WKB per row
    ProductMetadata metadata;               ///< sources (with SHA-256), method, period, disclosure

    [[nodiscard]] std::optional<std::size_t> column(std::string_view column_name) const
    {
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            if (table.columns[i].name == column_name) {
                return i;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::size_t size() const { return table.rows.size(); }
};

/// The value as text ("" when missing; numbers without trailing zeros).
[[nodiscard]] std::string value_text(const TableValue& value);
/// The value as a number; nullopt when missing or not numeric text.
[[nodiscard]] std::optional<double> value_number(const TableValue& value);

} // namespace migratlas::render
