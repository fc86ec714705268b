#include "tiles/tile_store.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>

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

void TileStore::add(int zoom, std::uint32_t x, std::uint32_t y, const std::string& data)
{
    const std::uint64_t hash = std::hash<std::string_view>()(data);
    auto& candidates = m_by_hash[hash];
    for (const std::uint32_t blob : candidates) {
        if (m_blob_length[blob] == data.size() && read_blob(blob) == data) {
            m_entries.push_back(Entry{static_cast<std::uint8_t>(zoom), x, y, blob});
            return;
        }
    }
    const auto blob = static_cast<std::uint32_t>(m_blob_length.size());
    if (std::fseek(m_file.get(), static_cast<long>(m_end), SEEK_SET) != 0 ||
        std::fwrite(data.data(), 1, data.size(), m_file.get()) != data.size()) {
        throw Error(m_path.string() + ": write failed (disk full?): " + std::strerror(errno));
    }
    m_blob_offset.push_back(m_end);
    m_blob_length.push_back(static_cast<std::uint32_t>(data.size()));
    m_end += data.size();
    candidates.push_back(blob);
    m_entries.push_back(Entry{static_cast<std::uint8_t>(zoom), x, y, blob});
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
