#include "disclose/gate.hpp"

#include "common/error.hpp"
#include "common/products/catalogue.hpp"
#include "common/run_log.hpp"
#include "common/version.hpp"
#include "common/products/geo.hpp"
#include "common/products/run_log.hpp"
#include "disclose/family_table.hpp"
#include "disclose/layer_factory.hpp"
#include "disclose/pattern_cache.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"

#include <sys/stat.h>

#include <array>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <map>
#include <memory>
#include <stdexcept>
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

bool is_bookkeeping(const ProductSpec& spec)
{
    return &spec == &products::run_log || &spec == &products::product_metadata;
}

UnitHierarchy unit_hierarchy(GDALDataset& dataset)
{
    UnitHierarchy hierarchy;
    if (!workspace::has_product(dataset, products::units)) {
        return hierarchy;
    }
    const std::size_t code = products::units.column_index("code");
    const std::size_t parent = products::units.column_index("parent_code");
    const std::size_t name = products::units.column_index("name");
    workspace::for_each_row(dataset, products::units, [&](const std::vector<TableValue>& row) {
        auto text = [&](std::size_t i) {
            return std::holds_alternative<std::string>(row[i]) ? std::get<std::string>(row[i]) : std::string();
        };
        hierarchy.units[text(code)] = UnitHierarchy::Unit{text(parent), text(name)};
    });
    return hierarchy;
}

std::string rule_text(const ProtectionRule& rule)
{
    return "counts of 1 to " + std::to_string(rule.primary.threshold - 1) + (rule.primary.suppress_zeros ? " and zeros" : "") +
        " are hidden (primary); complementary cells are hidden so that no hidden count can be narrowed, from the "
        "published cells, their sums and counts >= 0, to an interval narrower than " +
        std::to_string(rule.protection_level) + " (hypercube moves with a certificate per cell, "
        "docs/methods/disclosure.md)";
}

/// Where a family's pattern came from in this process.
struct PatternSource {
    bool from_cache = false;
    double seconds_saved = 0.0;
};

std::string seconds_text(double seconds)
{
    std::ostringstream text;
    text.precision(2);
    text << std::fixed << seconds;
    return text.str();
}

/// Protects `table`, or gives it the pattern a cache entry holds for exactly this table and rule.
ProtectionReport protect_family(FamilyTable& table, const ProtectionRule& rule, const PatternCache* cache,
    const std::string& family, Diagnostics& diagnostics, PatternSource& source)
{
    if (cache == nullptr) {
        return table.protect(rule);
    }
    const std::string key = pattern_key(table.cube(), rule);
    if (const std::optional<StoredPattern> stored = cache->load(key, diagnostics)) {
        if (table.restore(rule, *stored)) {
            source = PatternSource{true, stored->seconds};
            diagnostics.info("pattern_from_cache", {}, family + ": protected pattern loaded from " +
                cache->entry_path(key).string() + " (" + seconds_text(stored->seconds) + " s of protection saved)");
            return stored->report;
        }
        diagnostics.warn("pattern_cache_ignored", {}, cache->entry_path(key).string() +
            ": the stored pattern does not fit the table (cells or primaries differ); the pattern is computed again");
    }
    const std::size_t cells_before = table.cube().size();
    const auto started = std::chrono::steady_clock::now();
    const ProtectionReport report = table.protect(rule);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    cache->store(key, pattern_of(table.cube(), cells_before, report, seconds), diagnostics);
    return report;
}

/// The protected families of one run: products linked to the same base share one protection.
class Families {
public:
    Families(GDALDataset& dataset, const Request& request) : m_dataset(&dataset), m_request(request)
    {
        if (request.use_pattern_cache) {
            m_cache.emplace(request.pattern_cache.empty() ? PatternCache::beside(request.workspace) : request.pattern_cache);
        }
    }

    /// A memoised family set serves later runs, each with its own open dataset of the same file.
    void use(GDALDataset& dataset) { m_dataset = &dataset; }

