// Benchmark peer for tools/bench-render: Mapnik alone, in a fresh process, rendering the XML that
// `migratlas render --keep-xml` generated for a page (OUT/xml/pages.json lists them). Nothing of
// migratlas is linked: plugins, fonts, load_map, agg, save_to_file, as any Mapnik program does.
//   mapnik_alone XML_DIR PAGE OUT.png           the page's three maps composited, as migratlas does
//   mapnik_alone XML_DIR PAGE OUT.png --bare    only the main map, drawn over the whole page
// The PNG is encoded as migratlas encodes its pages (pages.json "png_format"), so that both write
// the same file.
#include <mapnik/agg_renderer.hpp>
#include <mapnik/datasource_cache.hpp>
#include <mapnik/font_engine_freetype.hpp>
#include <mapnik/image.hpp>
#include <mapnik/image_compositing.hpp>
#include <mapnik/image_util.hpp>
#include <mapnik/load_map.hpp>
#include <mapnik/map.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

void draw(mapnik::image_rgba8& page, const std::string& dir, const nlohmann::json& frame, double scale, int x, int y, bool onto)
{
    mapnik::Map map(frame["width_px"].get<int>(), frame["height_px"].get<int>());
    mapnik::load_map(map, dir + "/" + frame["xml"].get<std::string>(), true, dir + "/");
    const auto& b = frame["bbox"];
    map.zoom_to_box({b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()});
    if (onto) {
        mapnik::agg_renderer<mapnik::image_rgba8> renderer(map, page, scale);
        renderer.apply();
        return;
    }
    mapnik::image_rgba8 image(map.width(), map.height());
    mapnik::agg_renderer<mapnik::image_rgba8> renderer(map, image, scale);
    renderer.apply();
    mapnik::composite(page, image, mapnik::src_over, 1.0f, x, y);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: mapnik_alone XML_DIR PAGE OUT.png [--bare]\n");
        return 2;
    }
    const std::string dir = argv[1], name = argv[2], out = argv[3];
    const bool bare = argc > 4 && std::string(argv[4]) == "--bare";
    mapnik::datasource_cache::instance().register_datasources("/usr/lib/mapnik/3.1/input");
    for (const char* font : {"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
             "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf"}) {
        mapnik::freetype_engine::register_font(font);
    }
    std::ifstream in(dir + "/pages.json");
    const auto manifest = nlohmann::json::parse(in);
    const double scale = manifest["scale_factor"].get<double>();
    const std::string format = manifest.value("png_format", std::string("png32:z=6"));
    for (const auto& page : manifest["pages"]) {
        if (page["name"] != name) {
            continue;
        }
        mapnik::image_rgba8 image(page["width_px"].get<int>(), page["height_px"].get<int>());
        mapnik::fill(image, mapnik::color(255, 255, 255));
        if (bare) {
            nlohmann::json frame = page["map"];
            frame["width_px"] = page["width_px"];
            frame["height_px"] = page["height_px"];
            draw(image, dir, frame, scale, 0, 0, false);  // Map's default aspect fix grows the box
        } else {
            draw(image, dir, page["map"], scale, page["map_x_px"].get<int>(), page["map_y_px"].get<int>(), false);
            if (page.contains("overview")) {
                draw(image, dir, page["overview"], scale, page["overview_x_px"].get<int>(), page["overview_y_px"].get<int>(), false);
            }
            draw(image, dir, page["furniture"], scale, 0, 0, true);
        }
        mapnik::save_to_file(image, out, format);
        return 0;
    }
    std::fprintf(stderr, "mapnik_alone: no page '%s' in %s/pages.json\n", name.c_str(), dir.c_str());
    return 1;
}
