#include "render/page_builder.hpp"

#include <algorithm>
#include <cmath>

namespace migratlas::render {

namespace {

constexpr double margin_mm = 12;
constexpr double note_line_mm = 3.1;
constexpr double legend_row_mm = 4.6;
constexpr double legend_heading_mm = 5.2;

} // namespace

double legend_block_height(const LegendBlock& block)
{
    double height = legend_heading_mm + (block.unit.empty() ? 0 : 3.4) + 1.5;
    if (block.kind == LayerKind::symbols) {
        double circles = 0;
        for (const auto& row : block.rows) {
            if (row.swatch == LegendRow::Swatch::circle) {
                circles = std::max(circles, row.size_mm);
            } else {
                height += legend_row_mm;
            }
        }
        return height + circles + 2;
    }
    for (const auto& row : block.rows) {
        height += std::max(legend_row_mm, row.swatch == LegendRow::Swatch::line ? row.size_mm + 2.4 : 0.0);
    }
    return height + 2;
}

PageLayout layout_page(const Paper& paper, std::size_t note_lines, double content_aspect)
{
    PageLayout layout;
    layout.width = paper.width_mm();
    layout.height = paper.height_mm();
    const double w = layout.width, h = layout.height, m = margin_mm;
    layout.title_y = m + 5;
    layout.subtitle_y = m + 12;
    const double footer = static_cast<double>(std::max<std::size_t>(note_lines, 1)) * note_line_mm + 3;
    layout.notes = {m, h - m - footer + 3, w - 2 * m - 22, footer - 3};
    layout.footer_y = h - m - 1.5;
    const double top = m + 17;
    if (!paper.landscape) {
        const double panel = std::round(h * 0.2);
        layout.map = {m, top, w - 2 * m, h - top - m - footer - panel - 4};
        if (content_aspect > 0) {
            // Never below 60% of the full height: the panel then sits just under the map.
            layout.map.h = std::clamp(layout.map.w * content_aspect, 0.6 * layout.map.h, layout.map.h);
        }
        const double panel_y = layout.map.y + layout.map.h + 4;
        const double side = std::round(w * 0.29);
        layout.overview = {w - m - side, panel_y, side, panel - 12};
        layout.scale_bar = {w - m - side, panel_y + panel - 9, side - 12, 8};
        layout.north_arrow = {w - m - 8, panel_y + panel - 10, 8, 10};
        layout.legend = {m, panel_y, w - 2 * m - side - 6, panel};
    } else {
        const double side = std::round(w * 0.27);
        layout.map = {m, top, w - 2 * m - side - 6, h - top - m - footer - 2};
        const double x = layout.map.x + layout.map.w + 6;
        const double overview_h = std::round(h * 0.28);
        const double bottom = layout.map.y + layout.map.h;
        layout.scale_bar = {x, bottom - 8, side - 12, 8};
        layout.north_arrow = {x + side - 8, bottom - 10, 8, 10};
        layout.overview = {x, bottom - 12 - overview_h, side, overview_h};
        layout.legend = {x, top, side, layout.overview.y - top - 4};
    }
    return layout;
}

} // namespace migratlas::render