    /// The product's layer; `source` says where its family's pattern came from.
    PublishedLayer publish(const ProductSpec& spec, Diagnostics& diagnostics, PatternSource& source)
    {
        if (is_bookkeeping(spec)) {
            throw SettingError("products", "'" + std::string(spec.name) +
                "' is the workspace's own bookkeeping (paths, parameters) and is never published");
        }
        const ProductLayout layout = layout_of(spec);
        if (layout.counts.empty()) {
            return no_counts(spec, layout);
        }
        const ProductSpec* base = &spec;
        if (!spec.linked_to.empty()) {
            const ProductSpec* linked = products::find(spec.linked_to);
            if (linked == nullptr) {
                throw std::logic_error("product '" + std::string(spec.name) + "' is linked to an undeclared product");
            }
            if (workspace::has_product(*m_dataset, *linked)) {
                base = linked;
            }
        }
        Family& family = family_of(*base, diagnostics);
        source = family.source;
        Table rows = &spec == base ? Table{} : workspace::read_product(*m_dataset, spec);
        LayerRows layer = &spec == base ? family.table->base_rows(quality())
                                        : family.table->member_rows(layout_of(spec), rows, quality());
        return make_layer(spec, family, std::move(layer));
    }

private:
    struct Family {
        ProductLayout layout;
        std::unique_ptr<FamilyTable> table;
        ProtectionReport report;
        ProtectionRule rule;
        PatternSource source;
    };

    [[nodiscard]] QualityRule quality() const
    {
        return QualityRule{m_request.cv_limit_pct, m_request.quality_action == QualityAction::withhold};
    }

    Family& family_of(const ProductSpec& base, Diagnostics& diagnostics)
    {
        const std::string name(base.name);
        auto it = m_families.find(name);
        if (it != m_families.end()) {
            return it->second;
        }
        if (m_units.units.empty()) {
            m_units = unit_hierarchy(*m_dataset);
        }
        const EffectiveRules effective = effective_rules(m_request, name);
        Family family;
        family.layout = layout_of(base);
        family.rule.primary.threshold = effective.threshold;
        family.rule.primary.suppress_zeros = m_request.suppress_zeros;
        family.rule.protection_level = effective.protection_level;
        family.rule.cost = m_request.cost;
        family.table = std::make_unique<FamilyTable>(family.layout, workspace::read_product(*m_dataset, base), m_units);
        family.report = protect_family(*family.table, family.rule, m_cache ? &*m_cache : nullptr, name, diagnostics,
            family.source);
        return m_families.emplace(name, std::move(family)).first->second;
    }

    PublishedLayer make_layer(const ProductSpec& spec, const Family& family, LayerRows layer)
    {
        ProductMetadata metadata = metadata_of(*m_dataset, spec);
        DisclosureSummary summary;
        summary.threshold = family.rule.primary.threshold;
        summary.protection_level = family.rule.protection_level;
        summary.cv_limit_pct = spec.cv_column.empty() ? 0.0 : m_request.cv_limit_pct;
        summary.method = rule_text(family.rule);
        summary.family = std::string(family.layout.spec->name);
        for (const PublishedColumn& column : layer.columns) {
            if (column.status_of.empty() || spec.columns[spec.column_index(column.status_of)].role != ColumnRole::count) {
                continue;
            }
            const std::size_t status = layer.table.columns.size() == 0 ? 0 : index_of(layer, column.name);
            const std::size_t value = index_of(layer, column.status_of);
            for (const auto& row : layer.table.rows) {
                const std::string& text = std::get<std::string>(row[status]);
                ++summary.cells;
                if (text == to_string(CellStatus::primary) || text == to_string(CellStatus::primary_dominance)) {
                    ++summary.primary;
                } else if (text == to_string(CellStatus::secondary)) {
                    ++summary.secondary;
                }
                (void)value;
            }
        }
        summary.persons_hidden = family.report.persons_hidden;
        summary.withheld_quality = layer.withheld_quality;
        metadata.disclosure = summary.method + ". This layer: " + std::to_string(summary.cells) + " count values, " +
            std::to_string(summary.primary) + " primary and " + std::to_string(summary.secondary) +
            " secondary suppressions" +
            (summary.withheld_quality > 0 ? ", " + std::to_string(summary.withheld_quality) + " rows withheld for quality (CV above " +
                    std::to_string(static_cast<int>(m_request.cv_limit_pct)) + "%)" : std::string()) +
            "; protected with " + summary.family + " (" + std::to_string(family.report.primary) + " primary, " +
            std::to_string(family.report.secondary) + " secondary cells, " + std::to_string(family.report.persons_hidden) +
            " persons hidden).";
        return LayerFactory::make(std::string(spec.name), spec.geometry, std::move(layer.columns), std::move(layer.table),
            std::move(metadata), std::move(layer.dimensions), std::move(summary), std::move(layer.structure));
    }

