// Reads and writes the workspace's `units` layer (EPSG:4326 MultiPolygon) and `unit_neighbours` table.
// geo import writes them through Workspace; UnitIndex and later stages read them.
#pragma once

#include "workspace/workspace.hpp"
#include "geo/neighbours.hpp"
#include "geo/unit.hpp"

#include <gdal_priv.h>

#include <vector>

namespace migratlas::geo {

/// All units of the `units` layer, in stored order. Throws InputError when the layer is absent
/// or lacks one of the expected fields.
[[nodiscard]] std::vector<Unit> read_units(GDALDataset& dataset, const GeosContext& geos);

/// Whether the dataset has a `units` layer.
[[nodiscard]] bool has_units(GDALDataset& dataset);

/// Replaces the `units` layer with `units` (sorted by level, then code, for stable output).
void write_units(workspace::Workspace& workspace, const GeosContext& geos, const std::vector<Unit>& units);

/// Rows of the `unit_neighbours` table; empty when the table is absent.
[[nodiscard]] std::vector<Neighbour> read_neighbours(GDALDataset& dataset);

/// Replaces the `unit_neighbours` table.
void write_neighbours(workspace::Workspace& workspace, const std::vector<Neighbour>& neighbours);

} // namespace migratlas::geo
