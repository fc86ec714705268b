// Number formatting shared by every stage: 17 significant digits for files (round-trips through
// strtod, deterministic), and a short form for human-readable messages and run-log parameters.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>

namespace migratlas {

/// Longest text format_g17_to() writes ("-2.2250738585072014e-308" is 24 characters).
inline constexpr std::size_t g17_max_chars = 40;

/// Writes format_g17(value) at `out`, which has room for g17_max_chars; returns the end. For
/// writers of millions of numbers, which must not allocate a string per value.
inline char* format_g17_to(char* out, double value)
{
    if (std::isnan(value)) {
        return out;
    }
    return std::to_chars(out, out + g17_max_chars, value, std::chars_format::general, 17).ptr;
}

/// Same text as printf("%.17g"); empty for NaN (a missing value in our CSV outputs).
inline std::string format_g17(double value)
{
    char text[g17_max_chars];
    return std::string(text, format_g17_to(text, value));
}

/// Up to `digits` significant digits, as printf("%.*g"), for messages ("0.0032", "1.15432e+06").
inline std::string format_short(double value, int digits = 6)
{
    char text[40];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::general, digits);
    return std::string(text, result.ptr);
}

} // namespace migratlas
