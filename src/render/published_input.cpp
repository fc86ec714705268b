#include "render/published_input.hpp"

#include "common/error.hpp"
#include "common/products/catalogue.hpp"
#include "common/products/geo.hpp"
#include "disclose/gate.hpp"
#include "disclose/layer_view.hpp"
#include "render/atlas_parser.hpp"

#include <algorithm>

#include <cmath>
#include <cstdio>

namespace migratlas::render {

namespace {

std::string percent(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g%%", value);
    return buffer;
}

/// The rows a map can place: the gate also publishes margins (totals over sex, age group, ...) and
/// rows of unknown places, which carry no geometry; a map draws only the rows that have one.
Table placeable_rows(const Table& table, const std::string& product, Diagnostics& diagnostics)
{
    if (table.geometry_wkb.empty()) {
        return table;
    }
    Table kept;
    kept.columns = table.columns;
    std::size_t dropped = 0;
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
        if (table.geometry_wkb[row].empty()) {
            ++dropped;
            continue;
        }
        kept.rows.push_back(table.rows[row]);
        kept.geometry_wkb.push_back(table.geometry_wkb[row]);
    }
    if (dropped > 0) {
        diagnostics.info("rows_without_geometry", {}, "product '" + product + "': " + std::to_string(dropped) +
            " published rows have no geometry (margins, unknown places) and are not drawn");
    }
    return kept;
}

PublishedInput adapt(const disclose::PublishedLayer& published, Diagnostics& diagnostics)
{
    PublishedInput input;
    auto layer = std::make_shared<FeatureLayer>();
    layer->name = published.name();
    layer->geometry = published.geometry();
    layer->table = placeable_rows(published.table(), published.name(), diagnostics);
    layer->metadata = published.metadata();
    const auto& summary = published.disclosure();
    if (summary.threshold > 0) {
        input.suppressed_label = "fewer than " + std::to_string(summary.threshold) + " persons" +
            (summary.secondary > 0 ? ", or hidden to protect such a value" : "");
    }
    if (summary.cv_limit_pct > 0) {
        input.unreliable_label = "CV above " + percent(summary.cv_limit_pct);
    }
    input.layer = std::move(layer);
    return input;
}

} // namespace

bool drawn_on_units(const std::string& product)
{
    const ProductSpec* spec = products::find(product);
    return spec != nullptr && spec->geometry == GeometryKind::none && spec->has_column(disclose::unit_key_column);
}

std::vector<std::vector<ProductRequest>> protected_together(const std::vector<ProductRequest>& requests)
{
    std::vector<std::string> families;
    std::vector<std::vector<ProductRequest>> groups;
    for (const auto& wanted : requests) {
        const ProductSpec* spec = products::find(wanted.product);
        // An undeclared product gets a group of its own: the gate names it in its error.
        const std::string family = spec == nullptr ? wanted.product : std::string(spec->linked_to.empty() ? spec->name : spec->linked_to);
        const auto at = std::find(families.begin(), families.end(), family);
        if (at == families.end()) {
            families.push_back(family);
            groups.push_back({wanted});
        } else {
            groups[static_cast<std::size_t>(at - families.begin())].push_back(wanted);
        }
    }
    return groups;
}

std::map<std::string, PublishedInput> read_published_products(const std::filesystem::path& workspace,
    const std::vector<ProductRequest>& requests, bool pattern_cache, Diagnostics& diagnostics, Progress& progress)
{
    disclose::Request request;
    request.workspace = workspace;
    request.use_pattern_cache = pattern_cache;
    for (const auto& wanted : requests) {
        if (std::find(request.products.begin(), request.products.end(), wanted.product) == request.products.end()) {
            request.products.push_back(wanted.product);
        }
    }
    const std::string units(products::units.name);
    const bool on_units = std::any_of(requests.begin(), requests.end(), [](const ProductRequest& r) { return drawn_on_units(r.product); });
    if (on_units && std::find(request.products.begin(), request.products.end(), units) == request.products.end()) {
        request.products.push_back(units);
    }
    const disclose::Outcome outcome = disclose::run(request, diagnostics, progress);
    const auto layer_of = [&](const std::string& name) -> const disclose::PublishedLayer& {
        return *std::find_if(outcome.layers.begin(), outcome.layers.end(),
            [&](const disclose::PublishedLayer& layer) { return layer.name() == name; });
    };
    std::map<std::string, PublishedInput> inputs;
    for (const auto& wanted : requests) {
        const disclose::PublishedLayer& base = layer_of(wanted.product);
        if (wanted.filter.empty() && !disclose::needs_unit_geometry(base)) {
            inputs.emplace(wanted.key, adapt(base, diagnostics));
            continue;
        }
        disclose::ViewSpec spec{wanted.product, wanted.product, wanted.filter};
        disclose::ViewCounts counts;
        const disclose::PublishedLayer view = [&] {
            try {
                return disclose::make_view(base, spec, on_units ? &layer_of(units) : nullptr, "filter", counts);
            } catch (const SettingError& e) {
                throw AtlasError(wanted.pos, e.message());
            }
        }();
        diagnostics.info("view_rows", {}, "'" + wanted.key + "': " + std::to_string(counts.rows_kept) + " of " +
            std::to_string(counts.rows_read) + " published rows of " + wanted.product + " drawn (" +
            std::to_string(counts.filtered_out) + " left out by the filter, " + std::to_string(counts.without_unit) +
            " without a unit polygon)");
        inputs.emplace(wanted.key, adapt(view, diagnostics));
    }
    return inputs;
}

} // namespace migratlas::render
