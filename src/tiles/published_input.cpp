#include "tiles/published_input.hpp"

#include "common/error.hpp"
#include "common/products/geo.hpp"
#include "disclose/gate.hpp"
#include "disclose/layer_description.hpp"
#include "disclose/layer_view.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace migratlas::tiles {

namespace {

FieldType field_type(ColumnType type)
{
    switch (type) {
    case ColumnType::integer: return FieldType::integer;
    case ColumnType::real: return FieldType::real;
    case ColumnType::text: break;
    }
    return FieldType::text;
}

bool selected(const std::string& name, const AttributeSelection& selection)
{
    const bool included = selection.include.empty() ||
        std::find(selection.include.begin(), selection.include.end(), name) != selection.include.end();
    return included && std::find(selection.exclude.begin(), selection.exclude.end(), name) == selection.exclude.end();
}

struct ColumnChoice {
    std::vector<Field> fields;
    std::vector<std::size_t> table_index;
};

/// Counts add up when points cluster (a hidden count is NULL and adds nothing, so a cluster's sum is
/// a sum of published values only); rates, shares and status texts are kept only where all agree.
ColumnChoice choose_columns(const disclose::PublishedLayer& layer, const AttributeSelection& selection)
{
    ColumnChoice choice;
    const auto& columns = layer.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const disclose::PublishedColumn& column = columns[c];
        if (!selected(column.name, selection)) {
            continue;
        }
        Field field;
        field.name = column.name;
        field.type = field_type(column.type);
        field.cluster_rule = column.role == ColumnRole::count ? ClusterRule::sum : ClusterRule::uniform;
        field.description = column.description + (column.unit.empty() ? "" : " (" + column.unit + ")");
        choice.fields.push_back(std::move(field));
        choice.table_index.push_back(c);
    }
    return choice;
}

std::optional<std::size_t> column_named(const disclose::PublishedLayer& layer, std::string_view name)
{
    const auto& columns = layer.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].name == name && columns[c].type == ColumnType::real) {
            return c;
        }
    }
    return std::nullopt;
}

/// Where a product's features are: its WKB, or its lon/lat columns.
class GeometrySource {
public:
    explicit GeometrySource(const disclose::PublishedLayer& layer) : m_layer(layer)
    {
        if (layer.geometry() != GeometryKind::none) {
            return;
        }
        m_lon = column_named(layer, "lon");
        m_lat = column_named(layer, "lat");
        if (!m_lon || !m_lat) {
            throw SettingError("layers", "product '" + layer.name() +
                "' has no geometry (nor lon/lat columns) and cannot be tiled; export it as a table instead");
        }
    }

    /// False when row `r` has no usable geometry (reason in `why`).
    bool read(std::size_t r, LonLatGeometry& out, std::string& why) const
    {
        out.parts.clear();
        out.shell.clear();
        if (m_lon) {
            const auto& row = m_layer.table().rows[r];
            const auto* lon = std::get_if<double>(&row[*m_lon]);
            const auto* lat = std::get_if<double>(&row[*m_lat]);
            if (lon == nullptr || lat == nullptr) {
                why = "has no lon/lat";
                return false;
            }
            out.kind = FeatureKind::point;
            out.parts.push_back({LonLat{*lon, *lat}});
            out.shell.push_back(true);
            return true;
        }
        const std::string& wkb = m_layer.table().geometry_wkb[r];
        OGRGeometry* parsed = nullptr;
        if (wkb.empty() || OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &parsed, wkb.size()) != OGRERR_NONE) {
            why = "has no readable geometry";
            return false;
        }
        std::unique_ptr<OGRGeometry> geometry(parsed);
        bool kind_set = false;
        if (geometry->IsEmpty() || !collect_parts(*geometry, out, kind_set) || !kind_set) {
            why = "has an empty geometry or one mixing points, lines and areas";
            return false;
        }
        return true;
    }

private:
    const disclose::PublishedLayer& m_layer;
    std::optional<std::size_t> m_lon;
    std::optional<std::size_t> m_lat;
};

TileLayer adapt(const disclose::PublishedLayer& published, const AttributeSelection& selection,
    std::size_t max_attribute_bytes, const geo::GeosContext& geos, Diagnostics& diagnostics, InputSummary& summary)
{
    const GeometrySource geometry_source(published);
    ColumnChoice choice = choose_columns(published, selection);
    TileLayer out(published.name(), choice.fields);
    std::vector<std::string> kept;
    for (const Field& field : choice.fields) {
        kept.push_back(field.name);
    }
    out.set_publication(disclose::container_description(published, kept).dump());
    LayerBuilder builder(out, max_attribute_bytes, geos, diagnostics);
    const SourcePos pos{"product " + published.name(), 0, 0};
    const Table& table = published.table();
    out.reserve(table.rows.size(), 0);
    std::vector<TableValue> values(choice.fields.size());
    LonLatGeometry geometry;
    std::string why;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        ++summary.features_read;
        const FeatureLabel label{r + 1, r};
        if (!geometry_source.read(r, geometry, why)) {
            diagnostics.reject("missing_geometry", SourcePos{pos.path, r + 1, 0}, "row " + std::to_string(r + 1) + " " + why);
            ++summary.counts.rejected;
            continue;
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i] = table.rows[r][choice.table_index[i]];
        }
        builder.add(pos, label, geometry, values);
    }
    out.shrink_to_fit();
    const std::uint64_t rejected_before = summary.counts.rejected;
    summary.counts = builder.counts();
    summary.counts.rejected += rejected_before;
    return out;
}

} // namespace

