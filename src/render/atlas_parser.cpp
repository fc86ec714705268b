#include "render/atlas_parser.hpp"

#include "common/products/catalogue.hpp"
#include "render/colour.hpp"
#include "render/palette.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

namespace migratlas::render {

namespace {

std::string join(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : ", ") + item;
    }
    return text;
}

/// Walks the YAML tree with the file name at hand, so that every message carries a position.
class Reader {
public:
    explicit Reader(std::string path) : m_path(std::move(path)) {}

    [[nodiscard]] SourcePos pos(const YAML::Node& node) const
    {
        const auto mark = node.Mark();
        if (mark.is_null()) {
            return {m_path, 0, 0};
        }
        return {m_path, static_cast<std::uint64_t>(mark.line) + 1, static_cast<unsigned>(mark.column) + 1};
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const { throw AtlasError(pos(node), message); }

    void expect_map(const YAML::Node& node, const std::string& what) const
    {
        if (!node.IsMap()) {
            fail(node, what + " must be a mapping (key: value lines)");
        }
    }

    /// Every key of `node` must be one of `known`: a typo is an error, never silently ignored.
    void check_keys(const YAML::Node& node, const std::string& what, std::initializer_list<const char*> known) const
    {
        expect_map(node, what);
        for (const auto& entry : node) {
            const auto key = entry.first.as<std::string>();
            if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
                std::vector<std::string> names(known.begin(), known.end());
                fail(entry.first, "unknown key '" + key + "' in " + what + " (known: " + join(names) + ")");
            }
        }
    }

    [[nodiscard]] std::string text(const YAML::Node& node, const std::string& what) const
    {
        if (!node.IsScalar()) {
            fail(node, what + " must be a single value");
        }
        return node.Scalar();
    }

    [[nodiscard]] Located<std::string> located(const YAML::Node& node, const std::string& what) const
    {
        return {text(node, what), pos(node)};
    }

    [[nodiscard]] Located<std::string> required(const YAML::Node& map, const char* key, const std::string& what) const
    {
        const YAML::Node node = map[key];
        if (!node) {
            fail(map, what + " needs '" + key + "'");
        }
        return located(node, what + " " + key);
    }

    [[nodiscard]] double number(const YAML::Node& node, const std::string& what, double low, double high) const
    {
        const std::string value = text(node, what);
        double parsed = 0;
        std::istringstream in(value);
        in.imbue(std::locale::classic());
        if (!(in >> parsed) || !in.eof()) {
            fail(node, what + " must be a number, got '" + value + "'");
        }
        if (parsed < low || parsed > high) {
            std::ostringstream range;
            range << what << " must be between " << low << " and " << high << ", got " << value;
            fail(node, range.str());
        }
        return parsed;
    }

    [[nodiscard]] int integer(const YAML::Node& node, const std::string& what, int low, int high) const
    {
        const double value = number(node, what, low, high);
        if (value != static_cast<int>(value)) {
            fail(node, what + " must be a whole number");
        }
        return static_cast<int>(value);
    }

    [[nodiscard]] bool boolean(const YAML::Node& node, const std::string& what) const
    {
        const std::string value = text(node, what);
        if (value == "true" || value == "yes" || value == "on") {
            return true;
        }
        if (value == "false" || value == "no" || value == "off") {
            return false;
        }
        fail(node, what + " must be true or false, got '" + value + "'");
    }

    /// A scalar or a list of scalars, as a list.
    [[nodiscard]] std::vector<Located<std::string>> list(const YAML::Node& node, const std::string& what) const
    {
        std::vector<Located<std::string>> items;
        if (node.IsScalar()) {
            items.push_back(located(node, what));
        } else if (node.IsSequence()) {
            for (const auto& item : node) {
                items.push_back(located(item, what));
            }
        } else {
            fail(node, what + " must be a value or a list of values");
        }
        return items;
    }

    [[nodiscard]] std::vector<std::string> strings(const YAML::Node& node, const std::string& what) const
    {
        std::vector<std::string> values;
        for (const auto& item : list(node, what)) {
            values.push_back(item.value);
        }
        return values;
    }

