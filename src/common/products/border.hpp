// Products of the border stage (docs/methods/flows-indicators.md, docs/formats.md): indicators of each
// crossing point (a point layer) with its series, seasonality and breakdowns, the international
// border cut into segments by nearest crossing point (a line layer), and the distance and buffer
// figures of every level-2/3 unit. Internal: crossing counts are unsuppressed.
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec crossing_point_indicators_columns[] = {
    {"point_id", ColumnType::text, ColumnRole::key, "", "crossing point code"},
    {"period", ColumnType::text, ColumnRole::key, "", "period the indicators cover (YYYY-MM/YYYY-MM or YYYY/YYYY)"},
    {"name", ColumnType::text, ColumnRole::attribute, "", "name of the crossing point"},
    {"country_iso3", ColumnType::text, ColumnRole::attribute, "", "country that reports the point"},
    {"border_with_iso3", ColumnType::text, ColumnRole::attribute, "", "country across the border; empty at airports"},
    {"unit_level2", ColumnType::text, ColumnRole::attribute, "", "level-2 unit of the point; unknown when none"},
    {"unit_level3", ColumnType::text, ColumnRole::attribute, "", "level-3 unit of the point; unknown when none"},
    {"segment_id", ColumnType::text, ColumnRole::attribute, "", "border segment of the point; NULL at airports"},
    {"source", ColumnType::text, ColumnRole::attribute, "", "records (linked crossings) or counts (--counts file)"},
    {"entries", ColumnType::integer, ColumnRole::count, "crossings", "crossings IN"},
    {"exits", ColumnType::integer, ColumnRole::count, "crossings", "crossings OUT"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "entries + exits"},
    {"net", ColumnType::integer, ColumnRole::measure, "crossings", "entries - exits"},
    {"rank", ColumnType::integer, ColumnRole::measure, "", "1 = busiest point of its source by crossings"},
    {"nationality_1", ColumnType::text, ColumnRole::attribute, "", "leading nationality (ISO3); derived from counts"},
    {"nationality_1_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share of the crossings"},
    {"nationality_2", ColumnType::text, ColumnRole::attribute, "", "second nationality"},
    {"nationality_2_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share"},
    {"nationality_3", ColumnType::text, ColumnRole::attribute, "", "third nationality"},
    {"nationality_3_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share"},
    {"nationality_4", ColumnType::text, ColumnRole::attribute, "", "fourth nationality"},
    {"nationality_4_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share"},
    {"nationality_5", ColumnType::text, ColumnRole::attribute, "", "fifth nationality"},
    {"nationality_5_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share"},
    {"sex_ratio", ColumnType::real, ColumnRole::measure, "men per 100 women", "crossings by men per 100 by women"},
    {"children_share_pct", ColumnType::real, ColumnRole::measure, "percent", "crossings by persons aged 0-17 (of known age)"},
    {"same_day_return_share_pct", ColumnType::real, ColumnRole::measure, "percent", "crossings with a return the same day (circular mobility)"},
    {"main_mode", ColumnType::text, ColumnRole::attribute, "", "transport mode with most crossings"},
    {"main_mode_share_pct", ColumnType::real, ColumnRole::measure, "percent", "its share of the crossings with a mode"},
    {"series_periods", ColumnType::integer, ColumnRole::attribute, "", "months (or years) in the series"},
    {"seasonality", ColumnType::text, ColumnRole::attribute, "", "ok, or why there is no seasonal index"},
    {"peak_month", ColumnType::integer, ColumnRole::measure, "", "calendar month with the highest seasonal index"},
    {"trend_pct_per_year", ColumnType::real, ColumnRole::measure, "percent per year", "Poisson log-linear trend of the crossings"},
};
inline constexpr ProductSpec crossing_point_indicators{"crossing_point_indicators", Visibility::internal,
    GeometryKind::point, crossing_point_indicators_columns, "indicators of every crossing point (point layer)",
    "migratlas border --workspace"};

