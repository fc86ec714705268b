// The workspace's own records: what each command did (run_log) and the metadata of each product.
#pragma once

#include "common/product.hpp"

namespace migratlas::products {

inline constexpr ColumnSpec run_log_columns[] = {
    {"run_id", ColumnType::integer, ColumnRole::key, "", "1, 2, ... in the order of the runs"},
    {"command", ColumnType::text, ColumnRole::attribute, "", "the command that ran"},
    {"started_utc", ColumnType::text, ColumnRole::attribute, "", "start time"},
    {"finished_utc", ColumnType::text, ColumnRole::attribute, "", "end time"},
    {"version", ColumnType::text, ColumnRole::attribute, "", "migratlas version"},
    {"kind", ColumnType::text, ColumnRole::attribute, "", "run, parameter, input, count or note"},
    {"stage", ColumnType::text, ColumnRole::attribute, "", "stage of a count"},
    {"name", ColumnType::text, ColumnRole::attribute, "", "parameter, input role or count name"},
    {"value", ColumnType::text, ColumnRole::attribute, "", "its value"},
    {"detail", ColumnType::text, ColumnRole::attribute, "", "sha256 of an input"},
};
inline constexpr ProductSpec run_log{"run_log", Visibility::internal, GeometryKind::none, run_log_columns,
    "one row per parameter, input, count and note of every run", "any command with --workspace"};

inline constexpr ColumnSpec product_metadata_columns[] = {
    {"product", ColumnType::text, ColumnRole::key, "", "product name"},
    {"item", ColumnType::integer, ColumnRole::key, "", "order of the entry"},
    {"kind", ColumnType::text, ColumnRole::attribute, "", "source, method, parameter, period, created, version"},
    {"name", ColumnType::text, ColumnRole::attribute, "", "source role or parameter name"},
    {"value", ColumnType::text, ColumnRole::attribute, "", "path, method text or parameter value"},
    {"detail", ColumnType::text, ColumnRole::attribute, "", "sha256 of a source"},
};
inline constexpr ProductSpec product_metadata{"product_metadata", Visibility::internal, GeometryKind::none,
    product_metadata_columns, "metadata of every product in the workspace", "any command with --workspace"};

} // namespace migratlas::products
