#include "publish/export_run.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "common/run_log.hpp"
#include "common/sha256.hpp"
#include "geo/source_reader.hpp"
#include "publish/datapackage.hpp"
#include "publish/ogr_writer.hpp"
#include "publish/staging_folder.hpp"
#include "publish/table_text.hpp"

#include <array>
#include <memory>
#include <utility>

namespace migratlas::publish {

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 5> format_names{{
    {Format::csv, "csv"},
    {Format::geojson, "geojson"},
    {Format::gpkg, "gpkg"},
    {Format::sdmx_csv, "sdmx-csv"},
    {Format::pg, "pg"},
}};

bool is_connection_string(const std::string& target)
{
    return target.rfind("PG:", 0) == 0;
}

void check_target(const Request& request)
{
    if (request.target.empty()) {
        throw SettingError("target", "name where to write: a folder, or a PG: connection string for the pg format");
    }
    if (request.format == Format::pg && !is_connection_string(request.target)) {
        throw SettingError("target", "the pg format writes to a PG: connection string (e.g. \"PG:host=localhost "
                                     "dbname=atlas\"), not '" + request.target + "'");
    }
    if (request.format != Format::pg && is_connection_string(request.target)) {
        throw SettingError("target", "a PG: connection string needs the pg format");
    }
}

WrittenResource file_resource(const disclose::PublishedLayer& layer, const std::filesystem::path& folder,
    const std::string& file, const char* format, const char* mediatype)
{
    WrittenResource resource;
    resource.layer = &layer;
    resource.path = file;
    resource.format = format;
    resource.mediatype = mediatype;
    resource.sha256 = file_sha256(folder / file);
    resource.bytes = std::filesystem::file_size(folder / file);
    return resource;
}

void write_descriptor(const std::filesystem::path& folder, const std::vector<WrittenResource>& resources, Format format)
{
    const auto descriptor = datapackage(resources, std::string(to_string(format)), utc_now_iso());
    write_file_atomically(folder / "datapackage.json", descriptor.dump(2) + "\n");
}

std::vector<WrittenResource> write_files(const std::vector<disclose::PublishedLayer>& layers, Format format,
    const StagingFolder& staging, std::vector<SdmxMapping>& mappings, Progress& progress)
{
    const std::filesystem::path& folder = staging.path();
    std::vector<WrittenResource> resources;
    mappings.reserve(layers.size());
    if (format == Format::gpkg) {
        std::vector<const disclose::PublishedLayer*> all;
        for (const auto& layer : layers) {
            all.push_back(&layer);
        }
        const std::string file = staging.target().filename().string() + ".gpkg";
        write_geopackage(folder / file, all, progress);
        for (const auto& layer : layers) {
            WrittenResource resource = file_resource(layer, folder, file, "gpkg", "application/geopackage+sqlite3");
            resource.layer_name = layer.name();
            resources.push_back(std::move(resource));
        }
        return resources;
    }
    for (const auto& layer : layers) {
        switch (format) {
        case Format::csv: {
            const std::string file = layer.name() + ".csv";
            write_file_atomically(folder / file, csv_text(layer));
            resources.push_back(file_resource(layer, folder, file, "csv", "text/csv"));
            break;
        }
        case Format::sdmx_csv: {
            const std::string file = layer.name() + ".csv";
            mappings.push_back(sdmx_mapping(layer));
            write_file_atomically(folder / file, sdmx_csv_text(layer, mappings.back()));
            WrittenResource resource = file_resource(layer, folder, file, "sdmx-csv", "application/vnd.sdmx.data+csv;version=1.0.0");
            resource.sdmx = &mappings.back();
            resources.push_back(std::move(resource));
            break;
        }
        case Format::geojson: {
            const std::string file = layer.name() + ".geojson";
            write_geojson(folder / file, layer);
            resources.push_back(file_resource(layer, folder, file, "geojson", "application/geo+json"));
            break;
        }
        case Format::gpkg:
        case Format::pg: break;
        }
    }
    return resources;
}

} // namespace

Format parse_format(std::string_view text)
{
    for (const auto& [format, name] : format_names) {
        if (name == text) {
            return format;
        }
    }
    throw SettingError("format", "unknown format '" + std::string(text) + "' (known: csv, geojson, gpkg, sdmx-csv, pg)");
}

std::string_view to_string(Format format)
{
    for (const auto& [value, name] : format_names) {
        if (value == format) {
            return name;
        }
    }
    return "csv";
}

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress)
{
    check_target(request);
    Outcome outcome;
    outcome.target_label = request.format == Format::pg ? geo::source_label(request.target) : request.target;
    // Before any work: a folder we may not replace is refused now, not after the protection.
    std::unique_ptr<StagingFolder> staging;
    if (request.format != Format::pg) {
        staging = std::make_unique<StagingFolder>(request.target);
    }
    disclose::Outcome published = disclose::run(request.gate, diagnostics, progress);
    outcome.reports = published.reports;
    for (const auto& layer : published.layers) {
        outcome.rows += layer.table().rows.size();
    }
    if (request.format == Format::pg) {
        std::vector<const disclose::PublishedLayer*> layers;
        std::vector<WrittenResource> resources;
        for (const auto& layer : published.layers) {
            layers.push_back(&layer);
            WrittenResource resource;
            resource.layer = &layer;
            resource.path = layer.name();
            resource.layer_name = layer.name();
            resource.format = "postgresql";
            resource.mediatype = "application/x-postgresql-table";
            resources.push_back(std::move(resource));
        }
        const std::string descriptor = datapackage(resources, "pg", utc_now_iso()).dump(2);
        write_postgis(request.target, outcome.target_label, layers, descriptor, progress);
        return outcome;
    }
    std::vector<SdmxMapping> mappings;
    const std::vector<WrittenResource> resources = write_files(published.layers, request.format, *staging, mappings, progress);
    write_descriptor(staging->path(), resources, request.format);
    for (const WrittenResource& resource : resources) {
        outcome.files.push_back(staging->target() / resource.path);
    }
    outcome.files.push_back(staging->target() / "datapackage.json");
    staging->commit();
    return outcome;
}

} // namespace migratlas::publish
