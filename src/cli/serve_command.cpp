// `migratlas serve`: serves tile archives, TileJSON, the published tables and the viewer over
// HTTP, or writes them as a static site (--static-out). Maps flags to a serve::Request, runs it,
// prints where it listens; cli::report prints what it served when it stops.
#include "cli/cli_context.hpp"
#include "common/error.hpp"
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
    std::string classes_file;
    std::string viewer_dir;
    std::string library_dir;
    std::string static_dir;
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

/// Where it listens, at once (the server then runs until stopped). On stdout, one URL a line, so
/// that scripts can read them; on stderr with --json, whose stdout holds only the final document.
void print_listening(const serve::Server& server, const CliContext& context)
{
    std::FILE* out = context.json ? stderr : stdout;
    if (!context.quiet && !context.json) {
        for (const auto& entry : context.diagnostics.entries()) {
            std::fprintf(stderr, "%s\n", entry.to_string().c_str());
        }
        for (const auto& tileset : server.tilesets()) {
            std::fprintf(stderr, "serve: %-16s %s z%d-%d, %zu layer(s), from %s\n", tileset.name.c_str(),
                tileset.container.c_str(), tileset.minzoom, tileset.maxzoom, tileset.layers.size(),
                tileset.path.string().c_str());
        }
    }
    const std::string url = server.url();
    if (server.has_viewer()) {
        std::fprintf(out, "Viewer:   %s\n", url.c_str());
    }
    for (const auto& tileset : server.tilesets()) {
        std::fprintf(out, "TileJSON: %s%s.json\n", url.c_str(), tileset.name.c_str());
    }
    std::fprintf(out, "Catalog:  %scatalog\n", url.c_str());
    std::fprintf(out, "Serving on %s with %u thread(s); press Ctrl+C (or send SIGTERM) to stop.\n", url.c_str(),
        server.threads());
    std::fflush(out);
}

void report_served(const serve::Outcome& outcome, CliContext& context)
{
    const auto& s = outcome.server;
    const auto& c = outcome.cache;
    const double lookups = static_cast<double>(c.hits + c.misses);
    const double hit_pct = lookups > 0 ? 100.0 * static_cast<double>(c.hits) / lookups : 0.0;
    context.summary = fmt::format("serve: stopped after {} requests on {} connections (2xx {}, 3xx {}, 4xx {}, "
        "5xx {}; {} timed out, {} refused); tile cache {:.1f}% hits, {} tiles in {:.1f} MB\n", s.requests,
        s.connections, s.responses_2xx, s.responses_3xx, s.responses_4xx, s.responses_5xx, s.timeouts, s.refused,
        hit_pct, c.entries, static_cast<double>(c.bytes) / 1e6);
    context.outcome = {{"requests", s.requests}, {"connections", s.connections}, {"responses_2xx", s.responses_2xx},
        {"responses_3xx", s.responses_3xx}, {"responses_4xx", s.responses_4xx}, {"responses_5xx", s.responses_5xx},
        {"timeouts", s.timeouts}, {"refused", s.refused}, {"cache_hits", c.hits}, {"cache_misses", c.misses},
        {"cached_tiles", c.entries}, {"cached_bytes", c.bytes}};
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
    command->add_option("--classes", flags->classes_file,
        "The atlas's classes.json (written by migratlas render): the generated viewer takes its classes and colours");
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
    command->callback([command, flags, &context]() {
        context.command = flags->static_dir.empty() ? "serve" : "serve --static-out";
        for (const auto& [flag, setting] : {std::pair{"--tiles", "tilesets"}, {"--data", "data_dir"}, {"--bind", "bind"},
                 {"--port", "port"}, {"--threads", "threads"}, {"--viewer-config", "viewer_config"}, {"--classes", "classes_file"},
                 {"--public-url", "public_url"}, {"--cache-mb", "cache_mb"},
                 {"--missing-tile-status", "missing_tile_status"}, {"--max-age", "tile_max_age_s"},
                 {"--timeout", "read_timeout_s"}, {"--max-connections", "max_connections"},
                 {"--viewer-dir", "viewer_dir"}, {"--library-dir", "library_dir"}, {"--static-out", "static_dir"}}) {
            context.set_by(*command, flag, setting);
        }
        auto& request = flags->request;
        for (const auto& text : flags->tiles) {
            request.tilesets.push_back(parse_tiles_flag(text));
        }
        request.data_dir = flags->data_dir;
        request.viewer_config = flags->viewer_config;
        request.classes_file = flags->classes_file;
        request.viewer_dir = flags->viewer_dir;
        request.library_dir = flags->library_dir;
        Progress progress = context.progress();
        if (!flags->static_dir.empty()) {
            const auto site = serve::write_static_site(request, flags->static_dir, context.diagnostics, progress);
            context.summary = fmt::format("Static viewer site: {} ({} files, {:.1f} MB). Put it on any web server that "
                "answers range requests and open index.html there (README.txt in it says what a host needs).\n",
                site.directory.string(), site.files, static_cast<double>(site.bytes) / 1e6);
            context.outcome = {{"static_dir", site.directory.string()}, {"files", site.files}, {"bytes", site.bytes}};
            return;
        }
        const auto outcome = serve::run(request, context.diagnostics, progress,
            [&context](const serve::Server& server) { print_listening(server, context); });
        report_served(outcome, context);
    });
}

} // namespace migratlas::cli