    void colour(const Located<std::string>& value, const std::string& what) const
    {
        if (!parse_colour(value.value)) {
            throw AtlasError(value.pos, "bad colour '" + value.value + "' for " + what +
                    " (write #rrggbb, #rgb, #rrggbbaa or a CSS name such as grey)");
        }
    }

    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

/// Column filters {column: value or [values]} of tables and series.
std::vector<std::pair<Located<std::string>, std::vector<std::string>>> read_filter(const Reader& r, const YAML::Node& node,
    const std::string& what)
{
    r.expect_map(node, what);
    std::vector<std::pair<Located<std::string>, std::vector<std::string>>> filter;
    for (const auto& entry : node) {
        filter.emplace_back(r.located(entry.first, what), r.strings(entry.second, what + " values"));
    }
    return filter;
}

/// Placeholders of title/subtitle/notes/name templates: {unit.<field>} only on series pages.
void check_placeholders(const Reader& r, const Located<std::string>& text, bool series)
{
    static const std::set<std::string> global{"period", "page", "pages", "atlas.title", "atlas.source", "date"};
    std::size_t at = 0;
    while ((at = text.value.find('{', at)) != std::string::npos) {
        const auto close = text.value.find('}', at);
        if (close == std::string::npos) {
            throw AtlasError(text.pos, "'{' without '}' in '" + text.value + "' (placeholders look like {unit.name})");
        }
        const std::string name = text.value.substr(at + 1, close - at - 1);
        if (name.rfind("unit.", 0) == 0) {
            if (!series) {
                throw AtlasError(text.pos, "placeholder {" + name + "} needs a page series (only series pages have a unit)");
            }
        } else if (!global.count(name)) {
            throw AtlasError(text.pos, "unknown placeholder {" + name +
                    "} (known: {unit.<field>}, {period}, {page}, {pages}, {atlas.title}, {atlas.source}, {date})");
        }
        at = close + 1;
    }
    (void)r;
}

InputSpec read_input(const Reader& r, const std::string& name, const YAML::Node& node)
{
    const std::string what = "input '" + name + "'";
    r.check_keys(node, what, {"source", "layer", "where", "srs", "x", "y"});
    InputSpec input;
    input.name = name;
    input.pos = r.pos(node);
    input.source = r.required(node, "source", what);
    if (node["layer"]) {
        input.layer = r.text(node["layer"], what + " layer");
    }
    if (node["where"]) {
        input.where = r.text(node["where"], what + " where");
    }
    if (node["srs"]) {
        input.assume_srs = r.text(node["srs"], what + " srs");
    }
    if (node["x"] || node["y"]) {
        input.x_field = r.required(node, "x", what).value;
        input.y_field = r.required(node, "y", what).value;
    }
    return input;
}

TableSpec read_table(const Reader& r, const std::string& name, const YAML::Node& node)
{
    const std::string what = "table '" + name + "'";
    r.check_keys(node, what, {"path", "key", "key_length", "filter", "exclude", "values", "text"});
    TableSpec table;
    table.name = name;
    table.pos = r.pos(node);
    table.path = r.required(node, "path", what);
    table.key = r.required(node, "key", what);
    if (node["key_length"]) {
        table.key_length = r.integer(node["key_length"], what + " key_length", 1, 1000);
    }
    if (node["filter"]) {
        table.filter = read_filter(r, node["filter"], what + " filter");
    }
    if (node["exclude"]) {
        table.exclude = read_filter(r, node["exclude"], what + " exclude");
    }
    if (!node["values"]) {
        r.fail(node, what + " needs 'values' (new column: [source columns summed])");
    }
    r.expect_map(node["values"], what + " values");
    for (const auto& entry : node["values"]) {
        TableSpec::Value value;
        value.name = r.located(entry.first, what + " value");
        if (entry.second.IsMap()) {
            r.check_keys(entry.second, what + " value '" + value.name.value + "'", {"columns", "where"});
            if (!entry.second["columns"]) {
                r.fail(entry.second, what + " value '" + value.name.value + "' needs 'columns'");
            }
            value.columns = r.list(entry.second["columns"], what + " value columns");
            if (entry.second["where"]) {
                value.where = read_filter(r, entry.second["where"], what + " value where");
            }
        } else {
            value.columns = r.list(entry.second, what + " value columns");
        }
        table.values.push_back(std::move(value));
    }
    if (node["text"]) {
        table.text_columns = r.list(node["text"], what + " text");
    }
    return table;
}

LayerKind read_kind(const Reader& r, const YAML::Node& node, const std::string& what)
{
    const std::string kind = r.text(node, what + " type");
    static const std::vector<std::pair<std::string, LayerKind>> kinds{{"choropleth", LayerKind::choropleth},
        {"symbols", LayerKind::symbols}, {"corridors", LayerKind::corridors}, {"points", LayerKind::points},  // not a product name
        {"outline", LayerKind::outline}, {"fill", LayerKind::fill}};
    for (const auto& [name, value] : kinds) {
        if (kind == name) {
            return value;
        }
    }
    r.fail(node, "unknown layer type '" + kind + "' for " + what +
            " (known: choropleth, symbols, corridors, points, outline, fill)");
}

Classification read_classification(const Reader& r, const YAML::Node& node, const std::string& what)
{
    r.check_keys(node, what, {"method", "classes", "breaks"});
    Classification classify;
    classify.pos = r.pos(node);
    const auto method = r.required(node, "method", what);
    static const std::vector<std::pair<std::string, ClassMethod>> methods{{"quantiles", ClassMethod::quantiles},
        {"equal_interval", ClassMethod::equal_interval}, {"natural_breaks", ClassMethod::natural_breaks},
        {"jenks", ClassMethod::natural_breaks}, {"manual", ClassMethod::manual}};
    const auto found = std::find_if(methods.begin(), methods.end(), [&](const auto& m) { return m.first == method.value; });
    if (found == methods.end()) {
        throw AtlasError(method.pos, "unknown classification '" + method.value +
                "' (known: quantiles, equal_interval, natural_breaks (or jenks), manual)");
    }
    classify.method = found->second;
    if (classify.method == ClassMethod::manual) {
        if (!node["breaks"] || !node["breaks"].IsSequence() || node["breaks"].size() == 0) {
            r.fail(node, what + " manual needs 'breaks: [b1, b2, ...]' (the inner class boundaries, ascending)");
        }
        for (const auto& item : node["breaks"]) {
            const double value = r.number(item, what + " break", -1e300, 1e300);
            if (!classify.breaks.empty() && value <= classify.breaks.back()) {
                r.fail(item, what + " breaks must ascend strictly");
            }
            classify.breaks.push_back(value);
        }
        classify.classes = static_cast<int>(classify.breaks.size()) + 1;
    } else if (node["breaks"]) {
        r.fail(node["breaks"], what + ": 'breaks' goes with method: manual only");
    }
    if (node["classes"]) {
        if (classify.method == ClassMethod::manual) {
            r.fail(node["classes"], what + ": manual classes follow from 'breaks'; drop 'classes'");
        }
        classify.classes = r.integer(node["classes"], what + " classes", 2, 9);
    }
    return classify;
}

void read_status(const Reader& r, const YAML::Node& node, const std::string& what, StatusSpec& status)
{
    r.check_keys(node, what, {"field", "suppressed", "unreliable", "suppressed_label", "unreliable_label"});
    if (node["field"]) {
        status.field = r.located(node["field"], what + " field");
    }
    if (node["suppressed"]) {
        status.suppressed = r.strings(node["suppressed"], what + " suppressed");
    }
    if (node["unreliable"]) {
        status.unreliable = r.strings(node["unreliable"], what + " unreliable");
    }
    if (node["suppressed_label"]) {
        status.suppressed_label = r.text(node["suppressed_label"], what + " suppressed_label");
    }
    if (node["unreliable_label"]) {
        status.unreliable_label = r.text(node["unreliable_label"], what + " unreliable_label");
    }
}

void read_layer_colours(const Reader& r, const YAML::Node& node, const std::string& what, LayerSpec& layer)
{
    if (node["palette"]) {
        layer.palette = r.located(node["palette"], what + " palette");
        if (!find_palette(layer.palette.value)) {
            throw AtlasError(layer.palette.pos, "unknown palette '" + layer.palette.value + "' (known: " +
                    join(palette_names()) + "; or give 'colours: [...]')");
        }
    }
    if (node["colours"]) {
        layer.colours = r.list(node["colours"], what + " colours");
        for (const auto& colour : layer.colours) {
            r.colour(colour, what + " colours");
        }
    }
    for (const auto* key : {"colour", "stroke"}) {
        if (node[key]) {
            auto& target = std::string(key) == "colour" ? layer.colour : layer.stroke;
            target = r.located(node[key], what + " " + key);
            r.colour(target, what + " " + key);
        }
    }
}

LayerSpec read_layer(const Reader& r, const std::string& name, const YAML::Node& node)
{
    const std::string what = "layer '" + name + "'";
    r.check_keys(node, what,
        {"type", "input", "product", "filter", "join", "field", "divide_by", "multiply", "label", "code", "status", "classify", "palette", "colours",
            "colour", "stroke", "stroke_width", "opacity", "max_size_mm", "top", "arrows", "title", "unit", "source", "method",
            "missing_label", "label_size", "label_min_area_mm2", "legend"});
    LayerSpec layer;
    layer.name = name;
    layer.pos = r.pos(node);
    if (!node["type"]) {
        r.fail(node, what + " needs 'type' (choropleth, symbols, corridors, points, outline or fill)");
    }
    layer.kind = read_kind(r, node["type"], what);
    if (node["input"] && node["product"]) {
        r.fail(node["product"], what + " takes its features from 'input' or 'product', not both");
    }
    if (node["input"]) {
        layer.input = r.located(node["input"], what + " input");
    } else if (node["product"]) {
        layer.product = r.located(node["product"], what + " product");
        if (!products::find(layer.product.value)) {
            throw AtlasError(layer.product.pos, "unknown product '" + layer.product.value + "'");
        }
    } else {
        r.fail(node, what + " needs 'input' (an entry of inputs:) or 'product' (a published workspace product)");
    }
    if (node["filter"]) {
        if (layer.product.value.empty()) {
            r.fail(node["filter"], what + " filter applies to the rows of a 'product'; filter an input with its 'where'");
        }
        layer.filter = read_filter(r, node["filter"], what + " filter");
        const ProductSpec& product = *products::find(layer.product.value);
        for (const auto& [column, values] : layer.filter) {
            if (!product.has_column(column.value)) {
                throw AtlasError(column.pos, what + " filter: product '" + layer.product.value + "' has no column '" + column.value + "'");
            }
        }
    }
    if (node["join"]) {
        r.check_keys(node["join"], what + " join", {"table", "on"});
        layer.join_table = r.required(node["join"], "table", what + " join");
        layer.join_on = r.required(node["join"], "on", what + " join");
    }
    const bool thematic = layer.kind == LayerKind::choropleth || layer.kind == LayerKind::symbols ||
        layer.kind == LayerKind::corridors;
    if (node["field"]) {
        layer.field = r.located(node["field"], what + " field");
    } else if (thematic) {
        r.fail(node, what + " needs 'field' (the value to map)");
    }
    if (node["divide_by"]) {
        layer.divide_by = r.located(node["divide_by"], what + " divide_by");
    }
    if (node["multiply"]) {
        layer.multiply = r.number(node["multiply"], what + " multiply", -1e12, 1e12);
    }
    if (node["label"]) {
        layer.label = r.located(node["label"], what + " label");
    }
    if (node["code"]) {
        layer.code_field = r.located(node["code"], what + " code");
    }
    if (node["status"]) {
        read_status(r, node["status"], what + " status", layer.status);
    }
    if (node["classify"]) {
        if (layer.kind != LayerKind::choropleth) {
            r.fail(node["classify"], what + ": 'classify' applies to choropleth layers only");
        }
        layer.classify = read_classification(r, node["classify"], what + " classify");
    }
    read_layer_colours(r, node, what, layer);
    if (!layer.colours.empty() && static_cast<int>(layer.colours.size()) != layer.classify.classes) {
        throw AtlasError(layer.colours.front().pos, what + " has " + std::to_string(layer.colours.size()) +
                " colours for " + std::to_string(layer.classify.classes) + " classes");
    }
    if (node["stroke_width"]) {
        layer.stroke_width = r.number(node["stroke_width"], what + " stroke_width", 0, 20);
    }
    if (node["opacity"]) {
        layer.opacity = r.number(node["opacity"], what + " opacity", 0, 1);
    }
    if (node["max_size_mm"]) {
        layer.max_size_mm = r.number(node["max_size_mm"], what + " max_size_mm", 0.5, 60);
    }
    if (node["top"]) {
        layer.top = r.integer(node["top"], what + " top", 0, 100000);
    }
    if (node["arrows"]) {
        layer.arrows = r.boolean(node["arrows"], what + " arrows");
    }
    if (node["legend"]) {
        layer.legend = r.boolean(node["legend"], what + " legend");
    }
    if (node["title"]) {
        layer.title = r.text(node["title"], what + " title");
    }
    if (node["unit"]) {
        layer.unit = r.text(node["unit"], what + " unit");
    }
    if (node["source"]) {
        layer.source = r.text(node["source"], what + " source");
    }
    if (node["method"]) {
        layer.method = r.text(node["method"], what + " method");
    }
    if (node["missing_label"]) {
        layer.missing_label = r.text(node["missing_label"], what + " missing_label");
    }
    if (node["label_size"]) {
        layer.label_size = r.integer(node["label_size"], what + " label_size", 4, 40);
    }
    if (node["label_min_area_mm2"]) {
        layer.label_min_area_mm2 = r.number(node["label_min_area_mm2"], what + " label_min_area_mm2", 0, 1e6);
    }
    return layer;
}

ExtentSpec read_extent(const Reader& r, const YAML::Node& node, const std::string& what)
{
    r.check_keys(node, what, {"input", "codes", "bbox", "margin"});
    ExtentSpec extent;
    extent.pos = r.pos(node);
    if (node["input"]) {
        extent.input = r.located(node["input"], what + " input");
    }
    if (node["codes"]) {
        extent.codes = r.strings(node["codes"], what + " codes");
    }
    if (node["bbox"]) {
        const auto& box = node["bbox"];
        if (!box.IsSequence() || box.size() != 4) {
            r.fail(box, what + " bbox must be [min lon, min lat, max lon, max lat]");
        }
        std::array<double, 4> values{};
        for (std::size_t i = 0; i < 4; ++i) {
            values[i] = r.number(box[i], what + " bbox", i % 2 == 0 ? -180 : -90, i % 2 == 0 ? 180 : 90);
        }
        if (values[0] >= values[2] || values[1] >= values[3]) {
            r.fail(box, what + " bbox must have min < max");
        }
        extent.bbox = values;
    }
    if (node["margin"]) {
        extent.margin = r.number(node["margin"], what + " margin", 0, 2);
    }
    return extent;
}

SeriesSpec read_series(const Reader& r, const YAML::Node& node, const std::string& what)
{
    r.check_keys(node, what, {"coverage", "level", "level_field", "filter", "sort", "code", "name", "neighbours"});
    SeriesSpec series;
    series.pos = r.pos(node);
    series.coverage = r.required(node, "coverage", what);
    if (node["level"]) {
        series.level = {r.integer(node["level"], what + " level", 1, 9), r.pos(node["level"])};
    }
    if (node["level_field"]) {
        series.level_field = r.located(node["level_field"], what + " level_field");
    }
    if (node["filter"]) {
        series.filter = read_filter(r, node["filter"], what + " filter");
    }
    if (node["sort"]) {
        series.sort = r.located(node["sort"], what + " sort");
    }
    if (node["code"]) {
        series.code_field = r.text(node["code"], what + " code");
    }
    if (node["name"]) {
        series.name_field = r.text(node["name"], what + " name");
    }
    if (node["neighbours"]) {
        const std::string mode = r.text(node["neighbours"], what + " neighbours");
        if (mode != "faded" && mode != "normal") {
            r.fail(node["neighbours"], what + " neighbours must be faded or normal");
        }
        series.fade_neighbours = mode == "faded";
    }
    return series;
}

PageSpec read_page(const Reader& r, const YAML::Node& node, std::size_t index, const AtlasFile& atlas)
{
    const std::string what = "page " + std::to_string(index + 1);
    r.check_keys(node, what, {"name", "title", "subtitle", "notes", "layers", "extent", "projection", "overview", "series"});
    PageSpec page;
    page.pos = r.pos(node);
    page.name = r.required(node, "name", what);
    if (node["series"]) {
        page.series = read_series(r, node["series"], what + " series");
    }
    for (const auto* key : {"title", "subtitle", "notes"}) {
        if (node[key]) {
            auto& target = std::string(key) == "title" ? page.title : std::string(key) == "subtitle" ? page.subtitle : page.notes;
            target = r.located(node[key], what + " " + key);
            check_placeholders(r, target, page.series.has_value());
        }
    }
    check_placeholders(r, page.name, page.series.has_value());
    if (!node["layers"]) {
        r.fail(node, what + " needs 'layers' (names from layers:, drawn bottom to top)");
    }
    page.layers = r.list(node["layers"], what + " layers");
    for (const auto& layer : page.layers) {
        if (!atlas.layers.count(layer.value)) {
            std::vector<std::string> names;
            for (const auto& [name, spec] : atlas.layers) {
                names.push_back(name);
            }
            throw AtlasError(layer.pos, "unknown layer '" + layer.value + "' (layers: " + join(names) + ")");
        }
    }
    if (node["extent"]) {
        page.extent = read_extent(r, node["extent"], what + " extent");
    } else {
        page.extent.pos = page.pos;
    }
    if (node["projection"]) {
        page.projection = r.located(node["projection"], what + " projection");
    }
    if (node["overview"]) {
        page.overview = r.list(node["overview"], what + " overview");
    }
    return page;
}

void read_header(const Reader& r, const YAML::Node& root, AtlasFile& atlas)
{
    if (const auto node = root["atlas"]) {
        r.check_keys(node, "atlas", {"title", "period", "source", "method"});
        atlas.title = node["title"] ? r.text(node["title"], "atlas title") : "";
        atlas.period = node["period"] ? r.text(node["period"], "atlas period") : "";
        atlas.source = node["source"] ? r.text(node["source"], "atlas source") : "";
        atlas.method = node["method"] ? r.text(node["method"], "atlas method") : "";
    }
    if (const auto node = root["paper"]) {
        r.check_keys(node, "paper", {"size", "orientation"});
        atlas.paper.pos = r.pos(node);
        if (node["size"]) {
            const std::string size = r.text(node["size"], "paper size");
            if (size == "A4" || size == "a4") {
                atlas.paper.size = PaperSize::a4;
            } else if (size == "A3" || size == "a3") {
                atlas.paper.size = PaperSize::a3;
            } else if (size == "Letter" || size == "letter") {
                atlas.paper.size = PaperSize::letter;
            } else {
                r.fail(node["size"], "unknown paper size '" + size + "' (known: A4, A3, Letter)");
            }
        }
        if (node["orientation"]) {
            const std::string orientation = r.text(node["orientation"], "paper orientation");
            if (orientation != "portrait" && orientation != "landscape") {
                r.fail(node["orientation"], "paper orientation must be portrait or landscape, got '" + orientation + "'");
            }
            atlas.paper.landscape = orientation == "landscape";
        }
    }
    if (const auto node = root["dpi"]) {
        atlas.dpi = {r.integer(node, "dpi", 36, 1200), r.pos(node)};
    }
    if (const auto node = root["demo"]) {
        r.check_keys(node, "demo", {"seed", "scale"});
        const auto seed = node["seed"] ? static_cast<std::uint64_t>(r.number(node["seed"], "demo seed", 0, 1e15)) : 42U;
        const std::string scale = node["scale"] ? r.text(node["scale"], "demo scale") : "small";
        if (scale != "small" && scale != "medium" && scale != "large") {
            r.fail(node["scale"], "demo scale must be small, medium or large");
        }
        atlas.demo = std::make_pair(seed, scale);
    }
    if (const auto node = root["workspace"]) {
        atlas.workspace = r.located(node, "workspace");
    }
}

void read_style(const Reader& r, const YAML::Node& node, AtlasFile& atlas)
{
    r.check_keys(node, "style", {"font", "background", "sea", "frame", "text", "neighbour_opacity", "templates"});
    auto& style = atlas.style;
    if (node["font"]) {
        style.font = r.text(node["font"], "style font");
        if (style.font != "Noto Sans" && style.font != "DejaVu Sans") {
            r.fail(node["font"], "style font must be 'Noto Sans' or 'DejaVu Sans' (Debian fonts-noto-core, fonts-dejavu-core)");
        }
    }
    for (const auto* key : {"background", "sea", "frame", "text"}) {
        if (node[key]) {
            const auto value = r.located(node[key], std::string("style ") + key);
            r.colour(value, std::string("style ") + key);
            (std::string(key) == "background" ? style.background
                : std::string(key) == "sea"   ? style.sea
                : std::string(key) == "frame" ? style.frame
                                              : style.text) = value.value;
        }
    }
    if (node["neighbour_opacity"]) {
        style.neighbour_opacity = r.number(node["neighbour_opacity"], "style neighbour_opacity", 0, 1);
    }
    if (node["templates"]) {
        style.templates = r.located(node["templates"], "style templates");
    }
}

/// Layers must name inputs and tables that exist; reference errors point at the reference.
void check_references(const AtlasFile& atlas)
{
    const auto names = [](const auto& map) {
        std::vector<std::string> list;
        for (const auto& [name, value] : map) {
            list.push_back(name);
        }
        return list;
    };
    for (const auto& [name, layer] : atlas.layers) {
        if (!layer.input.value.empty() && !atlas.inputs.count(layer.input.value)) {
            throw AtlasError(layer.input.pos, "layer '" + name + "': unknown input '" + layer.input.value +
                    "' (inputs: " + join(names(atlas.inputs)) + ")");
        }
        if (!layer.join_table.value.empty() && !atlas.tables.count(layer.join_table.value)) {
            throw AtlasError(layer.join_table.pos, "layer '" + name + "': unknown table '" + layer.join_table.value +
                    "' (tables: " + join(names(atlas.tables)) + ")");
        }
    }
    const auto check_layer_list = [&](const std::vector<Located<std::string>>& list) {
        for (const auto& layer : list) {
            if (!atlas.layers.count(layer.value)) {
                throw AtlasError(layer.pos, "unknown layer '" + layer.value + "' (layers: " + join(names(atlas.layers)) + ")");
            }
        }
    };
    check_layer_list(atlas.overview);
    for (const auto& page : atlas.pages) {
        check_layer_list(page.overview);
        for (const auto* input : {&page.extent.input, page.series ? &page.series->coverage : nullptr}) {
            if (input != nullptr && !input->value.empty() && !atlas.inputs.count(input->value)) {
                throw AtlasError(input->pos, "unknown input '" + input->value + "' (inputs: " + join(names(atlas.inputs)) + ")");
            }
        }
    }
}

AtlasFile read_root(const Reader& r, const YAML::Node& root, const std::filesystem::path& path)
{
    if (!root.IsMap()) {
        throw AtlasError({r.path(), 1, 1}, "an atlas file is a YAML mapping with atlas:, inputs:, layers: and pages:");
    }
    r.check_keys(root, "the atlas file",
        {"atlas", "paper", "dpi", "demo", "workspace", "style", "inputs", "tables", "layers", "overview", "pages", "tiles",
            "build"});
    AtlasFile atlas;
    atlas.path = path.string();
    atlas.base_dir = path.parent_path().empty() ? "." : path.parent_path().string();
    read_header(r, root, atlas);
    if (const auto node = root["style"]) {
        read_style(r, node, atlas);
    }
    for (const auto* section : {"inputs", "tables", "layers"}) {
        if (const auto node = root[section]) {
            r.expect_map(node, section);
            for (const auto& entry : node) {
                const auto name = entry.first.as<std::string>();
                if (std::string(section) == "inputs") {
                    atlas.inputs.emplace(name, read_input(r, name, entry.second));
                } else if (std::string(section) == "tables") {
                    atlas.tables.emplace(name, read_table(r, name, entry.second));
                } else {
                    atlas.layers.emplace(name, read_layer(r, name, entry.second));
                }
            }
        }
    }
    if (const auto node = root["overview"]) {
        atlas.overview = r.list(node, "overview");
    }
    const auto pages = root["pages"];
    if (!pages || !pages.IsSequence() || pages.size() == 0) {
        r.fail(pages ? pages : root, "the atlas file needs 'pages:' with at least one page (a list)");
    }
    for (std::size_t i = 0; i < pages.size(); ++i) {
        atlas.pages.push_back(read_page(r, pages[i], i, atlas));
    }
    check_references(atlas);
    return atlas;
}

} // namespace

double Paper::width_mm() const
{
    const double short_side = size == PaperSize::a4 ? 210.0 : size == PaperSize::a3 ? 297.0 : 215.9;
    const double long_side = size == PaperSize::a4 ? 297.0 : size == PaperSize::a3 ? 420.0 : 279.4;
    return landscape ? long_side : short_side;
}

double Paper::height_mm() const
{
    const double short_side = size == PaperSize::a4 ? 210.0 : size == PaperSize::a3 ? 297.0 : 215.9;
    const double long_side = size == PaperSize::a4 ? 297.0 : size == PaperSize::a3 ? 420.0 : 279.4;
    return landscape ? short_side : long_side;
}

AtlasFile parse_atlas_text(const std::string& text, const std::filesystem::path& display_path)
{
    const Reader reader(display_path.string());
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw AtlasError({display_path.string(), static_cast<std::uint64_t>(e.mark.line) + 1,
                             static_cast<unsigned>(e.mark.column) + 1},
            "not valid YAML: " + e.msg);
    }
    return read_root(reader, root, display_path);
}

AtlasFile parse_atlas_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path.string() + ": cannot open the atlas file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_atlas_text(text.str(), path);
}

} // namespace migratlas::render
