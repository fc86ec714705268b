// The atlas file as the render stage sees it: inputs, thematic layers, paper, pages and page series
// (docs/atlas-file.md). Parsed from YAML by atlas_parser; every element keeps its YAML position.
#pragma once

#include "common/source_pos.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::render {

/// A scalar read from the atlas file with where it was written.
template <typename T>
struct Located {
    T value{};
    SourcePos pos;
};

/// An OGR vector source (any driver) read into a feature layer.
struct InputSpec {
    std::string name;
    SourcePos pos;
    Located<std::string> source;    ///< path (relative to the atlas file) or connection string
    std::string layer;              ///< OGR layer; empty = the only layer
    std::string where;              ///< OGR attribute filter
    std::string assume_srs;         ///< CRS of a source that declares none ("EPSG:4326")
    std::string x_field, y_field;   ///< CSV points: the columns holding lon and lat
};

/// A CSV attribute table joined to a layer's features by key.
struct TableSpec {
    std::string name;
    SourcePos pos;
    Located<std::string> path;
    Located<std::string> key;
    /// > 0: the key is the first key_length characters of the key column, so that rows of finer
    /// units roll up to their parent when codes nest (demo level 3 "XNA-07012" -> level 2 "XNA-07").
    int key_length = 0;
    /// Keep only rows whose column holds one of the values (all columns must match), and drop rows
    /// whose column holds one of the `exclude` values.
    std::vector<std::pair<Located<std::string>, std::vector<std::string>>> filter;
    std::vector<std::pair<Located<std::string>, std::vector<std::string>>> exclude;
    /// A new column: the source columns summed over the rows that share a key (and pass `where`).
    /// A value whose source cells are all empty stays missing (never 0).
    struct Value {
        Located<std::string> name;
        std::vector<Located<std::string>> columns;
        std::vector<std::pair<Located<std::string>, std::vector<std::string>>> where;
    };
    std::vector<Value> values;
    /// Text columns copied from the first row of each key.
    std::vector<Located<std::string>> text_columns;
};

enum class LayerKind { choropleth, symbols, corridors, points, outline, fill };
enum class ClassMethod { quantiles, equal_interval, natural_breaks, manual };

struct Classification {
    ClassMethod method = ClassMethod::natural_breaks;
    SourcePos pos;
    int classes = 5;
    std::vector<double> breaks;  ///< manual: the inner class boundaries, ascending
};

/// How the rows' disclosure status is read: a text column and the values meaning each status.
struct StatusSpec {
    Located<std::string> field;  ///< empty = "<field>_status" when the layer has it
    /// Defaults: the disclosure gate's cell statuses (disclose/published_layer.hpp) and short forms.
    std::vector<std::string> suppressed{"primary", "primary_dominance", "secondary", "derived_hidden", "suppressed", "S"};
    std::vector<std::string> unreliable{"withheld_quality", "unreliable", "U"};
    std::string suppressed_label;  ///< default from the product metadata, else "fewer than 10 persons"
    std::string unreliable_label;  ///< default "CV above 30%"
};

