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

PublishedInput adapt(const disclose::PublishedLayer& published)
{
    PublishedInput input;
    auto layer = std::make_shared<FeatureLayer>();
    layer->name = published.name();
    layer->geometry = published.geometry();
    layer->table = published.table();
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
        inputs.emplace(published.name(), adapt(published));
    }
    return inputs;
}

} // namespace migratlas::render
