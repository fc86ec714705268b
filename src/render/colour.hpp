// Colours of the atlas: parsing what an atlas file may write (#rgb, #rrggbb, #rrggbbaa, a CSS name)
// and interpolation in CIELAB, so that palette steps look evenly spaced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace migratlas::render {

struct Colour {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    friend bool operator==(const Colour&, const Colour&) = default;
};

/// nullopt when `text` is not a colour.
[[nodiscard]] std::optional<Colour> parse_colour(std::string_view text);
/// "#rrggbb", or "#rrggbbaa" when not opaque.
[[nodiscard]] std::string to_hex(const Colour& colour);
/// The colour at `t` in [0, 1] between a and b, interpolated in CIELAB (D65).
[[nodiscard]] Colour mix_lab(const Colour& a, const Colour& b, double t);
/// CIELAB lightness L* in [0, 100]: ramps are checked to be monotone in it.
[[nodiscard]] double lightness(const Colour& colour);

} // namespace migratlas::render