inline constexpr ColumnSpec crossing_point_series_columns[] = {
    {"point_id", ColumnType::text, ColumnRole::key, "", "crossing point code"},
    {"source", ColumnType::text, ColumnRole::key, "", "records or counts"},
    {"period", ColumnType::text, ColumnRole::key, "", "YYYY-MM (records, monthly counts) or YYYY (yearly counts)"},
    {"entries", ColumnType::integer, ColumnRole::count, "crossings", "crossings IN"},
    {"exits", ColumnType::integer, ColumnRole::count, "crossings", "crossings OUT"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "entries + exits"},
};
inline constexpr ProductSpec crossing_point_series{"crossing_point_series", Visibility::internal, GeometryKind::none,
    crossing_point_series_columns, "monthly (or yearly) series of every crossing point, zeros included",
    "migratlas border --workspace"};

inline constexpr ColumnSpec crossing_point_seasonality_columns[] = {
    {"point_id", ColumnType::text, ColumnRole::key, "", "crossing point code"},
    {"calendar_month", ColumnType::integer, ColumnRole::key, "", "1 = January ... 12 = December"},
    {"seasonal_index", ColumnType::real, ColumnRole::measure, "", "ratio to the centred 12-month moving average, mean 100"},
};
inline constexpr ProductSpec crossing_point_seasonality{"crossing_point_seasonality", Visibility::internal,
    GeometryKind::none, crossing_point_seasonality_columns, "seasonal index per calendar month (points with >= 24 months)",
    "migratlas border --workspace"};

inline constexpr ColumnSpec crossing_point_breakdown_columns[] = {
    {"point_id", ColumnType::text, ColumnRole::key, "", "crossing point code"},
    {"source", ColumnType::text, ColumnRole::key, "", "records or counts"},
    {"dimension", ColumnType::text, ColumnRole::key, "", "nationality, sex, age_group, same_day_return, transport_mode or purpose"},
    {"category", ColumnType::text, ColumnRole::key, "", "value of the dimension"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "crossings at the point with this value"},
    {"share_pct", ColumnType::real, ColumnRole::measure, "percent", "share of the point's crossings with a value of the dimension"},
    {"rank", ColumnType::integer, ColumnRole::measure, "", "1 = most frequent value at the point"},
};
inline constexpr ProductSpec crossing_point_breakdown{"crossing_point_breakdown", Visibility::internal,
    GeometryKind::none, crossing_point_breakdown_columns, "crossings of every point by nationality, sex, age, mode, ...",
    "migratlas border --workspace"};

inline constexpr ColumnSpec border_segments_columns[] = {
    {"segment_id", ColumnType::text, ColumnRole::key, "", "<country_a>-<country_b>-<NNN>, NNN along the border"},
    {"country_a", ColumnType::text, ColumnRole::attribute, "", "one country of the border (country_a < country_b)"},
    {"country_b", ColumnType::text, ColumnRole::attribute, "", "the other country"},
    {"point_id", ColumnType::text, ColumnRole::attribute, "", "nearest crossing point of this border; NULL when it has none"},
    {"length_km", ColumnType::real, ColumnRole::attribute, "km", "geodesic length"},
    {"entries", ColumnType::integer, ColumnRole::count, "crossings", "crossings IN at the segment's point"},
    {"exits", ColumnType::integer, ColumnRole::count, "crossings", "crossings OUT at the segment's point"},
    {"crossings", ColumnType::integer, ColumnRole::count, "crossings", "entries + exits"},
    {"net", ColumnType::integer, ColumnRole::measure, "crossings", "entries - exits"},
    {"crossings_per_km", ColumnType::real, ColumnRole::measure, "crossings per km", "crossings / length_km"},
    {"children_share_pct", ColumnType::real, ColumnRole::measure, "percent", "as at the point"},
    {"same_day_return_share_pct", ColumnType::real, ColumnRole::measure, "percent", "as at the point"},
    {"trend_pct_per_year", ColumnType::real, ColumnRole::measure, "percent per year", "as at the point"},
};
inline constexpr ProductSpec border_segments{"border_segments", Visibility::internal, GeometryKind::line,
    border_segments_columns, "international borders (shared edges of level-1 units) cut by nearest crossing point",
    "migratlas border --workspace"};

