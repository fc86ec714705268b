// Widths of text on paper, measured with FreeType on the fonts the pages use, so that legends and
// notes are laid out to fit (Mapnik then draws the text itself).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace migratlas::render {

struct FontFiles {
    std::string regular, bold, italic;
};

/// Noto Sans or DejaVu Sans from the Debian font packages; throws InputError naming the package
/// when the files are missing.
[[nodiscard]] FontFiles find_fonts(const std::string& family);

class TextMetrics {
public:
    explicit TextMetrics(const FontFiles& fonts);
    ~TextMetrics();
    TextMetrics(const TextMetrics&) = delete;
    TextMetrics& operator=(const TextMetrics&) = delete;

    /// Advance width in mm of UTF-8 `text` at `size_pt` points.
    [[nodiscard]] double width_mm(const std::string& text, double size_pt, bool bold = false) const;
    /// Greedy word wrap to lines no wider than `max_mm`.
    [[nodiscard]] std::vector<std::string> wrap(const std::string& text, double size_pt, double max_mm, bool bold = false) const;

private:
    struct Faces;
    std::unique_ptr<Faces> m_faces;
};

} // namespace migratlas::render
