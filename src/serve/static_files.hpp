// Files the server may send: the viewer, its libraries and the published tables under /data/.
// A request path maps to a file only inside its root, after percent-decoding, with no "..",
// no hidden names and no symbolic link leading out; directories are never listed.
#pragma once

#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace migratlas::serve {

/// Decodes %XX escapes. nullopt for a malformed escape or a decoded NUL.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

/// Content-Type for a file name by its extension ("application/octet-stream" when unknown).
[[nodiscard]] std::string_view content_type_for(const std::filesystem::path& path);

class StaticRoot {
public:
    /// Throws InputError naming `setting` when `directory` is not a readable directory.
    StaticRoot(const std::filesystem::path& directory, const std::string& setting);

    /// The regular file that `relative` (the URL path after the root's prefix, still
    /// percent-encoded) names inside the root; nullopt when there is none or it is not allowed.
    [[nodiscard]] std::optional<std::filesystem::path> resolve(std::string_view relative) const;
    [[nodiscard]] const std::filesystem::path& directory() const { return m_directory; }

    /// From now on only these paths (relative, '/'-separated) resolve; the others answer nothing.
    void allow_only(std::set<std::string> relative_paths) { m_allowed = std::move(relative_paths); }
    /// The allowed paths, when the root is restricted.
    [[nodiscard]] const std::optional<std::set<std::string>>& allowed() const { return m_allowed; }

private:
    std::filesystem::path m_directory;  // canonical
    std::optional<std::set<std::string>> m_allowed;
};

/// The published tables of `directory` (an export's folder, `setting` names it in errors):
/// datapackage.json and the local files its resources list, nothing else, so that a workspace,
/// a key file or an internal CSV lying in the same folder is never served or copied. Throws
/// InputError when the folder is not readable, its datapackage.json is not a data package, or a resource
/// path is absolute or leaves the folder; SettingError when the folder has no datapackage.json.
[[nodiscard]] StaticRoot published_data_root(const std::filesystem::path& directory, const std::string& setting);

/// A file's bytes with its validator, shared by the responses that send it.
struct StaticFile {
    std::string bytes;
    std::string gzip_bytes;  ///< gzip of bytes for text types worth compressing; empty otherwise
    std::string etag;        ///< of bytes; the gzip form's tag ends in "-gz"
    std::string gzip_etag;
    std::string_view content_type;
};

/// Files read once and kept while their size and modification time stay the same, up to a total
/// size; larger files are read for each request.
class FileCache {
public:
    explicit FileCache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}
    /// The file's current bytes; nullptr when it cannot be read or is larger than `max_file_bytes`.
    [[nodiscard]] std::shared_ptr<const StaticFile> get(const std::filesystem::path& path);

    static constexpr std::uintmax_t max_file_bytes = 512ULL << 20;

private:
    struct Entry {
        std::shared_ptr<const StaticFile> file;
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified;
        std::size_t footprint = 0;
    };
    std::mutex m_mutex;
    std::size_t m_max_bytes;
    std::size_t m_bytes = 0;
    std::unordered_map<std::string, Entry> m_entries;
};

} // namespace migratlas::serve
