#include "tiles/layer_plan.hpp"

#include "common/error.hpp"

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace migratlas::tiles {

namespace {

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

double geometric_rank(const TileLayer& layer, std::size_t feature)
{
    double total = 0.0;
    for (std::size_t part = layer.first_part(feature); part < layer.end_part(feature); ++part) {
        const std::size_t first = layer.first_point(part);
        const std::size_t end = layer.end_point(part);
        if (layer.kind(feature) == FeatureKind::polygon) {
            Wide area = 0;
            for (std::size_t i = first; i < end; ++i) {
                const WorldPoint& a = layer.point(i);
                const WorldPoint& b = layer.point(i + 1 < end ? i + 1 : first);
                area += static_cast<Wide>(a.x) * b.y - static_cast<Wide>(b.x) * a.y;
            }
            total += static_cast<double>(area) / 2.0;
        } else if (layer.kind(feature) == FeatureKind::line) {
            for (std::size_t i = first; i + 1 < end; ++i) {
                const double dx = static_cast<double>(layer.point(i + 1).x) - layer.point(i).x;
                const double dy = static_cast<double>(layer.point(i + 1).y) - layer.point(i).y;
                total += std::sqrt(dx * dx + dy * dy);
            }
        }
    }
    return total;
}

} // namespace

LayerPlan make_plan(const TileLayer& layer, int minzoom, int maxzoom, const std::string& rank_field)
{
    LayerPlan plan;
    plan.layer = &layer;
    plan.minzoom = minzoom;
    plan.maxzoom = maxzoom;
    if (layer.has_kind(FeatureKind::polygon)) {
        plan.coverage = std::make_unique<Coverage>(layer);
    }
    plan.has_points = layer.has_kind(FeatureKind::point);
    for (const Field& field : layer.fields()) {
        plan.keys.push_back(field.name);
    }
    if (plan.has_points) {
        plan.point_count_key = plan.keys.size();
        plan.keys.push_back(point_count_name);
    }

    std::optional<std::size_t> rank_index;
    if (!rank_field.empty()) {
        rank_index = layer.field_index(rank_field);
        if (!rank_index) {
            throw SettingError("rank_attributes", "layer '" + layer.name() + "' has no attribute '" + rank_field + "'");
        }
        const FieldType type = layer.fields()[*rank_index].type;
        if (type != FieldType::integer && type != FieldType::real) {
            throw SettingError("rank_attributes", "attribute '" + rank_field + "' of layer '" + layer.name() +
                "' is not numeric, so it cannot rank features");
        }
        plan.rank_description = "rank attribute '" + rank_field + "' (larger is more important)";
    } else {
        plan.rank_description = layer.has_kind(FeatureKind::polygon) ? "area"
            : layer.has_kind(FeatureKind::line)                       ? "length"
                                                                      : "none (even thinning)";
    }

    const std::size_t n = layer.size();
    std::vector<float> rank(n);
    for (std::size_t f = 0; f < n; ++f) {
        if (rank_index) {
            const AttributeColumn& column = layer.column(*rank_index);
            rank[f] = column.is_null(f) ? -std::numeric_limits<float>::infinity() : static_cast<float>(column.as_number(f));
        } else {
            rank[f] = static_cast<float>(geometric_rank(layer, f));
        }
    }
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0U);
    tbb::parallel_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (rank[a] != rank[b]) {
            return rank[a] < rank[b];
        }
        const std::uint64_t ha = mix(layer.id(a));
        const std::uint64_t hb = mix(layer.id(b));
        return ha != hb ? ha < hb : a < b;
    });
    plan.importance.resize(n);
    for (std::size_t position = 0; position < n; ++position) {
        plan.importance[order[position]] = static_cast<float>(static_cast<double>(position) / static_cast<double>(n));
    }
    plan.dropped.assign(n, false);
    return plan;
}

} // namespace migratlas::tiles
