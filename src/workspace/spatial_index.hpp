// The GeoPackage R-tree spatial index of a layer (extension gpkg_rtree_index), built in one pass
// from its features' envelopes instead of one insert at a time. Workspace::commit() builds it for
// the product layers written by write_product (workspace/product_io.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;

namespace migratlas::workspace {

struct IndexEntry {
    std::int64_t id = 0;  ///< the feature's fid
    double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
};

/// One node of an SQLite R-tree as its shadow tables hold it.
struct RtreeNode {
    std::int64_t number = 0;  ///< nodeno; the root is 1
    std::int64_t parent = 0;  ///< nodeno of the parent; 0 for the root
    std::string data;         ///< the node's blob, `node_bytes` long
};

struct PackedRtree {
    std::vector<RtreeNode> nodes;                                 ///< the root first
    std::vector<std::pair<std::int64_t, std::int64_t>> leaf_of;   ///< (entry id, nodeno of its leaf)
};

/// Packs entries into the nodes of a 2-D SQLite R-tree (sort-tile-recursive: full nodes of
/// entries close in x, then in y), in SQLite's node format: a 2-byte depth (root only), a 2-byte
/// cell count, then cells of an 8-byte id and minx, maxx, miny, maxy as 4-byte floats, all
/// big-endian, the floats rounded outward so that every box holds its feature.
[[nodiscard]] PackedRtree pack_rtree(std::vector<IndexEntry> entries, std::size_t node_bytes);

/// Creates the spatial index of `table` (geometry column `geometry_column`, primary key `id_column`)
/// on the open connection `db`, inside its current transaction: the R-tree virtual table
/// rtree_<table>_<column>, filled from `entries` (one per non-empty geometry), the triggers of the
/// GeoPackage standard (1.2, annex F.3) that keep it up to date, and its gpkg_extensions row. Throws
/// Error with SQLite's message on failure.
void add_rtree_index(sqlite3* db, const std::string& table, const std::string& geometry_column,
    const std::string& id_column, std::vector<IndexEntry> entries);

} // namespace migratlas::workspace
