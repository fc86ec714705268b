// How a published layer describes itself to a reader who has only the published bytes: the
// disclosure rule and what it hid (`disclosure`), where its counts sit in the protected family
// (`structure`) and the roles of its columns. The exports put these in datapackage.json
// (`migratlas.disclosure`, `migratlas.structure`), the tiles in their metadata (`migratlas.layers`);
// the audit reads both with one code path.
#pragma once

#include "disclose/published_layer.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace migratlas::disclose {

/// The `structure` block: family, its keys, separate keys, total codes, counts with their
/// coordinates, hierarchies. Only for layers with a family (structure().family not empty).
[[nodiscard]] nlohmann::ordered_json structure_json(const PublishedLayer& layer);

/// The `disclosure` block: rule, threshold, protection level, what was hidden (counts only).
[[nodiscard]] nlohmann::ordered_json disclosure_json(const PublishedLayer& layer);

/// The Table Schema type of a column: integer, number, string.
[[nodiscard]] const char* table_schema_type(ColumnType type);

/// A reader's description of `layer` as written into another container (a tileset), limited to
/// the columns `kept` (attributes the container carries): {"name", "schema": {"fields": [name,
/// type, role]}, "migratlas": {"product", "geometry", "disclosure", "structure"}}, the shape of a
/// datapackage.json resource. A count whose column or coordinate columns are not kept is left out
/// of the structure (the container does not place it in the family); a reader of a container
/// without the status column takes a missing value as hidden.
[[nodiscard]] nlohmann::ordered_json container_description(const PublishedLayer& layer,
    const std::vector<std::string>& kept);

} // namespace migratlas::disclose