namespace {

std::vector<std::string> base_products(const std::vector<disclose::ViewSpec>& views)
{
    std::vector<std::string> products;
    for (const auto& view : views) {
        if (std::find(products.begin(), products.end(), view.product) == products.end()) {
            products.push_back(view.product);
        }
    }
    return products;
}

disclose::Outcome run_gate(const std::filesystem::path& workspace, std::vector<std::string> products,
    bool pattern_cache, Diagnostics& diagnostics, Progress& progress)
{
    disclose::Request request;
    request.workspace = workspace;
    request.use_pattern_cache = pattern_cache;
    request.products = std::move(products);
    try {
        return disclose::run(request, diagnostics, progress);
    } catch (const SettingError& e) {
        // The gate names its own setting; here the products are the tiles stage's layers.
        throw SettingError(e.setting() == "products" ? "layers" : e.setting(), e.message());
    }
}

const disclose::PublishedLayer* find_layer(const std::vector<disclose::PublishedLayer>& layers, const std::string& name)
{
    for (const auto& layer : layers) {
        if (layer.name() == name) {
            return &layer;
        }
    }
    return nullptr;
}

/// The published units, for layers keyed by unit that are drawn on their units' polygons: from
/// the gate's outcome when a layer asked for them, else from a second (pass-through) gate run.
const disclose::PublishedLayer* units_for_views(disclose::Outcome& outcome, const std::filesystem::path& workspace,
    bool pattern_cache, Diagnostics& diagnostics, Progress& progress)
{
    const std::string units(products::units.name);
    if (const auto* found = find_layer(outcome.layers, units)) {
        return found;
    }
    const bool needed = std::any_of(outcome.layers.begin(), outcome.layers.end(),
        [](const disclose::PublishedLayer& layer) { return disclose::needs_unit_geometry(layer); });
    if (!needed) {
        return nullptr;
    }
    disclose::Outcome extra = run_gate(workspace, {units}, pattern_cache, diagnostics, progress);
    outcome.layers.push_back(std::move(extra.layers.front()));
    return &outcome.layers.back();
}

void report_view(const disclose::ViewSpec& spec, const disclose::ViewCounts& counts, Diagnostics& diagnostics)
{
    if (counts.filtered_out == 0 && counts.without_unit == 0) {
        return;
    }
    diagnostics.info("view_rows", {}, "layer '" + (spec.name.empty() ? spec.product : spec.name) + "': " +
        std::to_string(counts.rows_kept) + " of " + std::to_string(counts.rows_read) + " published rows of " + spec.product +
        " tiled (" + std::to_string(counts.filtered_out) + " left out by the filter, " + std::to_string(counts.without_unit) +
        " without a unit polygon: margins, places outside the geography)");
}

} // namespace

PublishedLayers read_published(const std::filesystem::path& workspace, const std::vector<std::string>& layer_specs,
    const AttributeSelection& attributes, std::size_t max_attribute_bytes, bool pattern_cache, const geo::GeosContext& geos,
    Diagnostics& diagnostics, Progress& progress)
{
    std::vector<disclose::ViewSpec> views;
    for (const auto& text : layer_specs) {
        views.push_back(disclose::parse_view_spec(text, "layers"));
    }
    disclose::Outcome outcome = run_gate(workspace, base_products(views), pattern_cache, diagnostics, progress);
    const disclose::PublishedLayer* units = units_for_views(outcome, workspace, pattern_cache, diagnostics, progress);
    PublishedLayers result;
    for (const disclose::ViewSpec& spec : views) {
        const disclose::PublishedLayer& base = *find_layer(outcome.layers, spec.product);
        const bool plain = spec.name.empty() && spec.where.empty() && !disclose::needs_unit_geometry(base);
        disclose::ViewCounts counts;
        const std::optional<disclose::PublishedLayer> view =
            plain ? std::nullopt : std::optional(disclose::make_view(base, spec, units, "layers", counts));
        const disclose::PublishedLayer& published = view ? *view : base;
        report_view(spec, counts, diagnostics);
        InputSummary summary;
        summary.spec = published.name();
        summary.source = workspace.string() + " (product " + base.name() + ", through the disclosure gate)";
        summary.layer = published.name();
        summary.driver = "workspace";
        summary.crs = "EPSG:4326";
        progress.start("reading " + published.name());
        result.layers.push_back(adapt(published, attributes, max_attribute_bytes, geos, diagnostics, summary));
        progress.finish();
        result.summaries.push_back(std::move(summary));
    }
    return result;
}

} // namespace migratlas::tiles
