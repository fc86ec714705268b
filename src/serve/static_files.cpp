#include "serve/static_files.hpp"

#include "serve/gzip.hpp"

#include "common/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace migratlas::serve {

namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// True when `path` is `root` or lies below it (component-wise, not as a string prefix).
bool is_inside(const std::filesystem::path& path, const std::filesystem::path& root)
{
    auto p = path.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++p) {
        if (p == path.end() || *p != *r) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> read_whole(const std::filesystem::path& path, std::uintmax_t size)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) {
        return std::nullopt;
    }
    return bytes;
}

bool is_compressible(std::string_view content_type)
{
    return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
        content_type.starts_with("application/geo+json") || content_type.starts_with("image/svg") ||
        content_type.starts_with("application/xml");
}

} // namespace

std::optional<std::string> percent_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        const char c = static_cast<char>(high * 16 + low);
        if (c == '\0') {
            return std::nullopt;
        }
        out.push_back(c);
        i += 2;
    }
    return out;
}

std::string_view content_type_for(const std::filesystem::path& path)
{
    const std::string extension = path.extension().string();
    static const std::pair<std::string_view, std::string_view> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".csv", "text/csv; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".geojson", "application/geo+json"},
        {".gpkg", "application/geopackage+sqlite3"},
        {".pmtiles", "application/vnd.pmtiles"},
        {".pbf", "application/vnd.mapbox-vector-tile"},
        {".xml", "application/xml"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".pdf", "application/pdf"},
        {".ico", "image/x-icon"},
    };
    for (const auto& [suffix, type] : types) {
        if (extension == suffix) {
            return type;
        }
    }
    return "application/octet-stream";
}

StaticRoot::StaticRoot(const std::filesystem::path& directory, const std::string& setting)
{
    std::error_code error;
    m_directory = std::filesystem::canonical(directory, error);
    if (error || !std::filesystem::is_directory(m_directory, error)) {
        throw InputError(setting + ": '" + directory.string() + "' is not a directory");
    }
}

std::optional<std::filesystem::path> StaticRoot::resolve(std::string_view relative) const
{
    const auto decoded = percent_decode(relative);
    if (!decoded || decoded->empty() || decoded->find('\\') != std::string::npos ||
        (m_allowed && !m_allowed->contains(*decoded))) {
        return std::nullopt;
    }
    std::filesystem::path path = m_directory;
    std::string_view rest = *decoded;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        // Empty segments ("a//b") and hidden names (".", "..", ".git") are refused outright.
        if (segment.empty() || segment.front() == '.') {
            return std::nullopt;
        }
        path /= std::string(segment);
        if (slash == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(slash + 1);
        if (rest.empty()) {
            return std::nullopt;  // a trailing slash asks for a directory: no listings
        }
    }
    std::error_code error;
    const auto real = std::filesystem::canonical(path, error);
    if (error || !is_inside(real, m_directory) || !std::filesystem::is_regular_file(real, error)) {
        return std::nullopt;
    }
    return real;
}

namespace {

/// The local file paths of a resource ("path": a string or an array of strings; URLs are not files).
std::vector<std::string> resource_paths(const nlohmann::json& resource)
{
    std::vector<std::string> paths;
    const auto add = [&](const nlohmann::json& value) {
        if (value.is_string() && value.get<std::string>().find("://") == std::string::npos) {
            paths.push_back(value.get<std::string>());
        }
    };
    if (const auto path = resource.find("path"); path != resource.end()) {
        if (path->is_array()) {
            for (const auto& each : *path) {
                add(each);
            }
        } else {
            add(*path);
        }
    }
    return paths;
}

} // namespace

StaticRoot published_data_root(const std::filesystem::path& directory, const std::string& setting)
{
    StaticRoot root(directory, setting);
    const auto package_path = root.directory() / "datapackage.json";
    std::ifstream in(package_path, std::ios::binary);
    if (!in) {
        throw SettingError(setting, fmt::format("'{}' has no datapackage.json: give the folder an export wrote (only "
            "the files its data package lists are published)", directory.string()));
    }
    const auto package = nlohmann::json::parse(in, nullptr, false);
    if (package.is_discarded() || !package.is_object() || !package.contains("resources") || !package["resources"].is_array()) {
        throw InputError(package_path.string() + ": not a data package (a JSON object with a resources array)");
    }
    std::set<std::string> allowed = {"datapackage.json"};
    for (const auto& resource : package["resources"]) {
        for (const std::string& path : resource_paths(resource)) {
            const std::filesystem::path relative(path);
            bool leaves = relative.is_absolute() || path.empty();
            for (const auto& part : relative) {
                leaves = leaves || part == "..";
            }
            if (leaves) {
                throw InputError(fmt::format("{}: resource path '{}' is not inside the folder", package_path.string(), path));
            }
            allowed.insert(relative.lexically_normal().generic_string());
        }
    }
    root.allow_only(std::move(allowed));
    return root;
}

std::shared_ptr<const StaticFile> FileCache::get(const std::filesystem::path& path)
{
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error || size > max_file_bytes) {
        return nullptr;
    }
    const auto modified = std::filesystem::last_write_time(path, error);
    if (error) {
        return nullptr;
    }
    const std::string key = path.string();
    {
        const std::lock_guard lock(m_mutex);
        if (const auto it = m_entries.find(key); it != m_entries.end()) {
            if (it->second.size == size && it->second.modified == modified) {
                return it->second.file;
            }
            m_bytes -= it->second.footprint;
            m_entries.erase(it);
        }
    }
    auto bytes = read_whole(path, size);
    if (!bytes) {
        return nullptr;
    }
    auto file = std::make_shared<StaticFile>();
    file->bytes = std::move(*bytes);
    file->content_type = content_type_for(path);
    const std::string tag = fmt::format("{:x}-{:x}", size, static_cast<std::uint64_t>(modified.time_since_epoch().count()));
    file->etag = "\"" + tag + "\"";
    if (is_compressible(file->content_type) && file->bytes.size() >= 1024) {
        file->gzip_bytes = gzip_compress(file->bytes);
        file->gzip_etag = "\"" + tag + "-gz\"";
    }
    const std::lock_guard lock(m_mutex);
    const std::size_t footprint = file->bytes.size() + file->gzip_bytes.size();
    if (m_bytes + footprint <= m_max_bytes && !m_entries.contains(key)) {
        m_entries.emplace(key, Entry{file, size, modified, footprint});
        m_bytes += footprint;
    }
    return file;
}

} // namespace migratlas::serve