    static std::size_t index_of(const LayerRows& layer, const std::string& column)
    {
        for (std::size_t i = 0; i < layer.columns.size(); ++i) {
            if (layer.columns[i].name == column) {
                return i;
            }
        }
        throw std::logic_error("no column " + column);
    }

    /// Products without counts (seasonal indices, distances) hold nothing the threshold applies to.
    PublishedLayer no_counts(const ProductSpec& spec, const ProductLayout& layout)
    {
        ProductMetadata metadata = metadata_of(*m_dataset, spec);
        metadata.disclosure = "no counts of persons: published as computed";
        DisclosureSummary summary;
        summary.method = metadata.disclosure;
        (void)layout;
        return LayerFactory::make(std::string(spec.name), spec.geometry, declared_columns(spec),
            workspace::read_product(*m_dataset, spec), std::move(metadata), {}, std::move(summary));
    }

    GDALDataset* m_dataset;
    const Request& m_request;
    UnitHierarchy m_units;
    std::map<std::string, Family> m_families;
    std::optional<PatternCache> m_cache;
};

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

namespace {

PublishedLayer publish_one(const ProductSpec& spec, GDALDataset& dataset, Families& families, Diagnostics& diagnostics,
    PatternSource& source, Progress& progress)
{
    progress.start("protecting " + std::string(spec.name));
    PublishedLayer layer = spec.visibility == Visibility::publishable ? pass_through(dataset, spec)
                                                                      : families.publish(spec, diagnostics, source);
    progress.finish();
    return layer;
}

/// Protects (or, with a memo, takes from it what an earlier run protected) each product in turn.
Outcome publish_all(const std::vector<const ProductSpec*>& specs, GDALDataset& dataset, Families& families,
    std::map<std::string, PublishedLayer>* memo, Diagnostics& diagnostics, Progress& progress)
{
    Outcome outcome;
    for (const ProductSpec* spec : specs) {
        const auto started = std::chrono::steady_clock::now();
        const std::string name(spec->name);
        bool from_memo = false;
        PatternSource source;
        if (memo == nullptr) {
            outcome.layers.push_back(publish_one(*spec, dataset, families, diagnostics, source, progress));
        } else {
            auto known = memo->find(name);
            from_memo = known != memo->end();
            if (!from_memo) {
                known = memo->emplace(name, publish_one(*spec, dataset, families, diagnostics, source, progress)).first;
            }
            outcome.layers.push_back(known->second);
        }
        outcome.reports.push_back(ProductReport{name, outcome.layers.back().disclosure(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), from_memo,
            source.from_cache, source.seconds_saved});
    }
    return outcome;
}

/// The workspace file as it is now. Any commit changes it: SQLite bumps the change counter of the
/// header (bytes 24-27) in rollback-journal mode, a -wal file grows in WAL mode, and replacing or
/// touching the file changes inode or times. Empty when the file cannot be read (no memo then).
std::string workspace_identity(const std::filesystem::path& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        return {};
    }
    std::string identity = std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" +
        std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) +
        ":" + std::to_string(info.st_ctim.tv_sec) + "." + std::to_string(info.st_ctim.tv_nsec);
    std::array<char, 100> header{};
    std::ifstream file(path, std::ios::binary);
    if (!file.read(header.data(), header.size())) {
        return {};
    }
    for (const std::size_t at : {24, 25, 26, 27, 28, 29, 30, 31, 92, 93, 94, 95}) {
        identity += ":" + std::to_string(static_cast<unsigned char>(header[at]));
    }
    struct stat wal {};
    const std::string wal_path = path.string() + "-wal";
    if (::stat(wal_path.c_str(), &wal) == 0) {
        identity += ":wal:" + std::to_string(wal.st_size) + ":" + std::to_string(wal.st_mtim.tv_sec) + "." +
            std::to_string(wal.st_mtim.tv_nsec);
    }
    return identity;
}

