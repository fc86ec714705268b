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
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
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

/// The gate's results as inputs of the layers that draw them, with the legend texts of hidden values.
void add_products(const std::vector<ProductRequest>& products, std::map<std::string, PublishedInput>& published, AtlasData& data)
{
    for (const ProductRequest& wanted : products) {
        data.published_labels[wanted.product] = {};
    }
    for (auto& [key, input] : published) {
        data.inputs[key] = input.layer;
        const auto wanted = std::find_if(products.begin(), products.end(), [&](const ProductRequest& p) { return p.key == key; });
        data.published_labels[wanted->product] = {input.suppressed_label, input.unreliable_label};
    }
}

void load_input(const AtlasFile& atlas, const Request& request, const std::string& name, InputSources& sources, AtlasData& data,
    Diagnostics& diagnostics)
{
    if (!data.inputs.count(name)) {
        const InputSpec& input = atlas.inputs.at(name);
        data.inputs[name] = std::make_shared<FeatureLayer>(sources.read(input, resolve_path(input.source, atlas, request), diagnostics));
    }
}

/// The inputs and joined tables of `needs` (workspace products aside: they come through the gate).
void load_inputs(const AtlasFile& atlas, const Request& request, const PageNeeds& needs, InputSources& sources, AtlasData& data,
    Diagnostics& diagnostics)
{
    for (const auto& name : needs.inputs) {
        load_input(atlas, request, name, sources, data, diagnostics);
    }
    std::map<std::string, JoinTable> tables;
    for (const auto& name : needs.layers) {
        const LayerSpec& layer = atlas.layers.at(name);
        if (layer.input.value.empty()) {
            continue;
        }
        load_input(atlas, request, layer.input.value, sources, data, diagnostics);
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
}

/// What a run reads, and in which order its pages can start. Only what the pages asked for draw
/// is read: the coverages of page series (every page is named and numbered, so these always),
/// then the inputs, tables and products of the chosen pages' layers. Pages that draw a workspace
/// product wait for the disclosure gate; the others (`early`) render while it runs.
struct RunPlan {
    PageNeeds needs;
    std::vector<ProductRequest> products;
    std::string workspace;
    std::set<std::string> gated_pages;  ///< names of the pages chosen that draw a product
    std::set<std::string> early_layers; ///< the layers the other pages draw (no product among them)
};

RunPlan plan_run(const AtlasFile& atlas, const Request& request, InputSources& sources, AtlasData& data, Diagnostics& diagnostics)
{
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
            load_input(atlas, request, page.series->coverage.value, sources, data, diagnostics);
        }
    }
    RunPlan run;
    const auto wanted = [&](const std::string& name) { return matches(request.pages, name); };
    run.needs = needs_of_pages(atlas, data, wanted);
    std::tie(run.products, run.workspace) = products_of(atlas, request, run.needs.layers);
    const auto draws_product = [&](const std::string& layer) { return !atlas.layers.at(layer).product.value.empty(); };
    for (const auto& page : layers_of_pages(atlas, data)) {
        if (wanted(page.name) && std::any_of(page.layers.begin(), page.layers.end(), draws_product)) {
            run.gated_pages.insert(page.name);
        }
    }
    for (const auto& layer : needs_of_pages(atlas, data, [&](const std::string& name) { return wanted(name) && !run.gated_pages.count(name); }).layers) {
        if (!draws_product(layer)) {
            run.early_layers.insert(layer);
        }
    }
    return run;
}

