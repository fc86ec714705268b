// Number formatting for survey outputs and messages: 17 significant digits for files (round-trips
// through strtod, deterministic), and a short form for human-readable messages.
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace migratlas::survey {

/// Same text as printf("%.17g"); empty for NaN (a missing value in our CSV outputs).
inline std::string format_g17(double value)
{
    if (std::isnan(value)) {
        return {};
    }
    char text[40];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::general, 17);
    return std::string(text, result.ptr);
}

/// Up to `digits` significant digits, for messages ("1154317", "0.0032").
inline std::string format_short(double value, int digits = 6)
{
    char text[40];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::general, digits);
    return std::string(text, result.ptr);
}

} // namespace migratlas::survey
