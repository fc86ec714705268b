#include "serve/static_site.hpp"

#include "serve/router.hpp"
#include "serve/tileset.hpp"
#include "serve/viewer_config.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <set>

namespace migratlas::serve {

namespace {

namespace fs = std::filesystem;

/// A folder beside the target that becomes the target on commit() and is removed otherwise.
class StagingDirectory {
public:
    explicit StagingDirectory(const fs::path& target) : m_target(fs::absolute(target))
    {
        std::random_device random;
        m_path = m_target.parent_path() / fmt::format(".{}.tmp-{:08x}", m_target.filename().string(), random());
        std::error_code error;
        fs::create_directories(m_path, error);
        if (error) {
            throw InputError(fmt::format("{}: cannot create a folder beside it ({})", m_target.string(), error.message()));
        }
    }
    ~StagingDirectory()
    {
        if (!m_committed) {
            std::error_code ignored;
            fs::remove_all(m_path, ignored);
        }
    }
    StagingDirectory(const StagingDirectory&) = delete;
    StagingDirectory& operator=(const StagingDirectory&) = delete;

    [[nodiscard]] const fs::path& path() const { return m_path; }

    void commit()
    {
        std::error_code error;
        fs::path old;
        if (fs::exists(m_target, error)) {
            old = m_path.string() + ".old";
            fs::rename(m_target, old, error);
            if (error) {
                throw InputError(fmt::format("{}: cannot move the previous site aside ({})", m_target.string(), error.message()));
            }
        }
        fs::rename(m_path, m_target, error);
        if (error) {
            if (!old.empty()) {
                std::error_code ignored;
                fs::rename(old, m_target, ignored);
            }
            throw InputError(fmt::format("{}: cannot move the new site into place ({})", m_target.string(), error.message()));
        }
        m_committed = true;
        if (!old.empty()) {
            fs::remove_all(old, error);
        }
    }

private:
    fs::path m_target;
    fs::path m_path;
    bool m_committed = false;
};

void check_target(const fs::path& directory)
{
    std::error_code error;
    if (!fs::exists(directory, error)) {
        return;
    }
    if (!fs::is_directory(directory, error)) {
        throw SettingError("static_dir", "'" + directory.string() + "' exists and is not a folder");
    }
    if (!fs::is_empty(directory, error) && !fs::exists(directory / static_site_marker, error)) {
        throw SettingError("static_dir", "'" + directory.string() +
            "' is not empty and was not written by migratlas serve --static-out: choose a new or empty folder");
    }
}

class SiteWriter {
public:
    SiteWriter(const fs::path& root, StaticSiteOutcome& outcome) : m_root(root), m_outcome(outcome) {}

    void copy(const fs::path& from, const fs::path& relative)
    {
        const auto to = m_root / relative;
        std::error_code error;
        fs::create_directories(to.parent_path(), error);
        fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
        if (error) {
            throw InputError(fmt::format("{}: cannot copy to {} ({})", from.string(), to.string(), error.message()));
        }
        count(to);
    }

    void write(const fs::path& relative, std::string_view text)
    {
        const auto to = m_root / relative;
        std::error_code error;
        fs::create_directories(to.parent_path(), error);
        std::ofstream out(to, std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            throw InputError(fmt::format("{}: cannot write", to.string()));
        }
        count(to);
    }

private:
    void count(const fs::path& file)
    {
        ++m_outcome.files;
        std::error_code ignored;
        m_outcome.bytes += fs::file_size(file, ignored);
    }

