// Mapnik XML for one planned page, from the styles/ templates: the main map, the locator map and
// the page furniture (frames, title, legend, scale bar, north arrow, notes, page number).
#pragma once

#include "render/atlas.hpp"
#include "render/page_builder.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace migratlas::render {

/// What the XML of one page refers to: templates and the files written for it.
struct XmlContext {
    const std::map<std::string, std::string>* templates = nullptr;
    const StyleSettings* style = nullptr;
    std::string font_regular, font_bold, font_italic;  ///< Mapnik face names
    /// Relative to the folder the XML is loaded from (its base path), like the data files (data/...).
    std::filesystem::path hatch_suppressed = "patterns/hatch_suppressed.svg", hatch_unreliable = "patterns/hatch_unreliable.svg";
};

struct PageXml {
    std::string main_map;
    std::string overview;   ///< empty when the page has no locator map
    std::string furniture;
};

/// Writes the page's data files into `data_dir` (the data/ folder under the XML's base path) and
/// returns its three XML documents.
[[nodiscard]] PageXml make_page_xml(const PagePlan& plan, const XmlContext& context, const std::filesystem::path& data_dir);

/// Mapnik size units (0.28 mm) for a length in mm, and for a font size in points.
[[nodiscard]] double mapnik_units(double mm);
[[nodiscard]] double font_units(double points);

} // namespace migratlas::render
