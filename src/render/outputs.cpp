#include "render/outputs.hpp"

#include "render/template_fill.hpp"

#include <nlohmann/json.hpp>

namespace migratlas::render {

namespace {

const char* kind_name(LayerKind kind)
{
    switch (kind) {
    case LayerKind::choropleth: return "choropleth";
    case LayerKind::symbols: return "symbols";
    case LayerKind::corridors: return "corridors";  // not a product name
    case LayerKind::points: return "points";
    case LayerKind::outline: return "outline";
    case LayerKind::fill: return "fill";
    }
    return "";
}

const char* method_name(ClassMethod method)
{
    switch (method) {
    case ClassMethod::quantiles: return "quantiles";
    case ClassMethod::equal_interval: return "equal_interval";
    case ClassMethod::natural_breaks: return "natural_breaks";
    case ClassMethod::manual: return "manual";
    }
    return "";
}

nlohmann::ordered_json hatches(const PreparedLayer& layer)
{
    nlohmann::ordered_json json;
    json["suppressed"] = {{"label", "Suppressed: " + layer.suppressed_label}, {"status", layer.spec->status.suppressed},
        {"pattern", "diagonal-down"}, {"line_colour", "#5a5a5a"}, {"background", "#ffffff"}, {"spacing_mm", 2.24},
        {"line_width_mm", 0.43}};
    json["unreliable"] = {{"label", "Unreliable: " + layer.unreliable_label}, {"status", layer.spec->status.unreliable},
        {"pattern", "diagonal-up"}, {"line_colour", "#262626"}, {"background", "class colour"}, {"spacing_mm", 2.24},
        {"line_width_mm", 0.43}};
    return json;
}

} // namespace

std::string classes_json(const AtlasData& data, const std::string& atlas_title)
{
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& [name, layer] : data.layers) {
        const LayerSpec& spec = *layer.spec;
        nlohmann::ordered_json entry;
        entry["layer"] = name;
        entry["type"] = kind_name(spec.kind);
        entry["source"] = spec.product.value.empty() ? spec.input.value : "product:" + spec.product.value;
        entry["field"] = spec.field.value;
        entry["title"] = spec.title;
        entry["unit"] = spec.unit;
        if (spec.kind == LayerKind::choropleth) {
            entry["method"] = method_name(spec.classify.method);
            entry["breaks"] = layer.breaks.bounds;
            nlohmann::ordered_json colours = nlohmann::ordered_json::array();
            for (const auto& colour : layer.colours) {
                colours.push_back(to_hex(colour));
            }
            entry["colours"] = colours;
            entry["labels"] = layer.class_labels;
            entry["rule"] = "class i holds breaks[i] < value <= breaks[i+1]; the first class also holds breaks[0]";
            entry["palette"] = spec.colours.empty() ? spec.palette.value : "custom";
            entry["missing"] = {{"label", spec.missing_label}, {"colour", "#d4d4d4"}};
        } else if (spec.kind == LayerKind::symbols || spec.kind == LayerKind::corridors) {
            entry["max_value"] = layer.max_value;
            entry["max_size_mm"] = spec.max_size_mm;
            entry["scaling"] = spec.kind == LayerKind::symbols ? "circle area proportional to value (diameter = max_size_mm * sqrt(value / max_value))"
                                                               : "line width proportional to value (width = max_size_mm * value / max_value)";
            entry["colour"] = spec.colour.value.empty() ? (spec.kind == LayerKind::symbols ? "#3b6fb6" : "#b2182b") : spec.colour.value;
            if (spec.kind == LayerKind::corridors) {
                entry["top"] = spec.top;
            }
        }
        if (!spec.field.value.empty()) {
            entry["hatches"] = hatches(layer);
        }
        layers.push_back(entry);
    }
    nlohmann::ordered_json root;
    root["format"] = "migratlas-classes/1";
    if (!atlas_title.empty()) {
        root["title"] = atlas_title;
    }
    root["layers"] = layers;
    return root.dump(2) + "\n";
}

std::string index_html(const std::string& atlas_title, const std::vector<IndexEntry>& pages, const std::string& pdf)
{
    std::string html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xml_escape(atlas_title) +
        "</title>\n<style>\nbody{font-family:'Noto Sans','DejaVu Sans',sans-serif;margin:2rem;color:#1a1a1a}\n"
        "ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:1.2rem}\n"
        "li a{text-decoration:none;color:inherit}\nimg{width:100%;border:1px solid #bbb;box-shadow:0 1px 3px #0002}\n"
        ".n{color:#777;font-size:.85rem}\n</style>\n</head>\n<body>\n<h1>" + xml_escape(atlas_title) + "</h1>\n<p>";
    html += std::to_string(pages.size()) + " pages";
    if (!pdf.empty()) {
        html += " &middot; <a href=\"" + xml_escape(pdf) + "\">all pages as one PDF</a>";
    }
    html += " &middot; <a href=\"classes.json\">classes and colours (JSON)</a></p>\n<ul>\n";
    for (const auto& page : pages) {
        html += "<li><a href=\"" + xml_escape(page.png) + "\"><img src=\"" + xml_escape(page.thumbnail) + "\" alt=\"" +
            xml_escape(page.title) + "\" loading=\"lazy\"><div class=\"n\">" + std::to_string(page.number) + " &middot; " +
            xml_escape(page.name) + "</div><div>" + xml_escape(page.title) + "</div></a></li>\n";
    }
    html += "</ul>\n</body>\n</html>\n";
    return html;
}

} // namespace migratlas::render
