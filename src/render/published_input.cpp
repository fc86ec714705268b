#include "render/published_input.hpp"

#include "disclose/gate.hpp"

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

std::map<std::string, PublishedInput> read_published_products(const std::filesystem::path& workspace,
    const std::vector<std::string>& products, Diagnostics& diagnostics, Progress& progress)
{
    disclose::Request request;
    request.workspace = workspace;
    request.products = products;
    const disclose::Outcome outcome = disclose::run(request, diagnostics, progress);
    std::map<std::string, PublishedInput> inputs;
    for (const auto& published : outcome.layers) {
        inputs.emplace(published.name(), adapt(published, diagnostics));
    }
    return inputs;
}

} // namespace migratlas::render
