// Migration indicators of Bell et al. (2002) for one flows table: per unit (net, turnover, migration
// effectiveness, crude rates per 1,000) and for the whole system (crude migration intensity,
// aggregate MEI, aggregate net migration rate, connectivity, Gini and inequality of the flows).
// Pure functions; docs/methods/flows-indicators.md gives every formula.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace migratlas::flows {

struct UnitIndicators {
    double net = 0;                     ///< inflow − outflow
    double gross = 0;                   ///< inflow + outflow (turnover)
    std::optional<double> mei_pct;      ///< 100 · net / gross; none when gross = 0
    std::optional<double> in_rate;      ///< per 1,000 residents; none without a population > 0
    std::optional<double> out_rate;
    std::optional<double> net_rate;
};

[[nodiscard]] UnitIndicators unit_indicators(double inflow, double outflow, std::optional<double> population);

/// A member of the migration system (unit or country) with its total in- and outflow.
struct MemberFlows {
    double inflow = 0;
    double outflow = 0;
    std::optional<double> population;  ///< residents; none for countries abroad without figures
};

struct SystemIndicators {
    double total_flow = 0;                ///< M: sum of all flows between distinct members
    std::size_t members = 0;              ///< n
    std::size_t pairs = 0;                ///< ordered origin ≠ destination pairs that could carry a flow
    std::size_t nonzero_pairs = 0;
    std::optional<double> population;     ///< P: sum over members with a population
    std::optional<double> cmi_pct;        ///< crude migration intensity 100 · M / P
    std::optional<double> mei_pct;        ///< aggregate MEI 100 · Σ|net| / Σ gross
    std::optional<double> anmr_pct;       ///< aggregate net migration rate 100 · ½ Σ|net| / P
    std::optional<double> connectivity;   ///< nonzero_pairs / pairs
    std::optional<double> gini;           ///< Σ_a Σ_b |x_a − x_b| / (2 (N − 1) Σ x), N = pairs
    std::optional<double> inequality;     ///< ½ Σ |x_a − M/N| / M, against equal flows on every pair
};

/// `flows` are the non-zero flows between distinct members (one value per origin-destination pair);
/// `pairs` is the size of the universe of possible pairs (n(n−1) for a square system), so that the
/// pairs without a flow count as zeros in connectivity, Gini and inequality. Throws
/// std::invalid_argument when there are more non-zero flows than pairs.
[[nodiscard]] SystemIndicators system_indicators(const std::vector<double>& flows, std::size_t pairs,
    const std::vector<MemberFlows>& members);

/// Gini index of `values` padded with zeros to `universe` values, with Bell et al.'s denominator
/// 2 (N − 1) Σx so that one single flow gives 1. None when the sum is 0 or N < 2.
[[nodiscard]] std::optional<double> flow_gini(std::vector<double> values, std::size_t universe);

} // namespace migratlas::flows
