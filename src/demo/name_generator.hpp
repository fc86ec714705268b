// Plausible Spanish-sounding place names built from syllables, for the synthetic demo region.
// Used by the demo region builder (countries, units, crossing points); deterministic per Rng.
#pragma once

#include "demo/rng.hpp"

#include <set>
#include <string>

namespace migratlas::demo {

/// Draws place names ("Valdelora", "San Miguel de Arenca", "Puerto Tolima") that never repeat
/// within one generator. Names are ASCII on purpose so every downstream tool reads them as is.
class NameGenerator {
public:
    /// A bare invented word of 2-4 syllables, capitalised ("Torquena").
    std::string word(Rng& rng);
    /// A place name: an invented word, sometimes with a Spanish prefix or suffix.
    std::string place(Rng& rng);
    /// A country-style name ("Republica de Naranda" is too long for maps, so just the word).
    std::string country(Rng& rng);

private:
    std::string unique(Rng& rng, bool decorated);
    std::set<std::string> m_used;
};

} // namespace migratlas::demo
