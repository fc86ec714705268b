// The text formats of the export stage: plain CSV of a published layer, and SDMX-CSV with the
// mapping of its columns and codes onto SDMX concepts (docs/formats.md, "SDMX-CSV").
#pragma once

#include "disclose/published_layer.hpp"

#include <map>
#include <string>
#include <vector>

namespace migratlas::publish {

/// RFC 4180 CSV: a header, one line per row, NULL as an empty field, numbers in their shortest
/// exact form. Rows keep the layer's order (deterministic).
[[nodiscard]] std::string csv_text(const disclose::PublishedLayer& layer);

/// How one layer maps onto SDMX-CSV columns.
struct SdmxMapping {
    std::string dataflow;  ///< "MIGRATLAS:<PRODUCT>(1.0)"
    struct Dimension {
        std::string id;      ///< REF_AREA, TIME_PERIOD, SEX, AGE, CITIZENSHIP, ...
        std::string column;  ///< the layer's key column
        std::map<std::string, std::string> codes;  ///< layer code -> SDMX code, where they differ
    };
    std::vector<Dimension> dimensions;
    struct Measure {
        std::string code;    ///< MEASURE code (the column name in capitals)
        std::string column;
        std::string status_column;  ///< empty when the column has none
        std::string unit;    ///< UNIT_MEASURE code
    };
    std::vector<Measure> measures;
};

[[nodiscard]] SdmxMapping sdmx_mapping(const disclose::PublishedLayer& layer);
/// One observation per row and measure: DATAFLOW, the dimensions, MEASURE, OBS_VALUE,
/// UNIT_MEASURE, OBS_STATUS, CONF_STATUS.
[[nodiscard]] std::string sdmx_csv_text(const disclose::PublishedLayer& layer, const SdmxMapping& mapping);

/// OBS_STATUS and CONF_STATUS of a published status (docs/formats.md).
struct SdmxStatus {
    const char* obs_status;
    const char* conf_status;
};
[[nodiscard]] SdmxStatus sdmx_status(disclose::CellStatus status);

/// A value as exported: integers as digits, reals in their shortest exact form, text as is.
[[nodiscard]] std::string value_text(const TableValue& value);

} // namespace migratlas::publish
