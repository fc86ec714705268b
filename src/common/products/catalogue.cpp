#include "common/products/catalogue.hpp"

#include "common/products/border.hpp"
#include "common/products/flows.hpp"
#include "common/products/geo.hpp"
#include "common/products/records.hpp"
#include "common/products/run_log.hpp"
#include "common/products/survey.hpp"

#include <array>

namespace migratlas::products {

namespace {
constexpr std::array catalogue{
    &units,
    &unit_neighbours,
    &events_monthly,
    &crossings_monthly,
    &crossings_detail,
    &crossing_points,
    &estimates,
    &flows,
    &unit_flows,
    &corridors,
    &flow_indicators,
    &crossing_point_indicators,
    &crossing_point_series,
    &crossing_point_seasonality,
    &crossing_point_breakdown,
    &border_segments,
    &unit_border,
    &border_survey_estimates,
    &run_log,
    &product_metadata,
};
} // namespace

std::span<const ProductSpec* const> all()
{
    return catalogue;
}

const ProductSpec* find(std::string_view name)
{
    for (const ProductSpec* spec : catalogue) {
        if (spec->name == name) {
            return spec;
        }
    }
    return nullptr;
}

} // namespace migratlas::products
