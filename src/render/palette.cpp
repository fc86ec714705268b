#include "render/palette.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace migratlas::render {

namespace {

Colour rgb(std::uint32_t value)
{
    return {static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>((value >> 8) & 0xff),
        static_cast<std::uint8_t>(value & 0xff), 255};
}

Palette make(std::string_view name, PaletteKind kind, bool safe, std::initializer_list<std::uint32_t> values)
{
    Palette palette{name, kind, safe, {}};
    for (const auto value : values) {
        palette.anchors.push_back(rgb(value));
    }
    return palette;
}

// Anchor colours: the 9-class sequential and 11-class diverging schemes of ColorBrewer 2.0
// (Cynthia A. Brewer, Apache License 2.0; see THIRD-PARTY.md) and viridis/cividis (CC0), whose
// colour-blind safety their authors assessed. Intermediate class counts are interpolated in CIELAB.
const std::vector<Palette>& palettes()
{
    static const std::vector<Palette> all{
        make("blues", PaletteKind::sequential, true,
            {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b}),
        make("ylgnbu", PaletteKind::sequential, true,
            {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x253494, 0x081d58}),
        make("ylorrd", PaletteKind::sequential, true,
            {0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026}),
        make("purples", PaletteKind::sequential, true,
            {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f, 0x3f007d}),
        make("oranges", PaletteKind::sequential, true,
            {0xfff5eb, 0xfee6ce, 0xfdd0a2, 0xfdae6b, 0xfd8d3c, 0xf16913, 0xd94801, 0xa63603, 0x7f2704}),
        make("greens", PaletteKind::sequential, true,
            {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c, 0x00441b}),
        make("viridis", PaletteKind::sequential, true,
            {0xfde725, 0xb5de2b, 0x6ece58, 0x35b779, 0x1f9e89, 0x26828e, 0x31688e, 0x3e4989, 0x482878, 0x440154}),
        make("cividis", PaletteKind::sequential, true,
            {0xfee838, 0xd9cf5d, 0xb6b86f, 0x949f7b, 0x7c8a78, 0x6a777a, 0x56637e, 0x3e4f85, 0x1f3f79, 0x00224e}),
        make("rdbu", PaletteKind::diverging, true,
            {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac,
                0x053061}),
        make("puor", PaletteKind::diverging, true,
            {0x7f3b08, 0xb35806, 0xe08214, 0xfdb863, 0xfee0b6, 0xf7f7f7, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788,
                0x2d004b}),
        make("brbg", PaletteKind::diverging, true,
            {0x543005, 0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3, 0xf5f5f5, 0xc7eae5, 0x80cdc1, 0x35978f, 0x01665e,
                0x003c30}),
        make("spectral", PaletteKind::diverging, false,
            {0x9e0142, 0xd53e4f, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xe6f598, 0xabdda4, 0x66c2a5, 0x3288bd,
                0x5e4fa2}),
    };
    return all;
}

/// The colour at t in [0, 1] along the anchors.
Colour along(const std::vector<Colour>& anchors, double t)
{
    const double position = std::clamp(t, 0.0, 1.0) * static_cast<double>(anchors.size() - 1);
    const auto index = std::min(static_cast<std::size_t>(position), anchors.size() - 2);
    return mix_lab(anchors[index], anchors[index + 1], position - static_cast<double>(index));
}

} // namespace

const Palette* find_palette(std::string_view name)
{
    for (const auto& palette : palettes()) {
        if (palette.name == name) {
            return &palette;
        }
    }
    return nullptr;
}

std::vector<std::string> palette_names()
{
    std::vector<std::string> names;
    for (const auto& palette : palettes()) {
        names.emplace_back(palette.name);
    }
    return names;
}

std::vector<Colour> sequential_colours(const Palette& palette, int count)
{
    // The lightest anchor is almost white: start a little in, so the lowest class still reads as a
    // colour against the white page, and stretch to the darkest anchor.
    std::vector<Colour> colours;
    const double low = 0.18, high = 1.0;
    for (int i = 0; i < count; ++i) {
        const double t = count == 1 ? 0.6 : low + (high - low) * i / (count - 1);
        colours.push_back(along(palette.anchors, t));
    }
    return colours;
}

std::vector<Colour> diverging_colours(const Palette& palette, int below, bool neutral, int above)
{
    const int steps = std::max(below, above);
    std::vector<Colour> colours;
    // Side strengths run from just off the neutral middle (t = 0.5) to the ends (0 and 1).
    const auto strength = [&](int k) {
        return neutral ? 0.5 * (k + 1) / steps : 0.5 * (k + 0.7) / (steps - 0.3);
    };
    for (int i = below - 1; i >= 0; --i) {
        colours.push_back(along(palette.anchors, 0.5 - std::min(0.5, strength(i))));
    }
    if (neutral) {
        colours.push_back(along(palette.anchors, 0.5));
    }
    for (int i = 0; i < above; ++i) {
        colours.push_back(along(palette.anchors, 0.5 + std::min(0.5, strength(i))));
    }
    return colours;
}

} // namespace migratlas::render
