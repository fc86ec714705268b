#include "render/render_run.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "render/atlas_parser.hpp"
#include "render/layer_source.hpp"
#include "render/mapnik_renderer.hpp"
#include "render/outputs.hpp"
#include "render/page_builder.hpp"
#include "render/page_xml.hpp"
#include "render/published_input.hpp"
#include "render/template_fill.hpp"
#include "render/text_metrics.hpp"

#include <nlohmann/json.hpp>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace migratlas::render {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_request(const Request& request)
{
    if (request.out.empty()) {
        throw SettingError("out", "an output folder is required");
    }
    if (!request.png && !request.pdf) {
        throw SettingError("formats", "choose png, pdf or both");
    }
    if (request.dpi && (*request.dpi < 36 || *request.dpi > 1200)) {
        throw SettingError("dpi", "must be between 36 and 1200, got " + std::to_string(*request.dpi));
    }
    if (request.threads < 0) {
        throw SettingError("threads", "must be 0 (every core) or more");
    }
}

/// "{demo}/geographies.gpkg" and relative paths: variables first, then relative to the atlas file.
std::string resolve_path(const Located<std::string>& path, const AtlasFile& atlas, const Request& request)
{
    std::string text;
    std::size_t at = 0;
    while (at < path.value.size()) {
        const auto open = path.value.find('{', at);
        if (open == std::string::npos) {
            text.append(path.value, at, std::string::npos);
            break;
        }
        const auto close = path.value.find('}', open);
        if (close == std::string::npos) {
            throw AtlasError(path.pos, "'{' without '}' in path '" + path.value + "'");
        }
        text.append(path.value, at, open - at);
        const std::string name = path.value.substr(open + 1, close - open - 1);
        const auto found = request.variables.find(name);
        if (found == request.variables.end()) {
            throw AtlasError(path.pos, "path '" + path.value + "' uses {" + name + "}, which is not set" +
                    (name == "demo" ? ": generate the demo region (migratlas demo --out D --seed " +
                                          std::to_string(atlas.demo ? atlas.demo->first : 42) + " --scale " +
                                          (atlas.demo ? atlas.demo->second : std::string("small")) + ") and pass --demo-dir D"
                                    : std::string(" (pass --set ") + name + "=VALUE)"));
        }
        text += found->second;
        at = close + 1;
    }
    if (text.rfind("PG:", 0) == 0 || text.rfind("/vsi", 0) == 0 || std::filesystem::path(text).is_absolute()) {
        return text;
    }
    return (std::filesystem::path(atlas.base_dir) / text).lexically_normal().string();
}

bool matches(const std::string& patterns, const std::string& name)
{
    if (patterns.empty()) {
        return true;
    }
    std::size_t at = 0;
    while (at <= patterns.size()) {
        const auto comma = std::min(patterns.find(',', at), patterns.size());
        const std::string pattern = patterns.substr(at, comma - at);
        if (!pattern.empty() && fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
            return true;
        }
        at = comma + 1;
    }
    return false;
}

/// What `layers` draw of workspace products (one request per product or view, in order), and the
/// workspace they come from (the request's or the atlas file's `workspace:`); AtlasError when
/// products are drawn and no workspace is given.
std::pair<std::vector<ProductRequest>, std::string> products_of(const AtlasFile& atlas, const Request& request,
    const std::set<std::string>& layers)
{
    std::vector<ProductRequest> products;
    const Located<std::string>* first = nullptr;
    for (const auto& name : layers) {
        const LayerSpec& layer = atlas.layers.at(name);
        if (layer.product.value.empty()) {
            continue;
        }
        const std::string key = product_input_key(layer);
        if (std::none_of(products.begin(), products.end(), [&](const ProductRequest& p) { return p.key == key; })) {
            ProductRequest wanted{key, layer.product.value, {}, layer.product.pos};
            for (const auto& [column, values] : layer.filter) {
                wanted.filter.emplace_back(column.value, values);
            }
            products.push_back(std::move(wanted));
        }
        first = first ? first : &layer.product;
    }
    if (products.empty()) {
        return {};
    }
    const std::string workspace = !request.workspace.empty() ? request.workspace.string()
        : !atlas.workspace.value.empty()                     ? resolve_path(atlas.workspace, atlas, request)
                                                             : std::string();
    if (workspace.empty()) {
        throw AtlasError(first->pos, "layer draws product '" + first->value +
                "': give the workspace (--workspace, or workspace: in the atlas file)");
    }
    return {std::move(products), workspace};
}

