// Products of the survey stage: estimates by domain with SE, CV and reliability flag
// (docs/methods/calibration.md). Internal: the disclosure stage withholds unreliable ones.
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec estimates_columns[] = {
    {"unit_code", ColumnType::text, ColumnRole::key, "", "domain (unit code, or ALL for the whole survey)"},
    {"variable", ColumnType::text, ColumnRole::key, "", "survey variable estimated"},
    {"statistic", ColumnType::text, ColumnRole::key, "", "total or mean"},
    {"method", ColumnType::text, ColumnRole::key, "", "calibration method of the weights (design when none)"},
    {"estimate", ColumnType::real, ColumnRole::measure, "", "weighted estimate"},
    {"se", ColumnType::real, ColumnRole::measure, "", "Taylor-linearised standard error"},
    {"cv", ColumnType::real, ColumnRole::measure, "", "coefficient of variation (se / estimate)"},
    {"ci_low", ColumnType::real, ColumnRole::measure, "", "lower bound of the 95% confidence interval"},
    {"ci_high", ColumnType::real, ColumnRole::measure, "", "upper bound of the 95% confidence interval"},
    {"flag", ColumnType::text, ColumnRole::attribute, "", "reliability: ok, caution (CV > 15%), unreliable (CV > 30%)"},
    {"n_sample", ColumnType::integer, ColumnRole::measure, "persons", "sample persons in the domain"},
};
inline constexpr ProductSpec estimates{"estimates", Visibility::internal, GeometryKind::none, estimates_columns,
    "survey estimates by domain with SE, CV, 95% CI and reliability flag", "migratlas calibrate --estimate or migratlas estimate, with --workspace"};

} // namespace migratlas::products
