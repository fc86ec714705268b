// Class breaks for choropleth maps: quantiles, equal intervals, natural breaks (Fisher's exact
// optimal partition, the "Jenks" method) and manual breaks; pure functions, table-tested.
#pragma once

#include <string>
#include <vector>

namespace migratlas::render {

/// bounds = {min, upper bound of class 1, ..., upper bound of the last class = max}. A value v
/// is in class i when bounds[i] < v <= bounds[i + 1]; the first class also holds bounds[0].
struct ClassBreaks {
    std::vector<double> bounds;
    [[nodiscard]] int classes() const { return bounds.size() < 2 ? 0 : static_cast<int>(bounds.size()) - 1; }
    /// The class of `value`, clamped to the first and last class.
    [[nodiscard]] int class_of(double value) const;
};

/// Equal-count classes: bound i is the largest value of the i-th equal share of the sorted values.
/// Ties can make bounds equal: those classes are merged, so fewer than `classes` may result.
[[nodiscard]] ClassBreaks quantile_breaks(std::vector<double> values, int classes);
/// Classes of equal width between the minimum and the maximum.
[[nodiscard]] ClassBreaks equal_interval_breaks(const std::vector<double>& values, int classes);
/// Fisher (1958) exact optimal partition of the sorted values into `classes` groups minimising the
/// total within-class sum of squared deviations (Jenks natural breaks), by dynamic programming:
/// O(classes · n log n) with the monotone split points of 1-D k-means. Equal values always share a
/// class (classes are value ranges), so n counts distinct values. Bounds are class maxima.
[[nodiscard]] ClassBreaks natural_breaks(std::vector<double> values, int classes);
/// The inner boundaries given by the user (ascending), closed by the data's minimum and maximum.
[[nodiscard]] ClassBreaks manual_breaks(const std::vector<double>& values, const std::vector<double>& breaks);

/// Total within-class sum of squared deviations of `values` under `breaks` (for tests and reports).
[[nodiscard]] double within_class_ssd(const std::vector<double>& values, const ClassBreaks& breaks);

/// "1,234" or "0.25": digits chosen so that every bound prints distinct and no more precise than needed.
[[nodiscard]] int label_decimals(const ClassBreaks& breaks, bool integral_values);
[[nodiscard]] std::string format_number(double value, int decimals);
/// Legend texts of the classes: "120 – 1,450".
[[nodiscard]] std::vector<std::string> class_labels(const ClassBreaks& breaks, bool integral_values);

} // namespace migratlas::render
