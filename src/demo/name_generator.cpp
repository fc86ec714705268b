#include "demo/name_generator.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace migratlas::demo {

namespace {
constexpr std::array<std::string_view, 40> onsets = {
    "ba", "ca", "da", "la", "ma", "na", "pa", "ra", "sa", "ta", "va", "to", "lo", "co", "mo",
    "ri", "li", "mi", "que", "gue", "ve", "te", "re", "se", "ne", "cha", "lla", "bra", "tra", "gra",
    "cu", "tu", "ru", "pi", "ti", "zo", "ja", "ye", "al", "or"};
constexpr std::array<std::string_view, 22> endings = {
    "na", "ra", "do", "da", "les", "nas", "to", "ta", "sa", "ca", "no", "ma", "lla", "rio",
    "jo", "via", "ral", "mar", "lan", "dor", "rez", "guay"};
constexpr std::array<std::string_view, 8> prefixes = {
    "San ", "Santa ", "Puerto ", "Villa ", "Nueva ", "Valle de ", "Los ", "El "};
constexpr std::array<std::string_view, 6> suffixes = {
    " del Norte", " del Sur", " de la Sierra", " del Rio", " Alto", " Bajo"};
} // namespace

std::string NameGenerator::word(Rng& rng)
{
    std::string name;
    const auto syllables = static_cast<int>(rng.between(1, 3));
    for (int i = 0; i < syllables; ++i) {
        name += onsets[rng.below(onsets.size())];
    }
    name += endings[rng.below(endings.size())];
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

std::string NameGenerator::unique(Rng& rng, bool decorated)
{
    for (int attempt = 0;; ++attempt) {
        std::string name = word(rng);
        if (decorated) {
            const double roll = rng.uniform();
            if (roll < 0.18) {
                name = std::string(prefixes[rng.below(prefixes.size())]) + name;
            } else if (roll < 0.26) {
                name += suffixes[rng.below(suffixes.size())];
            }
        }
        // After many collisions fall back to a numbered variant so the loop always ends.
        if (attempt > 50) {
            name += " " + std::to_string(attempt);
        }
        if (m_used.insert(name).second) {
            return name;
        }
    }
}

std::string NameGenerator::place(Rng& rng) { return unique(rng, true); }

std::string NameGenerator::country(Rng& rng) { return unique(rng, false); }

} // namespace migratlas::demo
