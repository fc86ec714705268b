// Draws planned pages with Mapnik 3.1: agg into one PNG per page (the maps composited into the
// page, the furniture drawn over them) and cairo into one multi-page vector PDF. The only place
// that includes Mapnik headers, besides none: callers see plain types.
#pragma once

#include "render/page_builder.hpp"
#include "render/page_xml.hpp"
#include "render/text_metrics.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace migratlas::render {

/// Registers Mapnik's input plugins and the atlas fonts once per process (thread safe), and
/// returns the Mapnik face names of the family's regular, bold and italic fonts.
[[nodiscard]] std::array<std::string, 3> setup_mapnik(const FontFiles& fonts, const std::string& plugin_dir = "");

/// Where the maps of a page sit and what they show; from the plan.
struct PageFrames {
    double width_mm = 0, height_mm = 0;
    Rect map, overview;
    ProjectedBox map_extent, overview_extent;
    bool has_overview = false;
};
[[nodiscard]] PageFrames page_frames(const PagePlan& plan);

/// How pages are encoded (Mapnik's format string): full colour without alpha (a page is opaque)
/// for exact colours, zlib level 3 and no row filter (Mapnik's). Measured on the demo's density
/// page: 20% less CPU than Mapnik's "png32:z=6" (RGBA), for a file 5% larger.
inline constexpr std::string_view page_png_format = "png32:z=3:t=0";

/// Renders one page to `png` at `dpi` (agg), and a small copy to `thumbnail` when given.
/// `base_dir` resolves the relative paths in the XML (data/, patterns/).
void render_png(const PageXml& xml, const PageFrames& frames, int dpi, const std::filesystem::path& base_dir,
    const std::filesystem::path& png, const std::filesystem::path& thumbnail = {});

/// One multi-page vector PDF (cairo), pages added in order.
class PdfDocument {
public:
    explicit PdfDocument(const std::filesystem::path& path);
    ~PdfDocument();
    PdfDocument(const PdfDocument&) = delete;
    PdfDocument& operator=(const PdfDocument&) = delete;
    void add_page(const PageXml& xml, const PageFrames& frames, const std::filesystem::path& base_dir);
    /// Flushes and closes the file; throws when cairo reports an error.
    void finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace migratlas::render
