#include "tiles/size_policy.hpp"

#include "common/error.hpp"
#include "tiles/zoom.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <mutex>

namespace migratlas::tiles {

namespace {

constexpr int coarsest_factor = 16;

struct Attempt {
    TileOutput output;
    TileOptions options;
    bool fits = false;
};

/// Coarser simplification first, then leaving out the least important features.
Attempt shrink(const TileContext& context, std::size_t tile, const geo::GeosContext& geos)
{
    const std::uint64_t limit = context.settings.max_tile_bytes;
    Attempt attempt;
    for (int factor = 2; factor <= coarsest_factor; factor *= 2) {
        attempt.options = TileOptions{factor, 0.0F, factor == coarsest_factor};
        attempt.output = build_tile(context, tile, attempt.options, geos);
        if (attempt.output.data.size() <= limit) {
            attempt.fits = true;
            return attempt;
        }
    }
    std::vector<float> ranks;
    for (const TileItem& item : attempt.output.items) {
        ranks.push_back(item.importance);
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    // Fewest left out: binary search over thresholds; the most important value is always kept.
    std::size_t low = 1;
    std::size_t high = ranks.size() > 0 ? ranks.size() - 1 : 0;
    Attempt best = attempt;
    best.fits = false;
    while (low <= high && high > 0) {
        const std::size_t middle = low + (high - low) / 2;
        Attempt trial;
        trial.options = TileOptions{coarsest_factor, ranks[middle], false};
        trial.output = build_tile(context, tile, trial.options, geos);
        if (trial.output.data.size() <= limit) {
            trial.fits = true;
            best = std::move(trial);
            high = middle - 1;
        } else {
            low = middle + 1;
        }
    }
    if (!best.fits) {
        best = attempt;
    }
    return best;
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
        if (outputs[t].data.size() > limit) {
            oversize.push_back(t);
        }
    }
    std::vector<ReducedTile> reduced(oversize.size());
    std::vector<Attempt> attempts(oversize.size());
    tbb::parallel_for(std::size_t{0}, oversize.size(), [&](std::size_t i) {
        const std::size_t t = oversize[i];
        attempts[i] = shrink(context, t, geos.local());
        const TileKey key = TileKey::unpack(context.zoom.tiles[t]);
        reduced[i] = ReducedTile{zoom, key.x, key.y, outputs[t].data.size(), attempts[i].output.data.size(),
            attempts[i].options.factor, 0};
    });
    std::string failures;
    for (std::size_t i = 0; i < oversize.size(); ++i) {
        if (!attempts[i].fits) {
            failures += (failures.empty() ? "" : ", ") + tile_name(zoom, reduced[i].x, reduced[i].y) + " (" +
                std::to_string(attempts[i].output.data.size()) + " bytes)";
        }
    }
    if (!failures.empty()) {
        throw DataError("tile " + failures + " stays over max_tile_bytes (" + std::to_string(limit) +
            ") with simplification 16 times coarser and only its most important feature; raise max_tile_bytes, "
            "drop attributes (exclude_attributes) or lower this layer's maxzoom");
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
        TileOptions listing{coarsest_factor, 0.0F, true};
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