    fs::path m_root;
    StaticSiteOutcome& m_outcome;
};

constexpr std::string_view hosting_notes = R"(migratlas viewer: static site
================================

Open index.html through a web server, not from the file system (browsers refuse file:// fetches).
Any static host works if it:
  * answers HTTP Range requests for tiles/*.pmtiles (206 Partial Content): the viewer reads the
    archives with the pmtiles protocol, a few kilobytes at a time;
  * sends .js files as text/javascript (the viewer's scripts are ES modules) and .json as
    application/json;
  * allows cross-origin reads (Access-Control-Allow-Origin, and Range in
    Access-Control-Allow-Headers) if the tiles are on another host than index.html.

Contents: index.html and viewer/ (the viewer), lib/ (the libraries it loads), config.json
(layers, classes, colours; docs/serving.md of migratlas), tiles/ (PMTiles), data/ (the published
tables and their datapackage.json).

Libraries in lib/, as installed from npm: MapLibre GL JS (BSD-3-Clause, lib/maplibre-gl.LICENSE.txt),
pmtiles (BSD-3-Clause, Copyright Protomaps LLC), d3 (ISC, lib/d3.LICENSE.txt), Observable Plot
(ISC, lib/plot.LICENSE.txt).
)";

} // namespace

StaticSiteOutcome write_static_site(const Request& request, const fs::path& directory, Diagnostics& diagnostics,
    Progress& progress)
{
    if (directory.empty()) {
        throw SettingError("static_dir", "a folder is needed");
    }
    if (request.tilesets.empty()) {
        throw SettingError("tilesets", "at least one PMTiles archive is needed");
    }
    check_target(directory);
    progress.start("writing the static viewer site");
    // Open every archive as the server would: the same checks, names and TileJSON.
    TileCache cache(0);
    std::vector<std::unique_ptr<Tileset>> tilesets;
    std::set<std::string> names;
    for (const auto& source : request.tilesets) {
        const std::string name = source.name.empty() ? default_tileset_name(source.path) : source.name;
        if (!is_valid_tileset_name(name) || !names.insert(name).second) {
            throw SettingError("tilesets", fmt::format("'{}' cannot name a tileset (invalid, reserved or repeated; give NAME=FILE)", name));
        }
        auto tileset = std::make_unique<Tileset>(name, static_cast<std::uint32_t>(tilesets.size()),
            open_tile_source(source.path), cache, TileResponseSettings{});
        if (tileset->info().container != "pmtiles") {
            throw SettingError("tilesets", fmt::format("{} is {}: a static host serves tiles only from PMTiles "
                "(write them with migratlas tiles --out NAME.pmtiles)", source.path.string(), tileset->info().container));
        }
        tilesets.push_back(std::move(tileset));
    }
    const auto viewer_dir = request.viewer_dir.empty() ? built_in_viewer_dir() : request.viewer_dir;
    std::error_code error;
    if (!fs::is_regular_file(viewer_dir / "index.html", error)) {
        throw SettingError("viewer_dir", "'" + viewer_dir.string() + "' has no index.html");
    }
    const auto library_dir = request.library_dir.empty() ? built_in_library_dir() : request.library_dir;
    std::vector<std::string> missing;
    const auto libraries = find_libraries(library_dir, missing);
    if (!missing.empty()) {
        throw SettingError("library_dir", fmt::format("'{}' lacks {} of the viewer's library files (e.g. {}): run tools/setup.sh",
            library_dir.string(), missing.size(), missing.front()));
    }

    StagingDirectory staging(directory);
    StaticSiteOutcome outcome;
    outcome.directory = directory;
    SiteWriter site(staging.path(), outcome);
    site.copy(viewer_dir / "index.html", "index.html");
    for (const auto& entry : fs::directory_iterator(viewer_dir)) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && name != "index.html" && !name.starts_with('.')) {
            site.copy(entry.path(), fs::path("viewer") / name);
        }
    }
    for (const auto& [name, path] : libraries) {
        site.copy(path, fs::path("lib") / name);
    }
    progress.update(0.2);
    std::map<std::string, nlohmann::json> sources;
    std::vector<const Tileset*> served;
    for (std::size_t i = 0; i < tilesets.size(); ++i) {
        const auto relative = fs::path("tiles") / (tilesets[i]->name() + ".pmtiles");
        site.copy(tilesets[i]->info().path, relative);
        sources.emplace(tilesets[i]->name(), nlohmann::json{{"pmtiles", relative.generic_string()}});
        served.push_back(tilesets[i].get());
        progress.update(0.2 + 0.6 * static_cast<double>(i + 1) / static_cast<double>(tilesets.size()));
    }
    std::string data_url;
    if (!request.data_dir.empty()) {
        const StaticRoot data = published_data_root(request.data_dir, "data_dir");
        for (const std::string& relative : *data.allowed()) {
            const auto file = data.resolve(relative);
            if (!file) {
                throw InputError(fmt::format("{}: the data package lists '{}', which is not a readable file inside it",
                    request.data_dir.string(), relative));
            }
            site.copy(*file, fs::path("data") / relative);
        }
        data_url = "data/datapackage.json";
    }
    auto config = viewer_config_for(request, served, diagnostics);
    // Tilesets named in the config keep their own source; the site's archives replace the server's.
    if (config.contains("tilesets") && config["tilesets"].is_object()) {
        for (const auto& [name, source] : sources) {
            config["tilesets"].erase(name);
        }
    }
    config.erase("data");
    attach_sources(config, sources, data_url,
        request.viewer_config.empty() ? std::string("the generated viewer config") : request.viewer_config.string());
    site.write("config.json", config.dump(2) + "\n");
    site.write("README.txt", hosting_notes);
    site.write(static_site_marker, "written by migratlas serve --static-out\n");
    staging.commit();
    progress.finish();
    return outcome;
}

} // namespace migratlas::serve
