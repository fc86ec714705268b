// The files beside the pages: classes.json (the classes, colours, labels and hatches of every
// thematic layer, for the web viewer to draw the same map) and index.html (thumbnails linking to
// every page and to the PDF). Formats in docs/atlas-file.md.
#pragma once

#include "render/page_builder.hpp"

#include <string>
#include <vector>

namespace migratlas::render {

/// Deterministic JSON (no timestamps) of the prepared layers, in name order, with the atlas's
/// title (the viewer's heading; omitted when empty).
[[nodiscard]] std::string classes_json(const AtlasData& data, const std::string& atlas_title);

struct IndexEntry {
    std::string name, title, subtitle, png, thumbnail;
    int number = 0;
};

[[nodiscard]] std::string index_html(const std::string& atlas_title, const std::vector<IndexEntry>& pages, const std::string& pdf);

} // namespace migratlas::render
