// `migratlas serve`: serves tile archives, TileJSON, the published tables and the viewer over
// HTTP. Maps flags to a serve::Request, runs it, prints where it listens and what it served.
#include "cli/cli_context.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "common/setting_origins.hpp"
#include "serve/serve_run.hpp"
#include "serve/static_site.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace migratlas::cli {

namespace {

struct ServeFlags {
    serve::Request request;
    std::vector<std::string> tiles;
    std::string data_dir;
    std::string viewer_config;
    std::string viewer_dir;
    std::string library_dir;
    std::string static_dir;
    SettingOrigins origins;
};

serve::TilesetSource parse_tiles_flag(const std::string& text)
{
    // NAME=FILE, or FILE alone (a path may itself hold '=' only after a '/').
    const auto equals = text.find('=');
    const auto slash = text.find('/');
    if (equals != std::string::npos && (slash == std::string::npos || equals < slash)) {
        return {text.substr(0, equals), text.substr(equals + 1)};
    }
    return {"", text};
}

void print_listening(const serve::Server& server, bool quiet)
{
    const std::string url = server.url();
    if (!quiet) {
        for (const auto& tileset : server.tilesets()) {
            std::fprintf(stderr, "serve: %-16s %s z%d-%d, %zu layer(s), from %s\n", tileset.name.c_str(),
                tileset.container.c_str(), tileset.minzoom, tileset.maxzoom, tileset.layers.size(),
                tileset.path.string().c_str());
        }
    }
    if (server.has_viewer()) {
        std::printf("Viewer:   %s\n", url.c_str());
    }
    for (const auto& tileset : server.tilesets()) {
        std::printf("TileJSON: %s%s.json\n", url.c_str(), tileset.name.c_str());
    }
    std::printf("Catalog:  %scatalog\n", url.c_str());
    std::printf("Serving on %s with %u thread(s); press Ctrl+C (or send SIGTERM) to stop.\n", url.c_str(), server.threads());
    std::fflush(stdout);
}

void print_outcome(const serve::Outcome& outcome)
{
    const auto& s = outcome.server;
    const auto& c = outcome.cache;
    const double lookups = static_cast<double>(c.hits + c.misses);
    std::fprintf(stderr,
        "serve: stopped after %llu requests on %llu connections (2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu; "
        "%llu timed out, %llu refused); tile cache %.1f%% hits, %llu tiles in %.1f MB\n",
        static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.connections),
        static_cast<unsigned long long>(s.responses_2xx), static_cast<unsigned long long>(s.responses_3xx),
        static_cast<unsigned long long>(s.responses_4xx), static_cast<unsigned long long>(s.responses_5xx),
        static_cast<unsigned long long>(s.timeouts), static_cast<unsigned long long>(s.refused),
        lookups > 0 ? 100.0 * static_cast<double>(c.hits) / lookups : 0.0, static_cast<unsigned long long>(c.entries),
        static_cast<double>(c.bytes) / 1e6);
}

} // namespace

void add_serve_command(CLI::App& app, CliContext& context)
{
    auto flags = std::make_shared<ServeFlags>();
    auto& r = flags->request;
    CLI::App* command = app.add_subcommand("serve",
        "Serve vector tiles (MBTiles, PMTiles), TileJSON, published tables and the web viewer over HTTP");
    command->add_option("--tiles", flags->tiles, "[NAME=]FILE.mbtiles|FILE.pmtiles; repeat for several tilesets "
        "(NAME defaults to the file name without extension)")->required();
    command->add_option("--data", flags->data_dir, "Folder of published tables (CSV + datapackage.json), served under /data/");
    command->add_option("--bind", r.bind, "Address to listen on (0.0.0.0 for every interface)")->capture_default_str();
    command->add_option("--port", r.port, "TCP port (0: any free port)")->capture_default_str();
    command->add_option("--threads", r.threads, "Worker threads (0: one per core)")->capture_default_str();
    command->add_option("--viewer-config", flags->viewer_config,
        "Viewer config JSON (layers, classes, colours, popups, series; see docs/serving.md); default: generated");
    command->add_option("--public-url", r.public_url,
        "Base URL of the server as clients reach it (behind a proxy), used in TileJSON");
    command->add_option("--cache-mb", r.cache_mb, "Memory for hot tiles, MB")->capture_default_str();
    command->add_option("--missing-tile-status", r.missing_tile_status,
        "HTTP status for a tile absent inside the zoom range: 204 or 404")->capture_default_str();
    command->add_option("--max-age", r.tile_max_age_s, "Cache-Control max-age of tiles, seconds")->capture_default_str();
    command->add_option("--timeout", r.read_timeout_s,
        "Seconds a client may take to send a request (idle keep-alive included) before it is closed")->capture_default_str();
    command->add_option("--max-connections", r.max_connections, "Open connections beyond which clients get 503")
        ->capture_default_str();
    command->add_option("--viewer-dir", flags->viewer_dir, "Viewer files to serve instead of the built-in ones");
    command->add_option("--library-dir", flags->library_dir, "node_modules holding the viewer's libraries");
    command->add_option("--static-out", flags->static_dir, "Instead of serving, write the viewer with its libraries, "
        "config, PMTiles and tables to this folder, for any static web host (see docs/serving.md)");
    for (const auto& [setting, flag] : {std::pair{"tilesets", "--tiles"}, {"data_dir", "--data"}, {"bind", "--bind"},
             {"port", "--port"}, {"threads", "--threads"}, {"viewer_config", "--viewer-config"},
             {"public_url", "--public-url"}, {"cache_mb", "--cache-mb"}, {"missing_tile_status", "--missing-tile-status"},
             {"tile_max_age_s", "--max-age"}, {"read_timeout_s", "--timeout"}, {"max_connections", "--max-connections"},
             {"viewer_dir", "--viewer-dir"}, {"library_dir", "--library-dir"}, {"static_dir", "--static-out"}}) {
        flags->origins.set(setting, flag);
    }
    command->callback([flags, &context]() {
        auto& request = flags->request;
        for (const auto& text : flags->tiles) {
            request.tilesets.push_back(parse_tiles_flag(text));
        }
        request.data_dir = flags->data_dir;
        request.viewer_config = flags->viewer_config;
        request.viewer_dir = flags->viewer_dir;
        request.library_dir = flags->library_dir;
        Diagnostics diagnostics;
        Progress progress = Progress::for_terminal(context.quiet);
        const auto print_diagnostics = [&diagnostics] {
            for (const auto& entry : diagnostics.entries()) {
                std::fprintf(stderr, "%s\n", entry.to_string().c_str());
            }
        };
        serve::Outcome outcome;
        try {
            if (!flags->static_dir.empty()) {
                const auto site = serve::write_static_site(request, flags->static_dir, diagnostics, progress);
                print_diagnostics();
                std::printf("Static viewer site: %s (%llu files, %.1f MB); serve it with any web server that "
                            "answers range requests, e.g. open http://HOST/PATH/index.html\n",
                    site.directory.string().c_str(), static_cast<unsigned long long>(site.files),
                    static_cast<double>(site.bytes) / 1e6);
                return;
            }
            outcome = serve::run(request, diagnostics, progress, [&](const serve::Server& server) {
                print_diagnostics();
                print_listening(server, context.quiet);
            });
        } catch (const SettingError& error) {
            // Say which flag set the setting; cli/main prints and maps it to exit code 2.
            print_diagnostics();
            throw UsageError(fmt::format("{} (set by {})", error.what(), flags->origins.origin(error.setting())));
        }
        if (!context.quiet) {
            print_outcome(outcome);
        }
    });
}

} // namespace migratlas::cli
