#include "records/scratch_directory.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace migratlas::records {

ScratchDirectory::ScratchDirectory(std::filesystem::path parent)
{
    if (parent.empty()) {
        parent = std::filesystem::temp_directory_path();
    }
    std::string pattern = (parent / "migratlas-link-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw Error(parent.string() + ": cannot create a temporary folder: " + std::strerror(errno));
    }
    m_path = pattern;
}

ScratchDirectory::~ScratchDirectory()
{
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

} // namespace migratlas::records
