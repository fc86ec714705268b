#include "render/classification.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace migratlas::render {

namespace {

/// Merges equal consecutive upper bounds (empty classes). bounds[0] is the minimum, and a first
/// class that holds only the minimum has bounds[1] == bounds[0]: that one is kept.
ClassBreaks unique_bounds(std::vector<double> bounds)
{
    if (bounds.size() > 2) {
        bounds.erase(std::unique(bounds.begin() + 1, bounds.end()), bounds.end());
    }
    if (bounds.size() == 1) {
        bounds.push_back(bounds.front());
    }
    return {bounds};
}

/// Prefix sums of w, w·x and w·x² over the distinct sorted values (w = how often each occurs):
/// the SSD of any run of distinct values [i, j] in O(1). Classes are defined by value bounds, so
/// equal values always share a class: the programme runs over distinct values with weights.
class RunCost {
public:
    RunCost(const std::vector<double>& distinct, const std::vector<double>& weights)
        : m_weight(distinct.size() + 1, 0.0), m_sum(distinct.size() + 1, 0.0), m_squares(distinct.size() + 1, 0.0)
    {
        // Centre the values first: the x² sums then stay small and the differences exact enough.
        const double centre = distinct.empty() ? 0.0 : distinct[distinct.size() / 2];
        for (std::size_t i = 0; i < distinct.size(); ++i) {
            const double x = distinct[i] - centre;
            m_weight[i + 1] = m_weight[i] + weights[i];
            m_sum[i + 1] = m_sum[i] + weights[i] * x;
            m_squares[i + 1] = m_squares[i] + weights[i] * x * x;
        }
    }
    /// Sum of squared deviations from their mean of the values in distinct values first..last.
    [[nodiscard]] double ssd(std::size_t first, std::size_t last) const
    {
        const double weight = m_weight[last + 1] - m_weight[first];
        const double sum = m_sum[last + 1] - m_sum[first];
        return std::max(0.0, m_squares[last + 1] - m_squares[first] - sum * sum / weight);
    }

private:
    std::vector<double> m_weight;
    std::vector<double> m_sum;
    std::vector<double> m_squares;
};

/// One layer of the dynamic programme: cost[j] = min over first of previous[first - 1] + ssd(first, j),
/// solved by divide and conquer because the best `first` never decreases as j grows.
struct Layer {
    const RunCost& run;
    const std::vector<double>& previous;
    std::vector<double>& cost;
    std::vector<std::size_t>& start;
    std::size_t min_first;  ///< the class index: at least one value per earlier class

    void solve(std::size_t lo, std::size_t hi, std::size_t first_lo, std::size_t first_hi) const
    {
        if (lo > hi) {
            return;
        }
        const std::size_t j = lo + (hi - lo) / 2;
        double best = std::numeric_limits<double>::infinity();
        std::size_t best_first = std::max(first_lo, min_first);
        for (std::size_t first = std::max(first_lo, min_first); first <= std::min(j, first_hi); ++first) {
            const double candidate = previous[first - 1] + run.ssd(first, j);
            if (candidate < best) {
                best = candidate;
                best_first = first;
            }
        }
        cost[j] = best;
        start[j] = best_first;
        if (j > lo) {
            solve(lo, j - 1, first_lo, best_first);
        }
        solve(j + 1, hi, best_first, first_hi);
    }
};

} // namespace

int ClassBreaks::class_of(double value) const
{
    const int count = classes();
    for (int i = 0; i < count - 1; ++i) {
        if (value <= bounds[static_cast<std::size_t>(i) + 1]) {
            return i;
        }
    }
    return std::max(0, count - 1);
}

