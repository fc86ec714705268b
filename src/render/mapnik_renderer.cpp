#include "render/mapnik_renderer.hpp"

#include "common/error.hpp"

#include <mapnik/agg_renderer.hpp>
#include <mapnik/cairo/cairo_context.hpp>
#include <mapnik/cairo/cairo_renderer.hpp>
#include <mapnik/datasource_cache.hpp>
#include <mapnik/font_engine_freetype.hpp>
#include <mapnik/image.hpp>
#include <mapnik/image_compositing.hpp>
#include <mapnik/image_scaling.hpp>
#include <mapnik/image_util.hpp>
#include <mapnik/load_map.hpp>
#include <mapnik/map.hpp>

#include <cairo-pdf.h>
#include <cairo.h>
#include <libxml/parser.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <vector>

namespace migratlas::render {

namespace {

constexpr double points_per_mm = 72.0 / 25.4;
// Sub-point units of the PDF maps: Mapnik map sizes are whole numbers, and a frame of 527.24 pt
// drawn as 527 would change its scale; at 1/8 pt the rounding is invisible.
constexpr double pdf_subdivision = 8.0;

std::once_flag setup_once;

void load(mapnik::Map& map, const std::string& xml, const std::filesystem::path& base, const char* what)
{
    try {
        mapnik::load_map_string(map, xml, true, base.string() + "/");
    } catch (const std::exception& e) {
        throw DataError(std::string("Mapnik could not load the ") + what + " of a page: " + e.what());
    }
}

/// Runs a Mapnik renderer; Mapnik's exceptions (a datasource that fails while drawing) become ours.
template <typename Renderer, typename Target>
void apply_renderer(const mapnik::Map& map, Target& target, double scale, const char* what)
{
    try {
        Renderer renderer(map, target, scale);
        renderer.apply();
    } catch (const std::exception& e) {
        throw DataError(std::string("Mapnik could not draw the ") + what + " of a page: " + e.what());
    }
}

/// A Mapnik scale factor for output where one unit is `unit_mm` long: sizes in the XML are 0.28 mm.
double scale_factor(double unit_mm)
{
    return 0.28 / unit_mm;
}

long pixels(double mm, int dpi)
{
    return std::lround(mm * dpi / 25.4);
}

void render_map_into(mapnik::image_rgba8& page, const std::string& xml, const std::filesystem::path& base, const Rect& frame,
    const ProjectedBox& extent, int dpi, const char* what)
{
    const long x = pixels(frame.x, dpi), y = pixels(frame.y, dpi);
    const long w = pixels(frame.x + frame.w, dpi) - x, h = pixels(frame.y + frame.h, dpi) - y;
    mapnik::Map map(static_cast<int>(w), static_cast<int>(h));
    load(map, xml, base, what);
    map.zoom_to_box({extent.min_x, extent.min_y, extent.max_x, extent.max_y});
    mapnik::image_rgba8 image(static_cast<int>(w), static_cast<int>(h));
    apply_renderer<mapnik::agg_renderer<mapnik::image_rgba8>>(map, image, scale_factor(25.4 / dpi), what);
    mapnik::composite(page, image, mapnik::src_over, 1.0f, static_cast<int>(x), static_cast<int>(y));
}

/// A copy of the page about 200 pixels wide for the index: each pixel the mean of a block of the
/// page (a box filter: no aliasing, one pass over the page).
void save_thumbnail(const mapnik::image_rgba8& page, const std::filesystem::path& path)
{
    const auto page_width = static_cast<unsigned>(page.width()), page_height = static_cast<unsigned>(page.height());
    const unsigned block = std::max(1U, page_width / 200);
    const unsigned width = page_width / block, height = page_height / block;
    const unsigned used_width = width * block;
    mapnik::image_rgba8 small(static_cast<int>(width), static_cast<int>(height));
    // Per page column, the sums over a block's rows of channels 0 and 2 (`even`) and 1 and 3
    // (`odd`), two 16-bit lanes to a word: at most 257 rows (257 × 255 < 2¹⁶) cannot carry from
    // one lane into the other. Summing whole rows this way vectorises; a page pixel costs about
    // one instruction instead of eight.
    constexpr unsigned rows_per_pass = 257;
    std::vector<std::uint32_t> even(used_width), odd(used_width);
    std::vector<std::array<std::uint64_t, 4>> sums(width);
    for (unsigned y = 0; y < height; ++y) {
        std::fill(sums.begin(), sums.end(), std::array<std::uint64_t, 4>{});
        for (unsigned first = 0; first < block; first += rows_per_pass) {
            std::fill(even.begin(), even.end(), 0U);
            std::fill(odd.begin(), odd.end(), 0U);
            for (unsigned dy = first; dy < std::min(block, first + rows_per_pass); ++dy) {
                const std::uint32_t* row = page.get_row(y * block + dy);
                for (unsigned column = 0; column < used_width; ++column) {
                    even[column] += row[column] & 0x00ff00ffU;
                    odd[column] += (row[column] >> 8) & 0x00ff00ffU;
                }
            }
            for (unsigned column = 0; column < used_width; ++column) {
                auto& sum = sums[column / block];
                sum[0] += even[column] & 0xffffU;
                sum[1] += odd[column] & 0xffffU;
                sum[2] += even[column] >> 16;
                sum[3] += odd[column] >> 16;
            }
        }
        for (unsigned x = 0; x < width; ++x) {
            std::uint32_t mean = 0;
            for (unsigned c = 0; c < 4; ++c) {
                mean |= static_cast<std::uint32_t>(sums[x][c] / (block * block)) << (8 * c);
            }
            small(x, y) = mean;
        }
    }
    mapnik::save_to_file(small, path.string(), "png32");
}

} // namespace

std::array<std::string, 3> setup_mapnik(const FontFiles& fonts, const std::string& plugin_dir)
{
    std::call_once(setup_once, [&] {
        xmlInitParser();  // libxml2 must be initialised once before threads parse XML
        // Only the plugins the generated XML names (styles/: shape, csv): registering the whole
        // folder would load PostGIS, GDAL raster, SQLite, ... into every fresh process.
        const std::string dir = plugin_dir.empty() ? MIGRATLAS_MAPNIK_PLUGINS : plugin_dir;
        for (const char* plugin : {"shape.input", "csv.input"}) {
            if (!mapnik::datasource_cache::instance().register_datasource(dir + "/" + plugin)) {
                throw InputError("Mapnik cannot load its input plugin " + dir + "/" + plugin);
            }
        }
        for (const auto* path : {&fonts.regular, &fonts.bold, &fonts.italic}) {
            if (!mapnik::freetype_engine::register_font(*path)) {
                throw InputError("Mapnik cannot use the font " + *path);
            }
        }
    });
    if (fonts.regular.find("DejaVu") != std::string::npos) {
        return {"DejaVu Sans Book", "DejaVu Sans Bold", "DejaVu Sans Oblique"};
    }
    return {"Noto Sans Regular", "Noto Sans Bold", "Noto Sans Italic"};
}

PageFrames page_frames(const PagePlan& plan)
{
    PageFrames frames;
    frames.width_mm = plan.layout.width;
    frames.height_mm = plan.layout.height;
    frames.map = plan.layout.map;
    frames.overview = plan.layout.overview;
    frames.map_extent = plan.extent;
    frames.overview_extent = plan.overview_extent;
    frames.has_overview = plan.overview_projection != nullptr;
    return frames;
}

void render_png(const PageXml& xml, const PageFrames& frames, int dpi, const std::filesystem::path& base,
    const std::filesystem::path& png, const std::filesystem::path& thumbnail)
{
    const long width = pixels(frames.width_mm, dpi), height = pixels(frames.height_mm, dpi);
    mapnik::image_rgba8 page(static_cast<int>(width), static_cast<int>(height));
    mapnik::fill(page, mapnik::color(255, 255, 255));
    render_map_into(page, xml.main_map, base, frames.map, frames.map_extent, dpi, "main map");
    if (frames.has_overview) {
        render_map_into(page, xml.overview, base, frames.overview, frames.overview_extent, dpi, "locator map");
    }
    mapnik::Map furniture(static_cast<int>(width), static_cast<int>(height));
    load(furniture, xml.furniture, base, "page furniture");
    furniture.zoom_to_box({0, 0, frames.width_mm, frames.height_mm});
    apply_renderer<mapnik::agg_renderer<mapnik::image_rgba8>>(furniture, page, scale_factor(25.4 / dpi), "page furniture");
    try {
        mapnik::save_to_file(page, png.string(), std::string(page_png_format));
        if (!thumbnail.empty()) {
            save_thumbnail(page, thumbnail);
        }
    } catch (const std::exception& e) {
        throw InputError(png.string() + ": cannot write the page: " + e.what());
    }
}

struct PdfDocument::State {
    std::filesystem::path path;
    cairo_surface_t* surface = nullptr;
    bool finished = false;
};

PdfDocument::PdfDocument(const std::filesystem::path& path) : m_state(std::make_unique<State>())
{
    m_state->path = path;
    m_state->surface = cairo_pdf_surface_create(path.c_str(), 595, 842);
    if (cairo_surface_status(m_state->surface) != CAIRO_STATUS_SUCCESS) {
        throw InputError(path.string() + ": cannot create the PDF: " + cairo_status_to_string(cairo_surface_status(m_state->surface)));
    }
    cairo_pdf_surface_set_metadata(m_state->surface, CAIRO_PDF_METADATA_CREATOR, "migratlas render (Mapnik 3.1, cairo)");
}

PdfDocument::~PdfDocument()
{
    if (m_state->surface) {
        cairo_surface_destroy(m_state->surface);
    }
}

namespace {

void draw_pdf_map(const mapnik::cairo_ptr& context, const std::string& xml, const std::filesystem::path& base, const Rect& frame,
    const ProjectedBox& extent, const char* what)
{
    const double w = frame.w * points_per_mm * pdf_subdivision, h = frame.h * points_per_mm * pdf_subdivision;
    mapnik::Map map(static_cast<int>(std::lround(w)), static_cast<int>(std::lround(h)));
    load(map, xml, base, what);
    map.zoom_to_box({extent.min_x, extent.min_y, extent.max_x, extent.max_y});
    cairo_save(context.get());
    cairo_translate(context.get(), frame.x * points_per_mm, frame.y * points_per_mm);
    cairo_scale(context.get(), 1 / pdf_subdivision, 1 / pdf_subdivision);
    apply_renderer<mapnik::cairo_renderer<mapnik::cairo_ptr>>(map, context, scale_factor(25.4 / 72.0 / pdf_subdivision), what);
    cairo_restore(context.get());
}

} // namespace

void PdfDocument::add_page(const PageXml& xml, const PageFrames& frames, const std::filesystem::path& base)
{
    cairo_pdf_surface_set_size(m_state->surface, frames.width_mm * points_per_mm, frames.height_mm * points_per_mm);
    mapnik::cairo_surface_ptr surface(cairo_surface_reference(m_state->surface), mapnik::cairo_surface_closer());
    mapnik::cairo_ptr context = mapnik::create_context(surface);
    draw_pdf_map(context, xml.main_map, base, frames.map, frames.map_extent, "main map");
    if (frames.has_overview) {
        draw_pdf_map(context, xml.overview, base, frames.overview, frames.overview_extent, "locator map");
    }
    draw_pdf_map(context, xml.furniture, base, {0, 0, frames.width_mm, frames.height_mm}, {0, 0, frames.width_mm, frames.height_mm},
        "page furniture");
    cairo_show_page(context.get());
}

void PdfDocument::finish()
{
    cairo_surface_finish(m_state->surface);
    const auto status = cairo_surface_status(m_state->surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw InputError(m_state->path.string() + ": cannot write the PDF: " + cairo_status_to_string(status));
    }
    m_state->finished = true;
}

} // namespace migratlas::render
