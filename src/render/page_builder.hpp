// From the atlas file and its data to a list of planned pages: thematic layers classified once for
// the whole atlas (so that pages compare), page series expanded (one page per unit), each page's
// projection, extent, visible features, labels, legend (classes present only) and scale bar.
#pragma once

#include "common/diagnostics.hpp"
#include "render/atlas.hpp"
#include "render/classification.hpp"
#include "render/colour.hpp"
#include "render/feature_layer.hpp"
#include "render/page_projection.hpp"

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace migratlas::render {

enum class ValueStatus { ok, suppressed, unreliable, missing };

struct PreparedFeature {
    std::size_t row = 0;
    std::string code;
    std::string label;
    std::optional<double> value;
    ValueStatus status = ValueStatus::ok;
    int class_index = -1;           ///< choropleth class; -1 when none
    double size = 0;                ///< symbols: diameter, corridors: width, in 0.28 mm units
    LonLatBox box;
    double area_km2 = 0;
    std::string wkb;                ///< ISO WKB (EPSG:4326)
};

/// Label and symbol points (pole of inaccessibility for polygons) of an input's features, by row,
/// found on first use and kept: a page labels few of its units, and the largest inscribed circle
/// is the dearest step of preparing a polygon layer. Thread safe: pages are planned in parallel.
class AnchorPoints {
public:
    AnchorPoints(std::shared_ptr<const FeatureLayer> input, std::vector<LonLatBox> boxes);
    ~AnchorPoints();
    AnchorPoints(const AnchorPoints&) = delete;
    AnchorPoints& operator=(const AnchorPoints&) = delete;
    [[nodiscard]] std::array<double, 2> at(std::size_t row) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// A thematic layer ready to draw: values read, statuses decoded, classes and sizes computed.
struct PreparedLayer {
    const LayerSpec* spec = nullptr;
    GeometryKind geometry = GeometryKind::none;
    std::vector<PreparedFeature> features;
    ClassBreaks breaks;
    std::vector<Colour> colours;
    std::vector<std::string> class_labels;
    bool integral_values = true;
    double max_value = 0;
    std::string suppressed_label, unreliable_label;
    ProductMetadata metadata;
    std::shared_ptr<const AnchorPoints> anchors;

    /// The feature's label / symbol point (lon, lat).
    [[nodiscard]] std::array<double, 2> anchor(const PreparedFeature& feature) const { return anchors->at(feature.row); }
};

struct LegendRow {
    enum class Swatch { fill, pattern_suppressed, pattern_unreliable, line, marker, circle } swatch = Swatch::fill;
    Colour colour;
    double size_mm = 0;  ///< circle diameter, line width or marker size
    std::string label;
};

struct LegendBlock {
    std::string heading;
    std::string unit;
    LayerKind kind = LayerKind::choropleth;
    std::vector<LegendRow> rows;
};

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;  ///< mm from the paper's top-left corner
};

/// The page layout in paper millimetres, from the paper size and the legend's needs.
struct PageLayout {
    double width = 0, height = 0;
    Rect map, overview, legend, scale_bar, north_arrow, notes;
    double title_y = 0, subtitle_y = 0, footer_y = 0;
};

struct PageLayerPlan {
    const PreparedLayer* layer = nullptr;
    std::vector<std::size_t> visible;   ///< indexes into layer->features
    std::vector<char> focus;            ///< per visible feature: drawn at full strength
    std::vector<char> labelled;         ///< per visible feature: gets a label
};

struct PagePlan {
    std::string name;       ///< file stem, unique
    std::string title, subtitle;
    std::vector<std::string> notes;      ///< page notes, then the source and method notes
    int number = 0, count = 0;
    std::shared_ptr<MapProjection> projection;
    ProjectedBox extent;                 ///< of the map frame, projected metres
    PageLayout layout;
    ScaleBar scale_bar;
    std::vector<PageLayerPlan> layers;
    std::vector<PageLayerPlan> overview_layers;
    std::shared_ptr<MapProjection> overview_projection;
    ProjectedBox overview_extent;
    std::vector<std::array<double, 2>> frame_outline;  ///< main frame in lon/lat, for the locator map
    std::vector<LegendBlock> legend;
    double neighbour_opacity = 0.35;
};

/// The loaded data of an atlas: inputs by name (after joins) and the prepared thematic layers.
/// The key of a product layer's features in AtlasData::inputs: "product:NAME" for the whole
/// product, "view:LAYER" for a layer that filters it or draws it on its units.
[[nodiscard]] std::string product_input_key(const LayerSpec& spec);

struct AtlasData {
    std::map<std::string, std::shared_ptr<FeatureLayer>> inputs;
    std::map<std::string, PreparedLayer> layers;
    /// Per published product: the legend texts of suppressed and unreliable values from its disclosure.
    std::map<std::string, std::pair<std::string, std::string>> published_labels;
};

/// Prepares the thematic layers named in `layers` (once each, for the whole atlas). Field errors
/// name the YAML position.
void prepare_layers(const AtlasFile& atlas, AtlasData& data, Diagnostics& diagnostics, const std::set<std::string>& layers);

/// What the pages `wanted` draw, so that a run reads, protects and classifies nothing else: their
/// layers and locator layers (and the atlas's locator layers, as every page might), and the inputs
/// that place their extents. Series pages are named from their coverage, which `data` must hold.
struct PageNeeds {
    std::set<std::string> layers;
    std::set<std::string> inputs;
};
[[nodiscard]] PageNeeds needs_of_pages(const AtlasFile& atlas, const AtlasData& data,
    const std::function<bool(const std::string&)>& wanted);

/// Every page of the atlas in order (1..N), with the layers it draws: its own and its locator
/// map's. A run uses it to start the pages that wait for nothing while the gate protects products.
struct PageLayers {
    std::string name;
    std::set<std::string> layers;
};
[[nodiscard]] std::vector<PageLayers> layers_of_pages(const AtlasFile& atlas, const AtlasData& data);

class TextMetrics;

struct PagePlans {
    std::vector<PagePlan> pages;       ///< the pages `wanted`, in atlas order
    std::vector<std::string> names;    ///< every page of the atlas, numbered 1..N in this order
};

/// Expands pages and series (pages numbered 1..N in atlas order) and plans those whose name is
/// `wanted`, in parallel.
[[nodiscard]] PagePlans plan_pages(const AtlasFile& atlas, const AtlasData& data, const TextMetrics& metrics,
    Diagnostics& diagnostics, const std::function<bool(const std::string&)>& wanted);

/// Lays out a page of the atlas's paper (mm). `content_aspect` (height / width of what the map
/// shows, 0 = unknown) lets a portrait frame shrink to a wide extent instead of leaving empty map.
[[nodiscard]] PageLayout layout_page(const Paper& paper, std::size_t note_lines, double content_aspect = 0);
/// Height in mm that a legend block takes in the panel.
[[nodiscard]] double legend_block_height(const LegendBlock& block);

} // namespace migratlas::render