inline constexpr ColumnSpec unit_border_columns[] = {
    {"unit_code", ColumnType::text, ColumnRole::key, "", "level-2 or level-3 unit"},
    {"unit_name", ColumnType::text, ColumnRole::attribute, "", "name of the unit"},
    {"level", ColumnType::integer, ColumnRole::attribute, "", "2 or 3"},
    {"country", ColumnType::text, ColumnRole::attribute, "", "level-1 code"},
    {"border_distance_km", ColumnType::real, ColumnRole::attribute, "km", "geodesic distance from the representative point to the nearest international border"},
    {"nearest_border", ColumnType::text, ColumnRole::attribute, "", "that border, as country_a-country_b"},
    {"touches_border", ColumnType::integer, ColumnRole::attribute, "", "1 when the unit lies on an international border"},
    {"crossing_distance_km", ColumnType::real, ColumnRole::attribute, "km", "geodesic distance from the representative point to the nearest crossing point"},
    {"nearest_point_id", ColumnType::text, ColumnRole::attribute, "", "that crossing point"},
    {"area_km2", ColumnType::real, ColumnRole::attribute, "km2", "area of the unit"},
    {"buffer_area_km2", ColumnType::real, ColumnRole::attribute, "km2", "area within buffer_km of the border"},
    {"buffer_share_pct", ColumnType::real, ColumnRole::attribute, "percent", "100 * buffer_area_km2 / area_km2"},
    {"population", ColumnType::real, ColumnRole::attribute, "persons", "residents (--population); NULL when unknown"},
    {"population_in_buffer", ColumnType::real, ColumnRole::measure, "persons", "population * buffer share (area-weighted)"},
    {"migrants_estimate", ColumnType::real, ColumnRole::measure, "persons", "survey estimate of the migrants variable; NULL when none"},
    {"migrants_in_buffer", ColumnType::real, ColumnRole::measure, "persons", "migrants_estimate * buffer share (area-weighted)"},
};
inline constexpr ProductSpec unit_border{"unit_border", Visibility::internal, GeometryKind::none, unit_border_columns,
    "distances to the border and to crossing points, and population and migrants within the border buffer",
    "migratlas border --workspace"};

inline constexpr ColumnSpec border_survey_estimates_columns[] = {
    {"area_kind", ColumnType::text, ColumnRole::key, "", "crossing_point or border_segment"},
    {"area_id", ColumnType::text, ColumnRole::key, "", "point_id or segment_id"},
    {"variable", ColumnType::text, ColumnRole::key, "", "survey variable"},
    {"method", ColumnType::text, ColumnRole::key, "", "calibration method of the weights"},
    {"estimate", ColumnType::real, ColumnRole::measure, "", "weighted total"},
    {"se", ColumnType::real, ColumnRole::measure, "", "standard error (a segment: that of its crossing point)"},
    {"cv", ColumnType::real, ColumnRole::measure, "", "se / estimate"},
    {"flag", ColumnType::text, ColumnRole::attribute, "", "reliability flag of the point estimate; the worst of its points for a segment"},
    {"n_sample", ColumnType::integer, ColumnRole::measure, "persons", "respondents"},
};
inline constexpr ProductSpec border_survey_estimates{"border_survey_estimates", Visibility::internal, GeometryKind::none,
    border_survey_estimates_columns, "border-survey totals by crossing point and border segment",
    "migratlas border --workspace (after calibrate --by crossing_point)"};

} // namespace migratlas::products
