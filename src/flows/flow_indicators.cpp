#include "flows/flow_indicators.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace migratlas::flows {

UnitIndicators unit_indicators(double inflow, double outflow, std::optional<double> population)
{
    UnitIndicators r;
    r.net = inflow - outflow;
    r.gross = inflow + outflow;
    if (r.gross > 0) {
        r.mei_pct = 100.0 * r.net / r.gross;
    }
    if (population && *population > 0) {
        r.in_rate = 1000.0 * inflow / *population;
        r.out_rate = 1000.0 * outflow / *population;
        r.net_rate = 1000.0 * r.net / *population;
    }
    return r;
}

std::optional<double> flow_gini(std::vector<double> values, std::size_t universe)
{
    double sum = 0;
    for (const double v : values) {
        sum += v;
    }
    if (universe < 2 || sum <= 0 || values.size() > universe) {
        return std::nullopt;
    }
    // Σ_a Σ_b |x_a − x_b| = 2 Σ_i (2i − N − 1) x_(i) over the N values sorted ascending (i from 1);
    // the N − k zeros come first and contribute nothing, so the k non-zero values take ranks N−k+1..N.
    std::sort(values.begin(), values.end());
    const auto n = static_cast<double>(universe);
    const double first_rank = n - static_cast<double>(values.size()) + 1;
    double weighted = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double rank = first_rank + static_cast<double>(i);
        weighted += (2 * rank - n - 1) * values[i];
    }
    return 2 * weighted / (2 * (n - 1) * sum);
}

SystemIndicators system_indicators(const std::vector<double>& flows, std::size_t pairs, const std::vector<MemberFlows>& members)
{
    if (flows.size() > pairs) {
        throw std::invalid_argument("system_indicators: more non-zero flows than possible pairs");
    }
    SystemIndicators s;
    s.members = members.size();
    s.pairs = pairs;
    for (const double f : flows) {
        s.total_flow += f;
        s.nonzero_pairs += f > 0 ? 1 : 0;
    }
    double abs_net = 0, gross = 0, population = 0;
    bool any_population = false;
    for (const MemberFlows& m : members) {
        abs_net += std::abs(m.inflow - m.outflow);
        gross += m.inflow + m.outflow;
        if (m.population) {
            population += *m.population;
            any_population = true;
        }
    }
    if (gross > 0) {
        s.mei_pct = 100.0 * abs_net / gross;
    }
    if (any_population && population > 0) {
        s.population = population;
        s.cmi_pct = 100.0 * s.total_flow / population;
        s.anmr_pct = 100.0 * 0.5 * abs_net / population;
    }
    if (pairs > 0) {
        s.connectivity = static_cast<double>(s.nonzero_pairs) / static_cast<double>(pairs);
    }
    s.gini = flow_gini(flows, pairs);
    if (s.total_flow > 0 && pairs > 0) {
        const double expected = s.total_flow / static_cast<double>(pairs);
        double deviation = static_cast<double>(pairs - flows.size()) * expected;  // the empty pairs
        for (const double f : flows) {
            deviation += std::abs(f - expected);
        }
        s.inequality = 0.5 * deviation / s.total_flow;
    }
    return s;
}

} // namespace migratlas::flows
