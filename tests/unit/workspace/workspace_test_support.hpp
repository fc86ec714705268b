// Helpers shared by the workspace tests.
#pragma once

#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

namespace migratlas::workspace_test {

/// The integer in the first column of the first row of `sql` run on `dataset` (-1 when it fails).
inline std::int64_t count_rows(GDALDataset& dataset, const std::string& sql)
{
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    EXPECT_NE(result, nullptr) << sql;
    if (result == nullptr) {
        return -1;
    }
    std::unique_ptr<OGRFeature> feature(result->GetNextFeature());
    const std::int64_t n = feature ? feature->GetFieldAsInteger64(0) : -1;
    dataset.ReleaseResultSet(result);
    return n;
}

} // namespace migratlas::workspace_test
