#include "render/colour.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

namespace migratlas::render {

namespace {

// The CSS colour keywords an atlas author is likely to type; anything else is written in hex.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 22> named_colours{{
    {"black", 0x000000}, {"white", 0xffffff}, {"grey", 0x808080}, {"gray", 0x808080},
    {"lightgrey", 0xd3d3d3}, {"lightgray", 0xd3d3d3}, {"darkgrey", 0xa9a9a9}, {"darkgray", 0xa9a9a9},
    {"dimgrey", 0x696969}, {"red", 0xff0000}, {"darkred", 0x8b0000}, {"green", 0x008000},
    {"blue", 0x0000ff}, {"navy", 0x000080}, {"steelblue", 0x4682b4}, {"orange", 0xffa500},
    {"purple", 0x800080}, {"brown", 0xa52a2a}, {"yellow", 0xffff00}, {"teal", 0x008080},
    {"beige", 0xf5f5dc}, {"ivory", 0xfffff0},
}};

std::optional<int> hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower >= 'a' && lower <= 'f') {
        return lower - 'a' + 10;
    }
    return std::nullopt;
}

std::optional<Colour> parse_hex(std::string_view digits)
{
    std::array<int, 8> values{};
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const auto value = hex_digit(digits[i]);
        if (!value) {
            return std::nullopt;
        }
        values[i] = *value;
    }
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(values[i] * 16 + values[i + 1]); };
    const auto nibble = [&](std::size_t i) { return static_cast<std::uint8_t>(values[i] * 17); };
    switch (digits.size()) {
    case 3: return Colour{nibble(0), nibble(1), nibble(2), 255};
    case 6: return Colour{byte(0), byte(2), byte(4), 255};
    case 8: return Colour{byte(0), byte(2), byte(4), byte(6)};
    default: return std::nullopt;
    }
}

double to_linear(std::uint8_t channel)
{
    const double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

std::uint8_t from_linear(double linear)
{
    const double c = linear <= 0.0031308 ? 12.92 * linear : 1.055 * std::pow(linear, 1.0 / 2.4) - 0.055;
    return static_cast<std::uint8_t>(std::clamp(std::lround(c * 255.0), 0L, 255L));
}

struct Lab {
    double l, a, b;
};

constexpr double white_x = 0.95047, white_y = 1.0, white_z = 1.08883;

double lab_f(double t)
{
    return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

double lab_f_inverse(double f)
{
    const double cube = f * f * f;
    return cube > 216.0 / 24389.0 ? cube : (116.0 * f - 16.0) / (24389.0 / 27.0);
}

Lab to_lab(const Colour& colour)
{
    const double r = to_linear(colour.r), g = to_linear(colour.g), b = to_linear(colour.b);
    const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / white_x;
    const double y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / white_y;
    const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / white_z;
    const double fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

Colour from_lab(const Lab& lab, std::uint8_t alpha)
{
    const double fy = (lab.l + 16.0) / 116.0;
    const double x = lab_f_inverse(fy + lab.a / 500.0) * white_x;
    const double y = lab_f_inverse(fy) * white_y;
    const double z = lab_f_inverse(fy - lab.b / 200.0) * white_z;
    const double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    const double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    const double b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    return {from_linear(std::clamp(r, 0.0, 1.0)), from_linear(std::clamp(g, 0.0, 1.0)),
        from_linear(std::clamp(b, 0.0, 1.0)), alpha};
}

} // namespace

std::optional<Colour> parse_colour(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    if (text.size() > 1 && text.front() == '#') {
        return parse_hex(text.substr(1));
    }
    for (const auto& [name, rgb] : named_colours) {
        if (text == name) {
            return Colour{static_cast<std::uint8_t>(rgb >> 16), static_cast<std::uint8_t>((rgb >> 8) & 0xff),
                static_cast<std::uint8_t>(rgb & 0xff), 255};
        }
    }
    return std::nullopt;
}

std::string to_hex(const Colour& colour)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string text = "#";
    const auto put = [&](std::uint8_t value) {
        text += digits[value >> 4];
        text += digits[value & 0xf];
    };
    put(colour.r);
    put(colour.g);
    put(colour.b);
    if (colour.a != 255) {
        put(colour.a);
    }
    return text;
}

Colour mix_lab(const Colour& a, const Colour& b, double t)
{
    const Lab la = to_lab(a), lb = to_lab(b);
    const Lab mixed{la.l + (lb.l - la.l) * t, la.a + (lb.a - la.a) * t, la.b + (lb.b - la.b) * t};
    const double alpha = a.a + (b.a - a.a) * t;
    return from_lab(mixed, static_cast<std::uint8_t>(std::lround(alpha)));
}

double lightness(const Colour& colour)
{
    return to_lab(colour).l;
}

} // namespace migratlas::render
