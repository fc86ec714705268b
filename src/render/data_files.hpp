// The data of one page as shapefiles beside its Mapnik XML: the features each layer shows on that
// page with what the styles need (class, status, opacity, size), and label points. Mapnik's shape
// plugin reads them memory-mapped, in our renderer and in a bare Mapnik run of the same XML alike.
#pragma once

#include "render/page_builder.hpp"

#include <filesystem>
#include <string>

namespace migratlas::render {

/// features: the geometries; labels: anchor points of labelled features; anchors: anchor points of all.
enum class LayerFileKind { features, labels, anchors };

/// Writes `<dir>/<stem>.shp` (+ .shx, .dbf, .cpg); returns the .shp path. `opacity_faded`
/// is the [op] of features out of focus.
std::filesystem::path write_layer_file(const PageLayerPlan& plan, LayerFileKind kind, double opacity_faded,
    const std::filesystem::path& dir, const std::string& stem);

} // namespace migratlas::render
