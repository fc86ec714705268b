#include "render/page_xml.hpp"

#include "render/classification.hpp"
#include "render/data_files.hpp"
#include "render/template_fill.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace migratlas::render {

double mapnik_units(double mm)
{
    return mm / 0.28;
}

double font_units(double points)
{
    return mapnik_units(points * 25.4 / 72.0);
}

namespace {

// The furniture's coordinates are paper millimetres; Mapnik needs some projection string, and the
// same one on the map and its layers means no reprojection at all.
constexpr const char* paper_srs = "+proj=eqc +R=6371000 +units=m +no_defs";

std::string num(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    return buffer;
}

const std::string& template_text(const XmlContext& context, const std::string& name)
{
    return context.templates->at(name);
}

TemplateValues base_values(const XmlContext& context)
{
    TemplateValues values;
    values.set("font_regular", context.font_regular).set("font_bold", context.font_bold).set("font_italic", context.font_italic);
    values.set("hatch_suppressed", context.hatch_suppressed.string()).set("hatch_unreliable", context.hatch_unreliable.string());
    return values;
}

std::string csv_quote(const std::string& text)
{
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

struct LayerXml {
    std::string styles;
    TemplateList layers;
};

void add_layer(LayerXml& xml, const std::string& name, const std::string& file, std::vector<std::string> styles)
{
    TemplateList style_names;
    for (auto& style : styles) {
        style_names.push_back(TemplateValues().set("style", style));
    }
    xml.layers.push_back(TemplateValues().set("name", name).set("file", file).set_list("styles", style_names));
}

std::string colour_or(const Located<std::string>& colour, const char* fallback)
{
    return colour.value.empty() ? fallback : colour.value;
}

std::string label_style(const XmlContext& context, const std::string& style, const LayerSpec& spec, bool points)
{
    TemplateValues values;
    values.set("style", style).set("fontset", points ? "regular" : (spec.kind == LayerKind::outline ? "bold" : "regular"));
    values.set("size", num(font_units(spec.label_size * 0.75))).set("colour", spec.kind == LayerKind::outline ? "#333333" : "#1a1a1a");
    values.set("halo", "#ffffff").set("halo_radius", num(1.2)).set("padding", num(mapnik_units(points ? 0.3 : 1.0)));
    values.set("margin", num(mapnik_units(points ? 0.2 : 1.5))).set("wrap", num(mapnik_units(24))).set("spacing", spec.kind == LayerKind::outline ? "0.6" : "0");
    values.set("transform", spec.kind == LayerKind::outline ? "uppercase" : "none");
    values.set("placement", points ? "placement-type=\"simple\" placements=\"E,W,NE,SE,NW,SW,N,S\"" : "placement-type=\"dummy\"");
    // Point labels start clear of their 2.2 mm marker, which keeps its place in the collision index.
    values.set("dx", num(points ? mapnik_units(2.0) : 0)).set("dy", num(points ? mapnik_units(2.0) : 0));
    return fill_template(template_text(context, "labels"), values);
}

std::string thematic_style(const XmlContext& context, const PageLayerPlan& plan, const std::string& style)
{
    const LayerSpec& spec = *plan.layer->spec;
    TemplateValues values;
    values.set("style", style).set("opacity", num(spec.opacity)).set("stroke_width", num(spec.stroke_width));
    switch (spec.kind) {
    case LayerKind::choropleth: {
        TemplateList classes;
        for (std::size_t i = 0; i < plan.layer->colours.size(); ++i) {
            classes.push_back(TemplateValues().set("index", std::to_string(i)).set("colour", to_hex(plan.layer->colours[i])));
        }
        values.set_list("classes", classes).set("missing_colour", "#d4d4d4").set("stroke", colour_or(spec.stroke, "#ffffff"));
        values.set("hatch_suppressed", context.hatch_suppressed.string()).set("hatch_unreliable", context.hatch_unreliable.string());
        return fill_template(template_text(context, "choropleth"), values);
    }
    case LayerKind::symbols:
        values.set("colour", colour_or(spec.colour, "#3b6fb6")).set("stroke", colour_or(spec.stroke, "#ffffff"));
        return fill_template(template_text(context, "symbols"), values);
    case LayerKind::corridors:
        values.set("colour", colour_or(spec.colour, "#b2182b")).set("halo", "#ffffff");
        values.set_list("arrows", spec.arrows ? TemplateList{TemplateValues()} : TemplateList{});
        return fill_template(template_text(context, "corridors"), values);
    case LayerKind::points:
        values.set("colour", colour_or(spec.colour, "#c0392b")).set("stroke", colour_or(spec.stroke, "#ffffff"));
        values.set("size", num(mapnik_units(2.2)));
        return fill_template(template_text(context, "points"), values);
    case LayerKind::outline:
    case LayerKind::fill:
        values.set("stroke", colour_or(spec.stroke, "#555555"));
        values.set_list("fill", spec.kind == LayerKind::fill
                ? TemplateList{TemplateValues().set("colour", colour_or(spec.colour, "#e8e8e8"))}
                : TemplateList{});
        return fill_template(template_text(context, "basemap"), values);
    }
    return {};
}

std::string map_xml(const XmlContext& context, const std::string& srs, const std::string& background, LayerXml& xml,
    TemplateList inline_layers)
{
    TemplateValues values = base_values(context);
    values.set("srs", srs).set("background", background).set("buffer", "64");
    values.set("styles", xml.styles).set_list("layers", xml.layers).set_list("inline_layers", inline_layers);
    return fill_template(template_text(context, "map"), values);
}

std::string main_map(const PagePlan& plan, const XmlContext& context, const std::filesystem::path& dir)
{
    LayerXml xml;
    std::vector<std::pair<std::string, std::string>> label_layers;  // style, file
    for (std::size_t i = 0; i < plan.layers.size(); ++i) {
        const auto& layer = plan.layers[i];
        const LayerSpec& spec = *layer.layer->spec;
        const std::string stem = plan.name + "-" + std::to_string(i + 1) + "-" + spec.name;
        const bool symbols = spec.kind == LayerKind::symbols || (spec.kind == LayerKind::points && layer.layer->geometry != GeometryKind::point);
        const auto file = write_layer_file(layer, symbols ? LayerFileKind::anchors : LayerFileKind::features, plan.neighbour_opacity, dir, stem);
        const std::string style = "s" + std::to_string(i + 1);
        xml.styles += thematic_style(context, layer, style);
        add_layer(xml, spec.name, "data/" + file.filename().string(), {style});
        const bool any_label = std::any_of(layer.labelled.begin(), layer.labelled.end(), [](char c) { return c != 0; });
        if (any_label) {
            const bool points = spec.kind == LayerKind::points || spec.kind == LayerKind::symbols;
            const auto labels = write_layer_file(layer, LayerFileKind::labels, plan.neighbour_opacity, dir, stem + "-labels");
            xml.styles += label_style(context, style + "l", spec, points);
            label_layers.emplace_back(style + "l", "data/" + labels.filename().string());
        }
    }
    // Labels on top of every layer; the top layer's labels are placed first and win collisions.
    for (auto it = label_layers.rbegin(); it != label_layers.rend(); ++it) {
        add_layer(xml, it->first, it->second, {it->first});
    }
    return map_xml(context, plan.projection->definition(), context.style->sea, xml, {});
}

std::string overview_map(const PagePlan& plan, const XmlContext& context, const std::filesystem::path& dir)
{
    LayerXml xml;
    for (std::size_t i = 0; i < plan.overview_layers.size(); ++i) {
        const auto& layer = plan.overview_layers[i];
        const auto file = write_layer_file(layer, LayerFileKind::features, 1.0, dir, plan.name + "-overview-" + std::to_string(i + 1));
        const std::string style = "o" + std::to_string(i + 1);
        TemplateValues values;
        values.set("style", style).set("stroke", "#8c8c8c").set("stroke_width", num(0.5));
        values.set_list("fill", TemplateList{TemplateValues().set("colour", "#e3e3e3")});
        xml.styles += fill_template(template_text(context, "basemap"), values);
        add_layer(xml, "overview" + std::to_string(i + 1), "data/" + file.filename().string(), {style});
    }
    std::string ring = "wkt,op\n\"POLYGON((";
    for (std::size_t i = 0; i < plan.frame_outline.size(); ++i) {
        ring += (i ? "," : "") + num(plan.frame_outline[i][0]) + " " + num(plan.frame_outline[i][1]);
    }
    ring += "))\",1\n";
    TemplateValues frame_style;
    frame_style.set("style", "frame").set("stroke", "#c0392b").set("stroke_width", num(1.6)).set_list("fill", TemplateList{});
    xml.styles += fill_template(template_text(context, "basemap"), frame_style);
    TemplateList inline_layers{TemplateValues().set("name", "frame").set("srs", "epsg:4326").set("style", "frame").set("csv", ring)};
    return map_xml(context, plan.overview_projection->definition(), context.style->sea, xml, inline_layers);
}

/// Shapes and texts of the furniture, in paper mm with y measured from the top.
class Furniture {
public:
    explicit Furniture(double height) : m_height(height) {}

    void rect(const Rect& r, const std::string& fill, const std::string& stroke, double stroke_mm, const std::string& pattern = "")
    {
        polygon({{r.x, r.y}, {r.x + r.w, r.y}, {r.x + r.w, r.y + r.h}, {r.x, r.y + r.h}}, fill, stroke, stroke_mm, pattern);
    }
    void polygon(const std::vector<std::array<double, 2>>& points, const std::string& fill, const std::string& stroke,
        double stroke_mm, const std::string& pattern = "")
    {
        std::string wkt = "POLYGON((";
        for (std::size_t i = 0; i <= points.size(); ++i) {
            const auto& p = points[i % points.size()];
            wkt += (i ? "," : "") + num(p[0]) + " " + num(m_height - p[1]);
        }
        m_shapes += csv_quote(wkt + "))") + "," + fill + "," + stroke + "," + num(mapnik_units(stroke_mm)) + "," + pattern + "\n";
    }
    void circle(double cx, double cy, double diameter, const std::string& fill, const std::string& stroke, double stroke_mm)
    {
        std::vector<std::array<double, 2>> points;
        for (int i = 0; i < 72; ++i) {
            const double angle = i * 2 * M_PI / 72;
            points.push_back({cx + diameter / 2 * std::cos(angle), cy + diameter / 2 * std::sin(angle)});
        }
        polygon(points, fill, stroke, stroke_mm);
    }
    void text(double x, double y, const std::string& kind, const std::string& text)
    {
        if (!text.empty()) {
            m_texts += csv_quote("POINT(" + num(x) + " " + num(m_height - y) + ")") + "," + kind + "," + csv_quote(text) + "\n";
        }
    }
    [[nodiscard]] std::string shapes() const { return "wkt,fill,stroke,sw,pattern\n" + m_shapes; }
    [[nodiscard]] std::string texts() const { return "wkt,k,t\n" + m_texts; }

private:
    double m_height;
    std::string m_shapes, m_texts;
};

void draw_legend_block(Furniture& f, const LegendBlock& block, double x, double& y)
{
    f.text(x, y + 2.2, "heading", block.heading);
    y += block.heading.empty() ? 0.5 : 5.2;
    if (!block.unit.empty()) {
        f.text(x, y + 1.2, "small", block.unit);
        y += 3.4;
    }
    y += 0.5;
    if (block.kind == LayerKind::symbols) {
        double largest = 0;
        for (const auto& row : block.rows) {
            if (row.swatch == LegendRow::Swatch::circle) {
                largest = std::max(largest, row.size_mm);
            }
        }
        const double bottom = y + largest, cx = x + largest / 2;
        for (const auto& row : block.rows) {
            if (row.swatch != LegendRow::Swatch::circle) {
                continue;
            }
            // Outlines only, with a light tint: nested filled circles would read as one blob.
            const std::string tint = to_hex(Colour{row.colour.r, row.colour.g, row.colour.b, 40});
            f.circle(cx, bottom - row.size_mm / 2, row.size_mm, tint, to_hex(row.colour), 0.3);
            const double top = bottom - row.size_mm;
            f.rect({cx, top - 0.1, largest / 2 + 2.5, 0.2}, "#4d4d4d", "", 0);
            f.text(cx + largest / 2 + 3.5, top, "label", row.label);
        }
        y = bottom + 2;
    }
    for (const auto& row : block.rows) {
        switch (row.swatch) {
        case LegendRow::Swatch::circle: continue;
        case LegendRow::Swatch::fill: f.rect({x, y, 7, 3.6}, to_hex(row.colour), "#8c8c8c", 0.15); break;
        case LegendRow::Swatch::pattern_suppressed: f.rect({x, y, 7, 3.6}, "", "#8c8c8c", 0.15, "suppressed"); break;
        case LegendRow::Swatch::pattern_unreliable: f.rect({x, y, 7, 3.6}, "#f2f2f2", "#8c8c8c", 0.15, "unreliable"); break;
        case LegendRow::Swatch::line: f.rect({x, y + 1.8 - row.size_mm / 2, 7, row.size_mm}, to_hex(row.colour), "", 0); break;
        case LegendRow::Swatch::marker: f.circle(x + 3.5, y + 1.8, row.size_mm, to_hex(row.colour), "#ffffff", 0.2); break;
        }
        f.text(x + 9, y + 1.8, "label", row.label);
        y += std::max(4.6, row.swatch == LegendRow::Swatch::line ? row.size_mm + 2.4 : 0.0);
    }
    y += 2;
}

void draw_legend(Furniture& f, const PagePlan& plan)
{
    const Rect& area = plan.layout.legend;
    double total = 0;
    for (const auto& block : plan.legend) {
        total += legend_block_height(block);
    }
    const int columns = total > area.h && area.w > 100 ? 2 : 1;
    const double column_w = area.w / columns;
    int column = 0;
    double y = area.y;
    for (const auto& block : plan.legend) {
        if (y > area.y && y + legend_block_height(block) > area.y + area.h && column + 1 < columns) {
            ++column;
            y = area.y;
        }
        draw_legend_block(f, block, area.x + column * column_w, y);
    }
}

void draw_scale_bar(Furniture& f, const PagePlan& plan)
{
    const Rect& r = plan.layout.scale_bar;
    const ScaleBar& bar = plan.scale_bar;
    const double segment = bar.length_mm / bar.segments;
    for (int i = 0; i < bar.segments; ++i) {
        f.rect({r.x + i * segment, r.y + 1, segment, 1.4}, i % 2 == 0 ? "#333333" : "#ffffff", "#333333", 0.15);
    }
    const int decimals = bar.length_km < 1 ? 1 : 0;
    f.text(r.x, r.y + 4.4, "scale", "0");
    const double half = bar.length_km / 2;
    f.text(r.x + bar.length_mm / 2, r.y + 4.4, "scale", format_number(half, std::floor(half) == half ? 0 : (std::floor(half * 10) == half * 10 ? 1 : 2)));
    f.text(r.x + bar.length_mm, r.y + 4.4, "scale", format_number(bar.length_km, decimals) + " km");
    f.text(r.x, r.y + 7.4, "tiny", "Scale at the map centre");
}

void draw_north_arrow(Furniture& f, const PagePlan& plan)
{
    // The arrow points to true north at the map centre (meridians converge off the central one).
    const Rect& r = plan.layout.north_arrow;
    const double cx = (plan.extent.min_x + plan.extent.max_x) / 2, cy = (plan.extent.min_y + plan.extent.max_y) / 2;
    const auto centre = plan.projection->inverse(cx, cy);
    const auto north = plan.projection->forward(centre[0], centre[1] + 0.05);
    const double angle = std::atan2(north[0] - cx, north[1] - cy);  // from paper "up", clockwise
    const double ax = r.x + r.w / 2, ay = r.y + r.h / 2 + 1.5;
    const auto rotate = [&](double dx, double dy) {
        return std::array<double, 2>{ax + dx * std::cos(angle) - dy * std::sin(angle), ay + dx * std::sin(angle) + dy * std::cos(angle)};
    };
    f.polygon({rotate(0, -3.6), rotate(1.6, 2.4), rotate(0, 1.2)}, "#333333", "#333333", 0.1);
    f.polygon({rotate(0, -3.6), rotate(0, 1.2), rotate(-1.6, 2.4)}, "#ffffff", "#333333", 0.1);
    const auto label = rotate(0, -5.4);
    f.text(label[0], label[1], "north", "N");
}

std::string furniture_xml(const PagePlan& plan, const XmlContext& context)
{
    const PageLayout& layout = plan.layout;
    Furniture f(layout.height);
    f.rect(layout.map, "", context.style->frame, 0.35);
    if (plan.overview_projection) {
        f.rect(layout.overview, "", context.style->frame, 0.25);
    }
    f.text(layout.map.x, layout.title_y, "title", plan.title);
    f.text(layout.map.x, layout.subtitle_y, "subtitle", plan.subtitle);
    draw_legend(f, plan);
    draw_scale_bar(f, plan);
    draw_north_arrow(f, plan);
    for (std::size_t i = 0; i < plan.notes.size(); ++i) {
        f.text(layout.notes.x, layout.notes.y + 1.5 + static_cast<double>(i) * 3.1, "note", plan.notes[i]);
    }
    f.text(layout.width - 12, layout.footer_y, "pageno", std::to_string(plan.number) + " / " + std::to_string(plan.count));

    TemplateValues values = base_values(context);
    values.set("srs", paper_srs).set("shapes_csv", f.shapes()).set("texts_csv", f.texts());
    const std::string text = context.style->text;
    const auto kind = [&](const char* name, const char* fontset, double points, const char* align, const std::string& colour) {
        return TemplateValues().set("kind", name).set("fontset", fontset).set("size", num(font_units(points))).set("align", align).set("colour", colour);
    };
    values.set_list("text_kinds",
        TemplateList{kind("title", "bold", 15, "right", text), kind("subtitle", "regular", 10, "right", "#4d4d4d"),
            kind("heading", "bold", 7.5, "right", text), kind("label", "regular", 7, "right", text),
            kind("small", "italic", 6.5, "right", "#4d4d4d"), kind("note", "regular", 6.5, "right", "#4d4d4d"),
            kind("pageno", "regular", 7.5, "left", text), kind("scale", "regular", 6.5, "middle", text),
            kind("tiny", "italic", 5.5, "right", "#6b6b6b"), kind("north", "bold", 8, "middle", text)});
    return fill_template(template_text(context, "page"), values);
}

} // namespace

PageXml make_page_xml(const PagePlan& plan, const XmlContext& context, const std::filesystem::path& data_dir)
{
    PageXml xml;
    xml.main_map = main_map(plan, context, data_dir);
    if (plan.overview_projection) {
        xml.overview = overview_map(plan, context, data_dir);
    }
    xml.furniture = furniture_xml(plan, context);
    return xml;
}

} // namespace migratlas::render