/// Product layers come only through the disclosure gate; only those of the layers drawn.
void load_products(const AtlasFile& atlas, const Request& request, const std::set<std::string>& layers, AtlasData& data,
    Diagnostics& diagnostics, Progress& progress)
{
    const auto [products, workspace] = products_of(atlas, request, layers);
    if (products.empty()) {
        return;
    }
    for (const ProductRequest& wanted : products) {
        data.published_labels[wanted.product] = {};
    }
    for (auto& [key, input] : read_published_products(workspace, products, diagnostics, progress)) {
        data.inputs[key] = input.layer;
        const auto wanted = std::find_if(products.begin(), products.end(), [&](const ProductRequest& p) { return p.key == key; });
        data.published_labels[wanted->product] = {input.suppressed_label, input.unreliable_label};
    }
}

void load_input(const AtlasFile& atlas, const Request& request, const std::string& name, AtlasData& data, Diagnostics& diagnostics)
{
    if (!data.inputs.count(name)) {
        const InputSpec& input = atlas.inputs.at(name);
        data.inputs[name] = std::make_shared<FeatureLayer>(read_input_layer(input, resolve_path(input.source, atlas, request), diagnostics));
    }
}

/// Reads what the pages asked for draw, and nothing else: the coverages of page series (every
/// page is named and numbered, so these always), then the inputs, tables and products of the
/// layers of the pages chosen; then classifies those layers (over every unit, so that pages compare).
AtlasData load_data(const AtlasFile& atlas, const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    AtlasData data;
    if (request.pages.empty()) {
        // Every page is drawn: a missing workspace is said before any input is read.
        std::set<std::string> every_layer;
        for (const auto& [name, layer] : atlas.layers) {
            every_layer.insert(name);
        }
        (void)products_of(atlas, request, every_layer);
    }
    for (const auto& page : atlas.pages) {
        if (page.series) {
            load_input(atlas, request, page.series->coverage.value, data, diagnostics);
        }
    }
    const PageNeeds needs = needs_of_pages(atlas, data, [&](const std::string& name) { return matches(request.pages, name); });
    load_products(atlas, request, needs.layers, data, diagnostics, progress);
    for (const auto& name : needs.inputs) {
        load_input(atlas, request, name, data, diagnostics);
    }
    std::map<std::string, JoinTable> tables;
    for (const auto& name : needs.layers) {
        const LayerSpec& layer = atlas.layers.at(name);
        if (layer.input.value.empty()) {
            continue;
        }
        load_input(atlas, request, layer.input.value, data, diagnostics);
        if (layer.join_table.value.empty()) {
            continue;
        }
        const TableSpec& spec = atlas.tables.at(layer.join_table.value);
        if (!tables.count(spec.name)) {
            tables.emplace(spec.name, read_join_table(spec, resolve_path(spec.path, atlas, request), diagnostics));
        }
        auto joined = std::make_shared<FeatureLayer>(*data.inputs.at(layer.input.value));
        join_table(*joined, tables.at(spec.name), layer.join_on, diagnostics);
        data.inputs["layer:" + name] = std::move(joined);
    }
    prepare_layers(atlas, data, diagnostics, needs.layers);
    return data;
}