ClassBreaks quantile_breaks(std::vector<double> values, int classes)
{
    if (values.empty() || classes < 1) {
        return {};
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    std::vector<double> bounds{values.front()};
    for (int i = 1; i < classes; ++i) {
        const auto rank = static_cast<std::size_t>(std::ceil(static_cast<double>(i) * static_cast<double>(n) / classes));
        bounds.push_back(values[std::max<std::size_t>(rank, 1) - 1]);
    }
    bounds.push_back(values.back());
    return unique_bounds(std::move(bounds));
}

ClassBreaks equal_interval_breaks(const std::vector<double>& values, int classes)
{
    if (values.empty() || classes < 1) {
        return {};
    }
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    std::vector<double> bounds;
    for (int i = 0; i <= classes; ++i) {
        bounds.push_back(i == classes ? *high : *low + (*high - *low) * i / classes);
    }
    return unique_bounds(std::move(bounds));
}

ClassBreaks natural_breaks(std::vector<double> values, int classes)
{
    if (values.empty() || classes < 1) {
        return {};
    }
    std::sort(values.begin(), values.end());
    std::vector<double> distinct, weights;
    for (const double value : values) {
        if (distinct.empty() || value != distinct.back()) {
            distinct.push_back(value);
            weights.push_back(0.0);
        }
        weights.back() += 1.0;
    }
    const std::size_t n = distinct.size();
    const auto k = std::min<std::size_t>(static_cast<std::size_t>(classes), n);
    const RunCost run(distinct, weights);
    // cost[c][j]: best SSD of values 0..j in c + 1 classes; start[c][j]: first value of the last class.
    std::vector<std::vector<double>> cost(k, std::vector<double>(n, 0.0));
    std::vector<std::vector<std::size_t>> start(k, std::vector<std::size_t>(n, 0));
    for (std::size_t j = 0; j < n; ++j) {
        cost[0][j] = run.ssd(0, j);
    }
    for (std::size_t c = 1; c < k; ++c) {
        const Layer layer{run, cost[c - 1], cost[c], start[c], c};
        layer.solve(c, n - 1, c, n - 1);
    }
    std::vector<double> bounds(k + 1, 0.0);
    bounds[0] = distinct.front();
    std::size_t last = n - 1;
    for (std::size_t c = k; c-- > 0;) {
        bounds[c + 1] = distinct[last];
        if (c > 0) {
            last = start[c][last] - 1;
        }
    }
    return unique_bounds(std::move(bounds));
}

ClassBreaks manual_breaks(const std::vector<double>& values, const std::vector<double>& breaks)
{
    std::vector<double> bounds;
    const double low = values.empty() ? (breaks.empty() ? 0.0 : breaks.front()) : *std::min_element(values.begin(), values.end());
    const double high = values.empty() ? (breaks.empty() ? 0.0 : breaks.back()) : *std::max_element(values.begin(), values.end());
    bounds.push_back(std::min(low, breaks.empty() ? low : breaks.front()));
    bounds.insert(bounds.end(), breaks.begin(), breaks.end());
    bounds.push_back(std::max(high, breaks.empty() ? high : breaks.back()));
    return unique_bounds(std::move(bounds));
}

double within_class_ssd(const std::vector<double>& values, const ClassBreaks& breaks)
{
    const int count = breaks.classes();
    std::vector<double> sum(static_cast<std::size_t>(count), 0.0), squares(sum), members(sum);
    for (const double v : values) {
        const auto c = static_cast<std::size_t>(breaks.class_of(v));
        sum[c] += v;
        squares[c] += v * v;
        members[c] += 1;
    }
    double total = 0.0;
    for (std::size_t c = 0; c < sum.size(); ++c) {
        if (members[c] > 0) {
            total += squares[c] - sum[c] * sum[c] / members[c];
        }
    }
    return total;
}

int label_decimals(const ClassBreaks& breaks, bool integral_values)
{
    if (breaks.bounds.size() < 2) {
        return 0;
    }
    const double range = breaks.bounds.back() - breaks.bounds.front();
    int decimals = integral_values ? 0 : (range >= 100 ? 0 : range >= 1 ? 1 : range >= 0.1 ? 2 : 3);
    // More digits until consecutive bounds print differently (at most 6). Bounds that are equal
    // (quantiles of tied values) print alike at any precision and do not ask for more digits.
    for (; decimals < 6; ++decimals) {
        bool distinct = true;
        for (std::size_t i = 1; i < breaks.bounds.size() && distinct; ++i) {
            distinct = breaks.bounds[i - 1] == breaks.bounds[i] ||
                format_number(breaks.bounds[i - 1], decimals) != format_number(breaks.bounds[i], decimals);
        }
        if (distinct) {
            break;
        }
    }
    return decimals;
}

std::string format_number(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::abs(value) < 0.5 * std::pow(10.0, -decimals) ? 0.0 : value);
    std::string text = buffer;
    const auto dot = text.find('.');
    std::size_t integer_end = dot == std::string::npos ? text.size() : dot;
    const std::size_t integer_begin = text[0] == '-' ? 1 : 0;
    // Thousands separators (commas, as in the English-language UN and UNHCR tables).
    for (std::size_t digits = integer_end - integer_begin; digits > 3; digits -= 3) {
        integer_end -= 3;
        text.insert(integer_end, ",");
    }
    return text;
}

std::vector<std::string> class_labels(const ClassBreaks& breaks, bool integral_values)
{
    const int decimals = label_decimals(breaks, integral_values);
    std::vector<std::string> labels;
    for (std::size_t i = 0; i + 1 < breaks.bounds.size(); ++i) {
        std::string label = format_number(breaks.bounds[i], decimals);
        const std::string high = format_number(breaks.bounds[i + 1], decimals);
        // A class of one value (tied quantiles, or every published count equal) reads as that value.
        if (high != label) {
            label.append(" \u2013 ").append(high);
        }
        labels.push_back(std::move(label));
    }
    return labels;
}

} // namespace migratlas::render
