// Strict field parsers: the whole field must be consumed; empty means missing, never 0.
// Used by every CSV reader so that "12abc" or " 3" are errors, not silently 12 or 3.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace migratlas {

/// Parses a whole field as a double (decimal or exponent form). nullopt when empty or invalid.
inline std::optional<double> parse_double(std::string_view field)
{
    if (field.empty()) {
        return std::nullopt;
    }
    const char* first = field.data();
    if (*first == '+') {
        ++first; // from_chars rejects a leading '+', which CSV writers sometimes emit
    }
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(first, field.data() + field.size(), value);
    if (ec != std::errc{} || ptr != field.data() + field.size()) {
        return std::nullopt;
    }
    return value;
}

/// Parses a whole field as a signed 64-bit integer. nullopt when empty or invalid.
inline std::optional<std::int64_t> parse_int(std::string_view field)
{
    if (field.empty()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc{} || ptr != field.data() + field.size()) {
        return std::nullopt;
    }
    return value;
}

/// "4G", "512M", "64K" (binary multiples, suffix in either case) or a plain byte count, for memory
/// budgets. nullopt when empty, unreadable, zero, negative or beyond 2^64 bytes.
inline std::optional<std::uint64_t> parse_byte_size(std::string_view text)
{
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t multiplier = 1;
    switch (text.back()) {
    case 'K': case 'k': multiplier = 1ULL << 10; break;
    case 'M': case 'm': multiplier = 1ULL << 20; break;
    case 'G': case 'g': multiplier = 1ULL << 30; break;
    case 'T': case 't': multiplier = 1ULL << 40; break;
    default: break;
    }
    if (multiplier != 1) {
        text.remove_suffix(1);
    }
    const auto number = parse_int(text);
    if (!number || *number <= 0 || static_cast<std::uint64_t>(*number) > UINT64_MAX / multiplier) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(*number) * multiplier;
}

} // namespace migratlas
