#include "tiles/size_policy.hpp"

#include "common/error.hpp"
#include "tiles/zoom.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace migratlas::tiles {

namespace {

constexpr int coarsest_factor = 16;
/// Coarser simplification is abandoned once a step shrinks the tile by less than this share.
constexpr double worthwhile_shrink = 0.10;
constexpr int drop_attempts = 8;

struct Attempt {
    TileOutput output;
    TileOptions options;
    bool fits = false;
};

/// The importance below which features are left out so that the kept ones, most important first,
/// take at most `budget` encoded bytes; the most important feature is always kept.
float threshold_for(std::vector<TileItem> items, double budget)
{
    std::sort(items.begin(), items.end(), [](const TileItem& a, const TileItem& b) { return a.importance > b.importance; });
    double used = 0.0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        used += items[i].bytes;
        if (used > budget && i > 0) {
            // Equal importances stand or fall together, so the cut goes above this one.
            return std::nextafter(items[i].importance, 2.0F);
        }
    }
    return 0.0F;
}

/// Coarser simplification first, then leaving out the least important features.
Attempt shrink(const TileContext& context, std::size_t tile, const TileOutput& first, const geo::GeosContext& geos)
{
    const std::uint64_t limit = context.settings.max_tile_bytes;
    Attempt attempt;
    std::uint64_t previous_raw = first.raw_bytes;
    for (int factor = 2; factor <= coarsest_factor; factor *= 2) {
        attempt.options = TileOptions{factor, 0.0F, true};
        attempt.output = build_tile(context, tile, attempt.options, geos);
        if (attempt.output.bytes <= limit) {
            attempt.fits = true;
            return attempt;
        }
        if (static_cast<double>(attempt.output.raw_bytes) > (1.0 - worthwhile_shrink) * static_cast<double>(previous_raw)) {
            break;
        }
        previous_raw = attempt.output.raw_bytes;
    }
    // Leave out features: the compression ratio measured on the last build turns the byte limit into
    // a budget of encoded feature bytes; if the result is still too big, the budget shrinks.
    const std::vector<TileItem> items = attempt.output.items;
    const int factor = attempt.options.factor;
    double ratio = static_cast<double>(attempt.output.bytes) / static_cast<double>(std::max<std::uint64_t>(1, attempt.output.raw_bytes));
    double overhead = static_cast<double>(attempt.output.raw_bytes);
    for (const TileItem& item : items) {
        overhead -= item.bytes;
    }
    double target = static_cast<double>(limit) * 0.97;
    float previous_threshold = -1.0F;
    for (int round = 0; round < drop_attempts; ++round) {
        const double budget = std::max(0.0, target / ratio - std::max(0.0, overhead));
        const float threshold = threshold_for(items, budget);
        if (threshold <= previous_threshold) {
            // Rounding kept the same set: ask for less.
            target *= 0.9;
            continue;
        }
        previous_threshold = threshold;
        Attempt trial;
        trial.options = TileOptions{factor, threshold, false};
        trial.output = build_tile(context, tile, trial.options, geos);
        if (trial.output.bytes <= limit) {
            trial.fits = true;
            return trial;
        }
        ratio = static_cast<double>(trial.output.bytes) / static_cast<double>(std::max<std::uint64_t>(1, trial.output.raw_bytes));
        target *= 0.9;
        attempt = std::move(trial);
    }
    attempt.fits = false;
    return attempt;
}

std::uint64_t left_out(const TileOutput& full, float threshold)
{
    return static_cast<std::uint64_t>(std::count_if(full.items.begin(), full.items.end(),
        [threshold](const TileItem& item) { return item.importance < threshold; }));
}

} // namespace

std::string tile_name(int zoom, std::uint32_t x, std::uint32_t y)
{
    return std::to_string(zoom) + "/" + std::to_string(x) + "/" + std::to_string(y);
}

std::vector<ReducedTile> enforce_tile_size(const TileContext& context, std::vector<LayerPlan>& plans, ZoomDrops& point_drops,
    std::vector<TileOutput>& outputs, std::vector<TileOptions>& options, GeosPool& geos)
{
    const std::uint64_t limit = context.settings.max_tile_bytes;
    const int zoom = context.zoom.zoom;
    std::vector<std::size_t> oversize;
    for (std::size_t t = 0; t < outputs.size(); ++t) {
        if (outputs[t].bytes > limit) {
            oversize.push_back(t);
        }
    }
    std::vector<ReducedTile> reduced(oversize.size());
    std::vector<Attempt> attempts(oversize.size());
    tbb::parallel_for(std::size_t{0}, oversize.size(), [&](std::size_t i) {
        const std::size_t t = oversize[i];
        attempts[i] = shrink(context, t, outputs[t], geos.local());
        std::vector<TileItem>().swap(attempts[i].output.items); // listed again below only where needed
        const TileKey key = TileKey::unpack(context.zoom.tiles[t]);
        reduced[i] = ReducedTile{zoom, key.x, key.y, outputs[t].bytes, attempts[i].output.bytes,
            attempts[i].options.factor, 0};
    });
    std::string failures;
    for (std::size_t i = 0; i < oversize.size(); ++i) {
        if (!attempts[i].fits) {
            failures += (failures.empty() ? "" : ", ") + tile_name(zoom, reduced[i].x, reduced[i].y) + " (" +
                std::to_string(attempts[i].output.bytes) + " bytes)";
        }
    }
    if (!failures.empty()) {
        throw DataError("tile " + failures + " stays over max_tile_bytes (" + std::to_string(limit) +
            ") even with coarser simplification and only its most important features; raise max_tile_bytes, "
            "leave attributes out (exclude_attributes) or lower the layer's maxzoom");
    }

    // Features left out of a tile are left out everywhere at this zoom (and below, for areas and lines).
    std::vector<std::vector<bool>> removed(plans.size());
    bool any_removed = false;
    for (std::size_t i = 0; i < oversize.size(); ++i) {
        const std::size_t t = oversize[i];
        outputs[t] = std::move(attempts[i].output);
        options[t] = attempts[i].options;
        const float threshold = options[t].threshold;
        if (threshold <= 0.0F) {
            continue;
        }
        TileOptions listing{options[t].factor, 0.0F, true};
        const TileOutput full = build_tile(context, t, listing, geos.local());
        reduced[i].features_left_out = left_out(full, threshold);
        for (const TileItem& item : full.items) {
            if (item.importance >= threshold) {
                continue;
            }
            LayerPlan& plan = plans[item.layer];
            if (removed[item.layer].empty()) {
                removed[item.layer].assign(plan.layer->size(), false);
            }
            removed[item.layer][item.feature] = true;
            any_removed = true;
            if (plan.layer->kind(item.feature) == FeatureKind::point) {
                point_drops[item.layer][item.feature] = true;
            } else {
                plan.dropped[item.feature] = true;
            }
        }
    }
    if (!any_removed) {
        return reduced;
    }
    std::vector<std::size_t> rebuild;
    for (std::size_t t = 0; t < outputs.size(); ++t) {
        for (const TileRef& ref : context.zoom.refs_of(t)) {
            if (!removed[ref.layer].empty() && removed[ref.layer][ref.feature]) {
                rebuild.push_back(t);
                break;
            }
        }
    }
    tbb::parallel_for(std::size_t{0}, rebuild.size(), [&](std::size_t i) {
        const std::size_t t = rebuild[i];
        TileOptions again = options[t];
        again.collect_items = false;
        outputs[t] = build_tile(context, t, again, geos.local());
    });
    return reduced;
}

} // namespace migratlas::tiles