/// Every setting that changes what the gate publishes, as text (products excluded: per product).
std::string rules_identity(const Request& request)
{
    std::ostringstream key;
    key.precision(17);
    key << request.threshold << '|' << request.protection_level.value_or(-1) << '|' << request.suppress_zeros << '|'
        << request.cv_limit_pct << '|' << static_cast<int>(request.quality_action) << '|' << static_cast<int>(request.cost);
    for (const auto& [product, rules] : request.per_product) {
        key << '|' << product << ':' << rules.threshold.value_or(-1) << ':' << rules.protection_level.value_or(-1);
    }
    return key.str();
}

/// What a MemoScope keeps for one workspace identity and rule settings: the protected families
/// (products linked to one base share its protection) and the layers already published.
struct MemoEntry {
    std::mutex mutex;  ///< held while a run publishes from this entry
    Request rules;     ///< the settings the families were protected with (Families keeps a reference)
    std::unique_ptr<Families> families;
    std::map<std::string, PublishedLayer> layers;
};

struct Memo {
    std::mutex mutex;
    int scopes = 0;
    /// canonical workspace path -> (identity + rules) -> entry; a path keeps only its current identity.
    std::map<std::string, std::map<std::string, std::shared_ptr<MemoEntry>>> entries;
};

Memo& memo()
{
    static Memo instance;
    return instance;
}

/// The entry for this workspace as it is now and these rules; null outside a MemoScope.
std::shared_ptr<MemoEntry> memo_entry(const Request& request)
{
    Memo& m = memo();
    const std::lock_guard lock(m.mutex);
    if (m.scopes == 0) {
        return nullptr;
    }
    const std::string identity = workspace_identity(request.workspace);
    if (identity.empty()) {
        return nullptr;
    }
    std::error_code error;
    const std::string path = std::filesystem::weakly_canonical(request.workspace, error).string();
    const std::string key = identity + "#" + rules_identity(request);
    auto& of_path = m.entries[path];
    std::erase_if(of_path, [&](const auto& entry) { return entry.first.substr(0, identity.size() + 1) != identity + "#"; });
    auto& entry = of_path[key];
    if (!entry) {
        entry = std::make_shared<MemoEntry>();
        entry->rules = request;
        entry->rules.products.clear();
    }
    return entry;
}

} // namespace

MemoScope::MemoScope()
{
    const std::lock_guard lock(memo().mutex);
    ++memo().scopes;
}

MemoScope::~MemoScope()
{
    const std::lock_guard lock(memo().mutex);
    if (--memo().scopes == 0) {
        memo().entries.clear();
    }
}

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    check_settings(request);
    const std::vector<const ProductSpec*> specs = resolve_products(request);
    const std::shared_ptr<MemoEntry> entry = memo_entry(request);
    GDALDatasetUniquePtr dataset = workspace::open_readonly(request.workspace);
    if (entry == nullptr) {
        Families families(*dataset, request);
        return publish_all(specs, *dataset, families, nullptr, diagnostics, progress);
    }
    const std::lock_guard lock(entry->mutex);
    if (!entry->families) {
        entry->families = std::make_unique<Families>(*dataset, entry->rules);
    }
    entry->families->use(*dataset);
    return publish_all(specs, *dataset, *entry->families, &entry->layers, diagnostics, progress);
}

} // namespace migratlas::disclose