/// Where Mapnik's inputs of the pages go (their data files, patterns) when the XML is not kept:
/// in memory (tmpfs) when /dev/shm is there, else `beside_pages`. A page writes tens of small files,
/// and on a disk file system creating them is dear (ext4 searches past the inodes the previous run
/// freed): the 19 demo pages without products took 1.5-1.9 s of system time with their files on
/// ext4, 0.7-0.8 s on tmpfs, for about 5 s of user time.
std::filesystem::path scratch_folder(const std::filesystem::path& beside_pages)
{
    const std::filesystem::path shm = "/dev/shm";
    std::error_code error;
    if (std::filesystem::is_directory(shm, error) && ::access(shm.c_str(), W_OK | X_OK) == 0) {
        return shm / ("migratlas-render-" + std::to_string(::getpid()));
    }
    return beside_pages;
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

/// The disclosure gate beside the pages: the families of products protected together spread over
/// up to --threads threads of their own, outside the pages' arena. Families are protected on their
/// own (the same layers as in one run of the gate), and each takes seconds, so that run in turn on
/// one arena thread they left a core idle once the pages that draw no product were done; now the
/// system shares the cores among the families and the pages.
class GateThreads {
public:
    /// At most `threads` threads (--threads): thread t protects the families t, t + threads, ...
    GateThreads(const RunPlan& plan, bool strict, int threads, bool pattern_cache)
    {
        const auto groups = protected_together(plan.products);
        m_slots.resize(groups.size());
        for (std::size_t g = 0; g < groups.size(); ++g) {
            m_slots[g].diagnostics = Diagnostics(strict);
        }
        const std::size_t count = std::min(groups.size(), static_cast<std::size_t>(std::max(1, threads)));
        try {
            for (std::size_t t = 0; t < count; ++t) {
                m_threads.emplace_back([this, t, count, groups, pattern_cache, workspace = plan.workspace] {
                    for (std::size_t g = t; g < groups.size(); g += count) {
                        Slot& slot = m_slots[g];
                        try {
                            Progress quiet;  // the terminal shows the pages' progress
                            slot.published = read_published_products(workspace, groups[g], pattern_cache, slot.diagnostics, quiet);
                        } catch (...) {
                            slot.failure = std::current_exception();
                        }
                    }
                });
            }
        } catch (...) {
            join();  // a thread that could not start: those started must not outlive the slots
            throw;
        }
    }
    ~GateThreads() { join(); }
    GateThreads(const GateThreads&) = delete;
    GateThreads& operator=(const GateThreads&) = delete;

    /// Every family's layers once all are protected; the first failure (in request order) is
    /// rethrown. Diagnostics are merged in request order too, whichever family finished first.
    std::map<std::string, PublishedInput> wait(Diagnostics& diagnostics)
    {
        join();
        std::map<std::string, PublishedInput> published;
        for (Slot& slot : m_slots) {
            if (slot.failure) {
                std::rethrow_exception(slot.failure);
            }
            diagnostics.merge(slot.diagnostics);
            published.merge(slot.published);
        }
        return published;
    }

private:
    struct Slot {
        std::map<std::string, PublishedInput> published;
        Diagnostics diagnostics;
        std::exception_ptr failure;
    };

    void join()
    {
        for (auto& thread : m_threads) {
            if (thread.joinable()) {
                thread.join();
            }
        }
    }

    std::vector<Slot> m_slots;  // sized before any thread starts: never reallocated under them
    std::vector<std::thread> m_threads;
};

} // namespace

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    const auto started = Clock::now();
    check_request(request);
    const AtlasFile atlas = parse_atlas_file(request.atlas);
    const int dpi = request.dpi.value_or(atlas.dpi.value);
    progress.start("reading the atlas inputs");
    AtlasData data;
    InputSources sources;
    const RunPlan run_plan = plan_run(atlas, request, sources, data, diagnostics);
    const FontFiles fonts = find_fonts(atlas.style.font);
    const TextMetrics metrics(fonts);
    const int threads = request.threads > 0 ? request.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    tbb::task_arena arena(threads);
    const auto face_names = setup_mapnik(fonts, request.plugin_dir);
    std::filesystem::create_directories(request.out);
    const TempFolder temp(request.out / (".render-tmp-" + std::to_string(::getpid())));
    const TempFolder scratch(request.keep_xml ? temp.path() / "xml" : scratch_folder(temp.path() / "xml"));
    const auto& work = scratch.path();
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

    Outcome outcome;
    outcome.threads = threads;
    std::optional<PdfDocument> pdf;
    if (request.pdf) {
        pdf.emplace(temp.path() / "atlas.pdf");
    }
    // Every page chosen, in atlas order; a page's plan is set when it can be drawn.
    std::vector<std::string> names;
    std::vector<const PagePlan*> selected;
    std::vector<PageXml> xml;
    std::vector<char> xml_made, png_drawn;
    std::size_t pdf_pages = 0, done = 0;
    std::mutex progress_mutex;
    const auto make_xml = [&](std::size_t i) {
        if (!xml_made[i]) {
            const auto page_started = Clock::now();
            xml[i] = make_page_xml(*selected[i], context, work / "data");
            outcome.pages[i].seconds = seconds_since(page_started);
            xml_made[i] = 1;
        }
        return i;
    };
    // Cairo pages must be added in order: each page as soon as its XML exists and the pages before
    // it are in (a page that waits for the gate holds back the PDF of those after it, not their PNG).
    const auto add_pdf_page = [&](std::size_t i) {
        if (pdf && i == pdf_pages) {
            const auto pdf_started = Clock::now();
            pdf->add_page(xml[i], page_frames(*selected[i]), work);
            outcome.pdf_seconds += seconds_since(pdf_started);
            ++pdf_pages;
        }
        return i;
    };
    const auto draw_png = [&](std::size_t i) {
        if (png_drawn[i]) {
            return;
        }
        const auto page_started = Clock::now();
        const PagePlan& page_plan = *selected[i];
        if (request.png) {
            render_png(xml[i], page_frames(page_plan), dpi, work, temp.path() / (page_plan.name + ".png"),
                temp.path() / "thumbs" / (page_plan.name + ".png"));
        }
        PageOutcome& page = outcome.pages[i];
        page = {page_plan.name, page_plan.title, page_plan.number, page.seconds + seconds_since(page_started), 0};
        for (const auto& block : page_plan.legend) {
            page.legend_rows += block.rows.size();
        }
        png_drawn[i] = 1;
        const std::lock_guard lock(progress_mutex);
        progress.update(static_cast<double>(++done) / static_cast<double>(selected.size()));
    };
    // One pipeline over pages keeps every core busy to the end: XML and PNG of several pages in
    // parallel while the one PDF takes each page in turn, so no serial PDF pass follows the PNGs.
    const auto render_pages = [&](const std::vector<std::size_t>& pages) {
        std::size_t next = 0;
        tbb::parallel_pipeline(static_cast<std::size_t>(threads) * 2,
            tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                [&](tbb::flow_control& control) {
                    if (next == pages.size()) {
                        control.stop();
                        return std::size_t{0};
                    }
                    return pages[next++];
                }) &
                tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel, make_xml) &
                tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::serial_in_order, add_pdf_page) &
                tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, draw_png));
    };
    PagePlans early, gated;
    Diagnostics early_diagnostics(diagnostics.strict());
    const auto wanted = [&](const std::string& name) { return matches(request.pages, name); };
    Clock::time_point pages_started;
    // The disclosure gate (seconds of CPU for a whole atlas) protects the products while the pages
    // that draw none render.
    GateThreads gate(run_plan, diagnostics.strict(), threads, request.disclosure_cache);
    arena.execute([&] {
        load_inputs(atlas, request, run_plan.needs, sources, data, early_diagnostics);
        prepare_layers(atlas, data, early_diagnostics, run_plan.early_layers);
        early = plan_pages(atlas, data, metrics, early_diagnostics,
            [&](const std::string& name) { return wanted(name) && !run_plan.gated_pages.count(name); });
        for (const auto& name : early.names) {
            if (wanted(name)) {
                names.push_back(name);
            }
        }
        if (names.empty()) {
            std::string listed;
            for (std::size_t i = 0; i < early.names.size() && i < 12; ++i) {
                listed += (i ? ", " : "") + early.names[i];
            }
            throw SettingError("pages", "no page name matches '" + request.pages + "' (pages: " + listed + (early.names.size() > 12 ? ", ..." : "") + ")");
        }
        selected.assign(names.size(), nullptr);
        xml.resize(names.size());
        xml_made.assign(names.size(), 0);
        png_drawn.assign(names.size(), 0);
        outcome.pages.resize(names.size());
        std::vector<std::size_t> ready;
        for (std::size_t i = 0, k = 0; i < names.size(); ++i) {
            if (k < early.pages.size() && early.pages[k].name == names[i]) {
                selected[i] = &early.pages[k++];
                ready.push_back(i);
            }
        }
        outcome.load_seconds = seconds_since(started);
        progress.finish();
        progress.start("rendering " + std::to_string(names.size()) + " pages");
        pages_started = Clock::now();
        render_pages(ready);
    });
    std::map<std::string, PublishedInput> published = gate.wait(diagnostics);
    diagnostics.merge(early_diagnostics);
    if (!run_plan.gated_pages.empty()) {
        add_products(run_plan.products, published, data);
        std::set<std::string> gated_layers;
        for (const auto& layer : run_plan.needs.layers) {
            if (!run_plan.early_layers.count(layer)) {
                gated_layers.insert(layer);
            }
        }
        arena.execute([&] {
            prepare_layers(atlas, data, diagnostics, gated_layers);
            Diagnostics again;  // the pages were named, and repeated names reported, above
            gated = plan_pages(atlas, data, metrics, again, [&](const std::string& name) { return run_plan.gated_pages.count(name) > 0; });
            std::vector<std::size_t> rest;
            for (std::size_t i = 0, k = 0; i < names.size(); ++i) {
                if (k < gated.pages.size() && gated.pages[k].name == names[i]) {
                    selected[i] = &gated.pages[k++];
                }
                if (!png_drawn[i] || (pdf && i >= pdf_pages)) {
                    rest.push_back(i);
                }
            }
            render_pages(rest);
        });
    }
    if (pdf) {
        const auto finish_started = Clock::now();
        pdf->finish();
        outcome.pdf_seconds += seconds_since(finish_started);
    }
    progress.finish();
    outcome.png_seconds = seconds_since(pages_started);
    outcome.pages_in_atlas = early.names.size();

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
