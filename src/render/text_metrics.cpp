#include "render/text_metrics.hpp"

#include "common/error.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <filesystem>
#include <mutex>
#include <sstream>

namespace migratlas::render {

FontFiles find_fonts(const std::string& family)
{
    FontFiles files;
    if (family == "DejaVu Sans") {
        const std::string dir = "/usr/share/fonts/truetype/dejavu/";
        files = {dir + "DejaVuSans.ttf", dir + "DejaVuSans-Bold.ttf", dir + "DejaVuSans-Oblique.ttf"};
    } else {
        const std::string dir = "/usr/share/fonts/truetype/noto/";
        files = {dir + "NotoSans-Regular.ttf", dir + "NotoSans-Bold.ttf", dir + "NotoSans-Italic.ttf"};
    }
    for (const auto* path : {&files.regular, &files.bold, &files.italic}) {
        if (!std::filesystem::is_regular_file(*path)) {
            throw InputError("font file " + *path + " is missing: install the Debian package " +
                (family == "DejaVu Sans" ? "fonts-dejavu-core" : "fonts-noto-core") + " (tools/setup.sh does)");
        }
    }
    return files;
}

struct TextMetrics::Faces {
    FT_Library library = nullptr;
    FT_Face regular = nullptr;
    FT_Face bold = nullptr;
    mutable std::mutex mutex;  // FreeType faces are not safe to use from two threads at once
    ~Faces()
    {
        for (FT_Face face : {regular, bold}) {
            if (face) {
                FT_Done_Face(face);
            }
        }
        if (library) {
            FT_Done_FreeType(library);
        }
    }
};

namespace {

FT_Face open_face(FT_Library library, const std::string& path)
{
    FT_Face face = nullptr;
    if (FT_New_Face(library, path.c_str(), 0, &face) != 0) {
        throw InputError("cannot read the font " + path);
    }
    return face;
}

/// Next code point of UTF-8 text (invalid bytes count as themselves).
char32_t next_code_point(const std::string& text, std::size_t& at)
{
    const auto byte = static_cast<unsigned char>(text[at++]);
    int extra = byte >= 0xf0 ? 3 : byte >= 0xe0 ? 2 : byte >= 0xc0 ? 1 : 0;
    char32_t code = extra == 3 ? byte & 0x07 : extra == 2 ? byte & 0x0f : extra == 1 ? byte & 0x1f : byte;
    while (extra-- > 0 && at < text.size()) {
        code = (code << 6) | (static_cast<unsigned char>(text[at++]) & 0x3f);
    }
    return code;
}

} // namespace

TextMetrics::TextMetrics(const FontFiles& fonts) : m_faces(std::make_unique<Faces>())
{
    if (FT_Init_FreeType(&m_faces->library) != 0) {
        throw InputError("FreeType cannot start");
    }
    m_faces->regular = open_face(m_faces->library, fonts.regular);
    m_faces->bold = open_face(m_faces->library, fonts.bold);
}

TextMetrics::~TextMetrics() = default;

double TextMetrics::width_mm(const std::string& text, double size_pt, bool bold) const
{
    const std::lock_guard lock(m_faces->mutex);
    FT_Face face = bold ? m_faces->bold : m_faces->regular;
    // Advances in font units scale linearly: no hinting, no rasterising needed.
    double units = 0;
    for (std::size_t at = 0; at < text.size();) {
        const FT_UInt glyph = FT_Get_Char_Index(face, next_code_point(text, at));
        if (FT_Load_Glyph(face, glyph, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0) {
            units += static_cast<double>(face->glyph->advance.x);
        }
    }
    const double em_mm = size_pt * 25.4 / 72.0;
    return units / face->units_per_EM * em_mm;
}

std::vector<std::string> TextMetrics::wrap(const std::string& text, double size_pt, double max_mm, bool bold) const
{
    std::vector<std::string> lines;
    std::istringstream words(text);
    std::string word, line;
    while (words >> word) {
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && width_mm(candidate, size_pt, bold) > max_mm) {
            lines.push_back(line);
            line = word;
        } else {
            line = candidate;
        }
    }
    if (!line.empty()) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace migratlas::render