/// One thematic layer: data, symbolisation and its legend.
struct LayerSpec {
    std::string name;
    SourcePos pos;
    LayerKind kind = LayerKind::outline;
    Located<std::string> input;    ///< an InputSpec name
    Located<std::string> product;  ///< or a published product of the workspace
    /// Product layers: keep the rows whose column holds one of the values (every column must match),
    /// e.g. one flow type of unit_flows; a product keyed by unit is drawn on its units' polygons.
    std::vector<std::pair<Located<std::string>, std::vector<std::string>>> filter;
    Located<std::string> join_table;
    Located<std::string> join_on;  ///< the feature field matched with the table's key
    Located<std::string> field;    ///< value field (choropleth, symbols, corridors)
    Located<std::string> divide_by; ///< value = field / divide_by × multiply; "area_km2" = the unit's area
    double multiply = 1;
    Located<std::string> label;    ///< label field; empty = no labels
    Located<std::string> code_field{"code", {}};
    StatusSpec status;
    Classification classify;
    Located<std::string> palette{"blues", {}};
    std::vector<Located<std::string>> colours;  ///< explicit class colours (override the palette)
    Located<std::string> colour;                ///< single colour (symbols, points, outline, fill)
    Located<std::string> stroke;
    double stroke_width = 0.6;   ///< in Mapnik pixels (0.28 mm)
    double opacity = 1.0;
    double max_size_mm = 12.0;   ///< symbols: diameter of the largest circle; corridors: widest line
    int top = 0;                 ///< corridors: draw the N largest only (0 = all)
    bool arrows = true;
    std::string title;           ///< legend heading
    std::string source;          ///< source note of this layer (pages that show it); adds to the metadata's
    std::string method;          ///< method note of this layer
    std::string unit;            ///< "persons"
    std::string missing_label = "no data";
    int label_size = 8;          ///< points (Mapnik pixels); 0.28 mm each
    double label_min_area_mm2 = 60;  ///< polygons smaller than this on paper get no label
    bool legend = true;
};

enum class PaperSize { a4, a3, letter };

struct Paper {
    PaperSize size = PaperSize::a4;
    bool landscape = false;
    SourcePos pos;
    [[nodiscard]] double width_mm() const;
    [[nodiscard]] double height_mm() const;
};

/// Where a page looks: a set of units of an input, a lon/lat box, or the whole of a layer.
struct ExtentSpec {
    SourcePos pos;
    Located<std::string> input;       ///< features of this input ...
    std::vector<std::string> codes;   ///< ... whose code is listed (empty = all)
    std::optional<std::array<double, 4>> bbox;  ///< min lon, min lat, max lon, max lat
    double margin = 0.06;             ///< fraction of the extent added on each side
};

struct SeriesSpec {
    SourcePos pos;
    Located<std::string> coverage;    ///< an input with one feature per unit
    Located<int> level{0, {}};        ///< keep units of this level (0 = all)
    Located<std::string> level_field{"level", {}};
    std::vector<std::pair<Located<std::string>, std::vector<std::string>>> filter;
    Located<std::string> sort;        ///< field; "-field" sorts descending
    std::string code_field = "code";
    std::string name_field = "name";
    bool fade_neighbours = true;
};

struct PageSpec {
    SourcePos pos;
    Located<std::string> name;        ///< file name template, e.g. "dept-{unit.code}"
    Located<std::string> title;
    Located<std::string> subtitle;
    Located<std::string> notes;
    std::vector<Located<std::string>> layers;   ///< drawn bottom to top
    ExtentSpec extent;
    Located<std::string> projection{"auto", {}};  ///< auto (LAEA on the extent) | laea | albers | PROJ/EPSG
    std::vector<Located<std::string>> overview;  ///< layers of the locator map (empty = atlas default)
    std::optional<SeriesSpec> series;
};

struct StyleSettings {
    std::string font = "Noto Sans";
    std::string background = "#ffffff";
    std::string sea = "#eef4f8";
    std::string frame = "#4d4d4d";
    std::string text = "#1a1a1a";
    double neighbour_opacity = 0.35;
    Located<std::string> templates;   ///< folder of Mapnik XML templates replacing styles/
};

struct AtlasFile {
    std::string path;                  ///< as given
    std::string base_dir;              ///< folder of the file: relative paths start here
    std::string title;
    std::string period;
    std::string source;                ///< source note for every page
    std::string method;                ///< method note for every page
    Paper paper;
    Located<int> dpi{300, {}};
    std::optional<std::pair<std::uint64_t, std::string>> demo;  ///< seed, scale (for build)
    Located<std::string> workspace;
    std::map<std::string, InputSpec> inputs;
    std::map<std::string, TableSpec> tables;
    std::map<std::string, LayerSpec> layers;
    std::vector<PageSpec> pages;
    std::vector<Located<std::string>> overview;  ///< default locator-map layers
    StyleSettings style;
};

} // namespace migratlas::render
