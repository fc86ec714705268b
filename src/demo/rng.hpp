// Deterministic random numbers for the demo generator: SplitMix64 streams and the few
// distributions it needs, written out so that a seed gives the same bytes on every platform.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>

namespace migratlas::demo {

/// SplitMix64 (Steele, Lea & Flood 2014) with its own uniform/normal/Poisson/choice.
/// std::*_distribution is not used on purpose: its output is implementation-defined, and the
/// demo files must be byte-identical for the same seed with any standard library.
/// Independent streams (one per person block, per enumeration area, ...) are derived from
/// (seed, stream id), so parallel generation gives the same result as serial generation.
class Rng {
public:
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0)
        : m_state(mix(seed ^ mix(stream + 0x632BE59BD9B4E019ULL)))
    {
    }

    static constexpr std::uint64_t mix(std::uint64_t z)
    {
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }

    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        return mix(m_state);
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    /// Uniform integer in [0, n); n > 0. Multiply-shift for n < 2^32 (bias below 2^-32), modulo above.
    std::uint64_t below(std::uint64_t n)
    {
        if (n > 0xFFFFFFFFULL) {
            return next() % n;
        }
        return ((next() >> 32U) * n) >> 32U;
    }
    /// Uniform integer in [low, high] (inclusive).
    std::int64_t between(std::int64_t low, std::int64_t high)
    {
        return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low + 1)));
    }

    bool bernoulli(double p) { return uniform() < p; }

    /// Standard normal by Box-Muller (one value per call; the second one is discarded so that the
    /// stream position never depends on call history).
    double normal()
    {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }
    double lognormal(double log_mean, double log_sd) { return std::exp(normal(log_mean, log_sd)); }

    /// Poisson: Knuth's product method for small means, rounded normal approximation above 30
    /// (good enough for synthetic counts).
    std::int64_t poisson(double mean)
    {
        if (mean <= 0.0) {
            return 0;
        }
        if (mean > 30.0) {
            const double x = std::round(normal(mean, std::sqrt(mean)));
            return x < 0.0 ? 0 : static_cast<std::int64_t>(x);
        }
        const double limit = std::exp(-mean);
        std::int64_t k = 0;
        double product = uniform();
        while (product > limit) {
            ++k;
            product *= uniform();
        }
        return k;
    }

    /// Index drawn with probability proportional to `weights` (non-negative, not all zero).
    std::size_t choice(std::span<const double> weights)
    {
        double total = 0.0;
        for (const double w : weights) {
            total += w;
        }
        double target = uniform() * total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (target < weights[i]) {
                return i;
            }
            target -= weights[i];
        }
        return weights.size() - 1;
    }

private:
    std::uint64_t m_state;
};

} // namespace migratlas::demo
