// Named colour ramps for classified maps: sequential (light = low) and diverging (around a
// midpoint), after ColorBrewer and viridis; each says whether it is safe for colour-blind readers.
#pragma once

#include "render/colour.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migratlas::render {

enum class PaletteKind { sequential, diverging };

struct Palette {
    std::string_view name;
    PaletteKind kind = PaletteKind::sequential;
    bool colour_blind_safe = true;
    std::vector<Colour> anchors;  ///< low to high
};

/// nullptr when no palette has that name.
[[nodiscard]] const Palette* find_palette(std::string_view name);
[[nodiscard]] std::vector<std::string> palette_names();

/// `count` sequential colours from light to dark, evenly spaced in CIELAB.
[[nodiscard]] std::vector<Colour> sequential_colours(const Palette& palette, int count);
/// Diverging colours for `below` classes under the midpoint and `above` classes over it: the same
/// distance from the midpoint gets the same strength on both sides, and `neutral` adds the middle
/// colour as one class that contains the midpoint.
[[nodiscard]] std::vector<Colour> diverging_colours(const Palette& palette, int below, bool neutral, int above);

} // namespace migratlas::render
