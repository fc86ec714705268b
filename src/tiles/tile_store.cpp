#include "tiles/tile_store.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>
#include <algorithm>

namespace migratlas::tiles {

TileStore::TileStore(std::filesystem::path scratch)
    : m_path(std::move(scratch)), m_file(std::fopen(m_path.c_str(), "w+b"), &std::fclose)
{
    if (!m_file) {
        throw InputError(m_path.string() + ": cannot create a scratch file for tiles: " + std::strerror(errno));
    }
}

TileStore::~TileStore()
{
    m_file.reset();
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
}

namespace {

/// FNV-1a over 64-bit words: independent of std::hash, for the second half of the content key.
std::uint64_t fnv1a(std::string_view data)
{
    std::uint64_t h = 14695981039346656037ULL;
    for (const char c : data) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return h ^ data.size();
}

} // namespace

std::uint32_t TileStore::intern(const std::string& data)
{
    const Key key{std::hash<std::string_view>()(data), fnv1a(data)};
    const std::lock_guard<std::mutex> lock(m_mutex);
    const auto found = m_by_content.find(key);
    if (found != m_by_content.end()) {
        return found->second;
    }
    const auto blob = static_cast<std::uint32_t>(m_blob_length.size());
    if (std::fseek(m_file.get(), static_cast<long>(m_end), SEEK_SET) != 0 ||
        std::fwrite(data.data(), 1, data.size(), m_file.get()) != data.size()) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
    m_blob_offset.push_back(m_end);
    m_blob_length.push_back(static_cast<std::uint32_t>(data.size()));
    m_end += data.size();
    m_by_content.emplace(key, blob);
    return blob;
}

void TileStore::add(int zoom, std::uint32_t x, std::uint32_t y, std::uint32_t blob)
{
    m_entries.push_back(Entry{static_cast<std::uint8_t>(zoom), x, y, blob});
}

void TileStore::canonical_blobs(std::vector<Entry>& entries, std::vector<std::uint32_t>& blob_of_number) const
{
    entries = m_entries;
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.zoom < b.zoom || (a.zoom == b.zoom && (a.x < b.x || (a.x == b.x && a.y < b.y)));
    });
    constexpr std::uint32_t unnumbered = ~std::uint32_t{0};
    std::vector<std::uint32_t> number(m_blob_length.size(), unnumbered);
    blob_of_number.clear();
    for (Entry& entry : entries) {
        if (number[entry.blob] == unnumbered) {
            number[entry.blob] = static_cast<std::uint32_t>(blob_of_number.size());
            blob_of_number.push_back(entry.blob);
        }
        entry.blob = number[entry.blob];
    }
}

std::string TileStore::read_blob(std::uint32_t blob) const
{
    std::string data(m_blob_length[blob], '\0');
    std::fflush(m_file.get());
    if (std::fseek(m_file.get(), static_cast<long>(m_blob_offset[blob]), SEEK_SET) != 0 ||
        std::fread(data.data(), 1, data.size(), m_file.get()) != data.size()) {
        throw Error(m_path.string() + ": cannot read back a tile: " + std::strerror(errno));
    }
    return data;
}

void TileStore::finish_writing()
{
    if (std::fflush(m_file.get()) != 0) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
}

} // namespace migratlas::tiles
