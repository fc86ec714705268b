#include "disclose/gate.hpp"

#include "common/error.hpp"
#include "common/products/catalogue.hpp"
#include "common/run_log.hpp"
#include "common/version.hpp"
#include "disclose/layer_factory.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <chrono>
#include <string>

namespace migratlas::disclose {

namespace {

std::string known_products()
{
    std::string list;
    for (const ProductSpec* spec : products::all()) {
        list += (list.empty() ? "" : ", ") + std::string(spec->name);
    }
    return list;
}

std::vector<const ProductSpec*> resolve_products(const Request& request)
{
    if (request.products.empty()) {
        throw SettingError("products", "name at least one product to publish (known: " + known_products() + ")");
    }
    std::vector<const ProductSpec*> specs;
    for (const std::string& name : request.products) {
        const ProductSpec* spec = products::find(name);
        if (spec == nullptr) {
            throw SettingError("products", "unknown product '" + name + "' (known: " + known_products() + ")");
        }
        specs.push_back(spec);
    }
    return specs;
}

void check_settings(const Request& request)
{
    if (request.cv_limit_pct <= 0.0 || request.cv_limit_pct > 1000.0) {
        throw SettingError("cv_limit", "must be a CV in percent above 0 (e.g. 30), got " + std::to_string(request.cv_limit_pct));
    }
    for (const auto& [product, rules] : request.per_product) {
        if (products::find(product) == nullptr) {
            throw SettingError("products." + product, "unknown product '" + product + "' (known: " + known_products() + ")");
        }
        (void)effective_rules(request, product);
    }
    (void)effective_rules(request, std::string());
}

ProductMetadata metadata_of(GDALDataset& dataset, const ProductSpec& spec)
{
    std::optional<ProductMetadata> stored = workspace::read_metadata(dataset, spec);
    ProductMetadata metadata = stored ? *stored : ProductMetadata{};
    metadata.product = std::string(spec.name);
    if (metadata.version.empty()) {
        metadata.version = version_string;
    }
    if (metadata.created_utc.empty()) {
        metadata.created_utc = utc_now_iso();
    }
    return metadata;
}

std::vector<PublishedColumn> declared_columns(const ProductSpec& spec)
{
    std::vector<PublishedColumn> columns;
    for (const ColumnSpec& column : spec.columns) {
        columns.push_back(PublishedColumn{std::string(column.name), column.type, column.role, std::string(column.unit),
            std::string(column.description), std::string()});
    }
    return columns;
}

/// Boundaries, names and neighbour pairs hold nothing confidential: they leave as stored.
PublishedLayer pass_through(GDALDataset& dataset, const ProductSpec& spec)
{
    ProductMetadata metadata = metadata_of(dataset, spec);
    metadata.disclosure = "none needed: a publishable product (geography and attributes, no counts of persons)";
    DisclosureSummary summary;
    summary.method = metadata.disclosure;
    return LayerFactory::make(std::string(spec.name), spec.geometry, declared_columns(spec),
        workspace::read_product(dataset, spec), std::move(metadata), {}, std::move(summary));
}

PublishedLayer protect(GDALDataset& /*dataset*/, const ProductSpec& spec, const EffectiveRules& /*rules*/)
{
    throw DataError("product '" + std::string(spec.name) +
        "' is internal (unsuppressed counts) and this build cannot protect it yet; it was not published");
}

} // namespace

EffectiveRules effective_rules(const Request& request, const std::string& product)
{
    const auto it = request.per_product.find(product);
    const ProductRules* rules = it == request.per_product.end() ? nullptr : &it->second;
    const std::string prefix = rules == nullptr ? std::string() : "products." + product + ".";
    EffectiveRules effective;
    effective.threshold = rules != nullptr && rules->threshold ? *rules->threshold : request.threshold;
    const std::optional<std::int64_t> level =
        rules != nullptr && rules->protection_level ? rules->protection_level : request.protection_level;
    effective.protection_level = level ? *level : effective.threshold;
    if (effective.threshold < 1 || effective.threshold > 1'000'000) {
        throw SettingError(prefix + "threshold",
            "must be a number of persons between 1 and 1000000, got " + std::to_string(effective.threshold));
    }
    if (effective.protection_level < 1 || effective.protection_level > 1'000'000) {
        throw SettingError(prefix + "protection_level",
            "must be a number of persons between 1 and 1000000, got " + std::to_string(effective.protection_level));
    }
    return effective;
}

Outcome run(const Request& request, Diagnostics& /*diagnostics*/, Progress& progress)
{
    check_settings(request);
    const std::vector<const ProductSpec*> specs = resolve_products(request);
    GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
    Outcome outcome;
    for (const ProductSpec* spec : specs) {
        const auto started = std::chrono::steady_clock::now();
        progress.start("protecting " + std::string(spec->name));
        PublishedLayer layer = spec->visibility == Visibility::publishable
            ? pass_through(*dataset, *spec)
            : protect(*dataset, *spec, effective_rules(request, std::string(spec->name)));
        progress.finish();
        ProductReport report{std::string(spec->name), layer.disclosure(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
        outcome.reports.push_back(std::move(report));
        outcome.layers.push_back(std::move(layer));
    }
    return outcome;
}

} // namespace migratlas::disclose