/// Removes the temporary folder unless the run committed (then it is already gone).
class TempFolder {
public:
    explicit TempFolder(std::filesystem::path path) : m_path(std::move(path))
    {
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

nlohmann::ordered_json frame_json(const std::string& xml_file, const Rect& frame, const ProjectedBox& extent, int dpi)
{
    const auto px = [dpi](double mm) { return std::lround(mm * dpi / 25.4); };
    return {{"xml", xml_file}, {"width_px", px(frame.x + frame.w) - px(frame.x)}, {"height_px", px(frame.y + frame.h) - px(frame.y)},
        {"bbox", {extent.min_x, extent.min_y, extent.max_x, extent.max_y}}};
}

/// With keep_xml: every page's three XML documents and a manifest that lets Mapnik alone render
/// the same maps (tools/bench-render does).
void write_xml_files(const std::filesystem::path& work, const std::vector<const PagePlan*>& pages, const std::vector<PageXml>& xml, int dpi)
{
    nlohmann::ordered_json manifest;
    manifest["dpi"] = dpi;
    manifest["scale_factor"] = 0.28 / (25.4 / dpi);
    manifest["png_format"] = std::string(page_png_format);
    manifest["pages"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const PagePlan& plan = *pages[i];
        write_file_atomically(work / (plan.name + "-map.xml"), xml[i].main_map);
        write_file_atomically(work / (plan.name + "-page.xml"), xml[i].furniture);
        nlohmann::ordered_json page{{"name", plan.name}, {"width_px", std::lround(plan.layout.width * dpi / 25.4)},
            {"height_px", std::lround(plan.layout.height * dpi / 25.4)}};
        page["map"] = frame_json(plan.name + "-map.xml", plan.layout.map, plan.extent, dpi);
        page["map_x_px"] = std::lround(plan.layout.map.x * dpi / 25.4);
        page["map_y_px"] = std::lround(plan.layout.map.y * dpi / 25.4);
        if (!xml[i].overview.empty()) {
            write_file_atomically(work / (plan.name + "-overview.xml"), xml[i].overview);
            page["overview"] = frame_json(plan.name + "-overview.xml", plan.layout.overview, plan.overview_extent, dpi);
            page["overview_x_px"] = std::lround(plan.layout.overview.x * dpi / 25.4);
            page["overview_y_px"] = std::lround(plan.layout.overview.y * dpi / 25.4);
        }
        page["furniture"] = frame_json(plan.name + "-page.xml", {0, 0, plan.layout.width, plan.layout.height},
            {0, 0, plan.layout.width, plan.layout.height}, dpi);
        manifest["pages"].push_back(page);
    }
    write_file_atomically(work / "pages.json", manifest.dump(2) + "\n");
}

void move_into(const std::filesystem::path& from, const std::filesystem::path& to)
{
    std::filesystem::create_directories(to.parent_path());
    std::error_code error;
    std::filesystem::remove_all(to, error);
    std::filesystem::rename(from, to);
}

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = Clock::now();
    check_request(request);
    const AtlasFile atlas = parse_atlas_file(request.atlas);
    const int dpi = request.dpi.value_or(atlas.dpi.value);
    progress.start("reading the atlas inputs");
    const AtlasData data = load_data(atlas, request, diagnostics, progress);
    const FontFiles fonts = find_fonts(atlas.style.font);
    const TextMetrics metrics(fonts);
    const int threads = request.threads > 0 ? request.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    tbb::task_arena arena(threads);
    PagePlans plans;
    arena.execute([&] { plans = plan_pages(atlas, data, metrics, diagnostics, [&](const std::string& name) { return matches(request.pages, name); }); });
    progress.finish();

    Outcome outcome;
    outcome.pages_in_atlas = plans.names.size();
    std::vector<const PagePlan*> selected;
    for (const auto& plan : plans.pages) {
        selected.push_back(&plan);
    }
    if (selected.empty()) {
        std::string names;
        for (std::size_t i = 0; i < plans.names.size() && i < 12; ++i) {
            names += (i ? ", " : "") + plans.names[i];
        }
        throw SettingError("pages", "no page name matches '" + request.pages + "' (pages: " + names + (plans.names.size() > 12 ? ", ..." : "") + ")");
    }
    outcome.load_seconds = seconds_since(started);

    const auto face_names = setup_mapnik(fonts, request.plugin_dir);
    std::filesystem::create_directories(request.out);
    const TempFolder temp(request.out / (".render-tmp-" + std::to_string(::getpid())));
    const auto work = temp.path() / "xml";
    std::filesystem::create_directories(work / "data");
    std::filesystem::create_directories(work / "patterns");
    std::filesystem::create_directories(temp.path() / "thumbs");
    const auto& templates = builtin_templates();
    for (const auto* pattern : {"hatch_suppressed", "hatch_unreliable"}) {
        write_file_atomically(work / "patterns" / (std::string(pattern) + ".svg"), templates.at(pattern));
    }
    XmlContext context;
    context.templates = &templates;
    context.style = &atlas.style;
    context.font_regular = face_names[0];
    context.font_bold = face_names[1];
    context.font_italic = face_names[2];

    outcome.threads = threads;
    std::vector<PageXml> xml(selected.size());
    outcome.pages.resize(selected.size());
    std::optional<PdfDocument> pdf;
    if (request.pdf) {
        pdf.emplace(temp.path() / "atlas.pdf");
    }
    const auto pages_started = Clock::now();
    std::size_t next = 0, done = 0;
    std::mutex progress_mutex;
    progress.start("rendering " + std::to_string(selected.size()) + " pages");
    // One pipeline over the pages keeps every core busy to the end: XML and PNG of several pages in
    // parallel while the one PDF (cairo pages must be added in order) takes each page in turn as
    // soon as its XML is ready, so no serial PDF pass follows the PNG work.
    const auto make_xml = [&](std::size_t i) {
        const auto page_started = Clock::now();
        xml[i] = make_page_xml(*selected[i], context, work / "data");
        outcome.pages[i].seconds = seconds_since(page_started);
        return i;
    };
    const auto add_pdf_page = [&](std::size_t i) {
        if (pdf) {
            const auto pdf_started = Clock::now();
            pdf->add_page(xml[i], page_frames(*selected[i]), work);
            outcome.pdf_seconds += seconds_since(pdf_started);
        }
        return i;
    };
    const auto draw_png = [&](std::size_t i) {
        const auto page_started = Clock::now();
        const PagePlan& plan = *selected[i];
        if (request.png) {
            render_png(xml[i], page_frames(plan), dpi, work, temp.path() / (plan.name + ".png"),
                temp.path() / "thumbs" / (plan.name + ".png"));
        }
        PageOutcome& page = outcome.pages[i];
        page = {plan.name, plan.title, plan.number, page.seconds + seconds_since(page_started), 0};
        for (const auto& block : plan.legend) {
            page.legend_rows += block.rows.size();
        }
        const std::lock_guard lock(progress_mutex);
        progress.update(static_cast<double>(++done) / static_cast<double>(selected.size()));
    };
    arena.execute([&] {
        tbb::parallel_pipeline(static_cast<std::size_t>(threads) * 2,
            tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                [&](tbb::flow_control& control) {
                    if (next == selected.size()) {
                        control.stop();
                    }
                    return next++;
                }) &
                tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel, make_xml) &
                tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::serial_in_order, add_pdf_page) &
                tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, draw_png));
    });
    if (pdf) {
        const auto finish_started = Clock::now();
        pdf->finish();
        outcome.pdf_seconds += seconds_since(finish_started);
    }
    progress.finish();
    outcome.png_seconds = seconds_since(pages_started);

    write_file_atomically(temp.path() / "classes.json", classes_json(data, atlas.title));
    std::vector<IndexEntry> entries;
    for (const auto* plan : selected) {
        entries.push_back({plan->name, plan->title, plan->subtitle, request.png ? plan->name + ".png" : "atlas.pdf",
            request.png ? "thumbs/" + plan->name + ".png" : "", plan->number});
    }
    write_file_atomically(temp.path() / "index.html",
        index_html(atlas.title.empty() ? "Atlas" : atlas.title, entries, request.pdf ? "atlas.pdf" : ""));
    if (request.keep_xml) {
        write_xml_files(work, selected, xml, dpi);
    }

    // Every page rendered: only now do the files replace what the folder held.
    for (const auto* plan : selected) {
        if (request.png) {
            move_into(temp.path() / (plan->name + ".png"), request.out / (plan->name + ".png"));
            move_into(temp.path() / "thumbs" / (plan->name + ".png"), request.out / "thumbs" / (plan->name + ".png"));
        }
    }
    if (request.pdf) {
        move_into(temp.path() / "atlas.pdf", request.out / "atlas.pdf");
        outcome.pdf = request.out / "atlas.pdf";
    }
    move_into(temp.path() / "classes.json", request.out / "classes.json");
    move_into(temp.path() / "index.html", request.out / "index.html");
    if (request.keep_xml) {
        move_into(work, request.out / "xml");
    }
    outcome.total_seconds = seconds_since(started);
    return outcome;
}

} // namespace migratlas::render
