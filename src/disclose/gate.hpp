// The disclosure gate: the only way a product leaves the workspace. Reads the requested products,
// applies primary suppression (threshold, dominance, survey quality) and complementary suppression
// across each table and every margin it publishes, and returns PublishedLayer objects.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"
#include "disclose/hypercube_protector.hpp"
#include "disclose/published_layer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::disclose {

/// What to do with a survey estimate whose CV exceeds cv_limit_pct.
enum class QualityAction { withhold, flag };

/// Settings of the rule that may differ per product (atlas file `products: <name>: threshold: 20`).
struct ProductRules {
    std::optional<std::int64_t> threshold;
    std::optional<std::int64_t> protection_level;
};

struct Request {
    std::filesystem::path workspace;
    /// Product names, in the order the layers are wanted. Each must be declared (common/products/).
    std::vector<std::string> products;
    /// Person counts below this are primary suppressions (setting `threshold`).
    std::int64_t threshold = 10;
    /// An attacker's interval for a primary cell must be at least this wide (setting
    /// `protection_level`); unset = the threshold.
    std::optional<std::int64_t> protection_level;
    /// Zero cells are published unless this is set (setting `suppress_zeros`).
    bool suppress_zeros = false;
    /// Survey estimates with a CV above this percentage (setting `cv_limit`) are withheld or flagged.
    double cv_limit_pct = 30.0;
    QualityAction quality_action = QualityAction::withhold;
    /// What a complementary cell costs when the gate chooses them (setting `suppression_cost`).
    SuppressionCost cost = SuppressionCost::persons;
    /// Per-product overrides of threshold and protection_level (setting `products.<name>.threshold`).
    std::map<std::string, ProductRules> per_product;
    /// Protected patterns are loaded from and stored in a cache between processes (pattern_cache.hpp)
    /// unless this is false; the layers are the same either way.
    bool use_pattern_cache = true;
    /// The cache's directory; empty = `<workspace>.disclosure-cache` beside the workspace file.
    std::filesystem::path pattern_cache;
};

/// What the gate did to one product.
struct ProductReport {
    std::string product;
    DisclosureSummary summary;
    double seconds = 0.0;
    bool from_memo = false;  ///< protected by an earlier run of the same MemoScope, returned from memory
    /// The family's pattern was loaded from the pattern cache (stored by an earlier process).
    bool from_cache = false;
    /// What protecting the family took when its pattern was stored (0 unless from_cache); a
    /// family's figure is repeated in each of its products' reports.
    double seconds_saved = 0.0;
};

struct Outcome {
    std::vector<PublishedLayer> layers;  ///< one per requested product, in request order
    std::vector<ProductReport> reports;
};

/// The threshold and protection level in force for `product` (per-product override, else the
/// request's), range-checked: SettingError names the setting.
struct EffectiveRules {
    std::int64_t threshold = 10;
    std::int64_t protection_level = 10;
};
[[nodiscard]] EffectiveRules effective_rules(const Request& request, const std::string& product);

/// Checks every setting (SettingError naming it), reads each product from the workspace, protects
/// it and returns the layers. Publishable products (units, unit_neighbours) pass through with their
/// metadata; internal ones only after protection. Throws with nothing returned on any failure.
/// While a MemoScope is alive, a product already protected from the same workspace file (same
/// identity: path, inode, size, times and SQLite change counter) under the same rule settings is
/// returned from memory (report seconds 0): the same layer, byte for byte. Across processes the
/// pattern cache (Request::use_pattern_cache) does the same for each family's pattern: an entry
/// whose key (the family's cells, rule settings, protector version) matches is used, anything
/// else (no entry, damaged, unwritable location) means protecting, with a warning at most.
[[nodiscard]] Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

/// While at least one is alive (in any thread), run() memoises its layers and protected families
/// per workspace identity and rule settings, so that a chain that publishes one product several
/// times (`migratlas build`: export per format, render, tiles) protects it once. Thread safe;
/// the memo is dropped when the last scope ends, and an entry as soon as its workspace changes.
class MemoScope {
public:
    MemoScope();
    ~MemoScope();
    MemoScope(const MemoScope&) = delete;
    MemoScope& operator=(const MemoScope&) = delete;
};

} // namespace migratlas::disclose
