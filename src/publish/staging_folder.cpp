#include "publish/staging_folder.hpp"

#include "common/error.hpp"

#include <unistd.h>

#include <system_error>

namespace migratlas::publish {

namespace {

std::filesystem::path beside(const std::filesystem::path& target, const char* what)
{
    std::filesystem::path path = target;
    path += std::string(".") + what + "-" + std::to_string(::getpid());
    return path;
}

} // namespace

StagingFolder::StagingFolder(std::filesystem::path target) : m_target(std::move(target))
{
    while (m_target.has_filename() == false && m_target.has_parent_path() && m_target != m_target.root_path()) {
        m_target = m_target.parent_path();  // "out/" names the folder "out"
    }
    std::error_code ec;
    if (std::filesystem::exists(m_target, ec)) {
        const bool folder = std::filesystem::is_directory(m_target, ec);
        const bool ours = folder && std::filesystem::exists(m_target / "datapackage.json", ec);
        const bool empty = folder && std::filesystem::is_empty(m_target, ec);
        if (!ours && !empty) {
            throw InputError(m_target.string() + ": exists and is not an export folder (no datapackage.json); "
                                                 "choose a new or empty folder");
        }
    }
    if (m_target.has_parent_path() && !std::filesystem::exists(m_target.parent_path(), ec)) {
        throw InputError(m_target.string() + ": its parent folder does not exist");
    }
    m_staging = beside(m_target, "partial");
    std::filesystem::remove_all(m_staging, ec);
    if (!std::filesystem::create_directory(m_staging, ec)) {
        throw InputError(m_staging.string() + ": cannot create the export folder: " + ec.message());
    }
}

StagingFolder::~StagingFolder()
{
    if (!m_committed) {
        std::error_code ec;
        std::filesystem::remove_all(m_staging, ec);
    }
}

void StagingFolder::commit()
{
    std::error_code ec;
    const std::filesystem::path previous = beside(m_target, "previous");
    const bool replace = std::filesystem::exists(m_target, ec);
    if (replace) {
        std::filesystem::remove_all(previous, ec);
        std::filesystem::rename(m_target, previous, ec);
        if (ec) {
            throw Error(m_target.string() + ": cannot move the previous export aside: " + ec.message());
        }
    }
    std::filesystem::rename(m_staging, m_target, ec);
    if (ec) {
        if (replace) {
            std::error_code restore;
            std::filesystem::rename(previous, m_target, restore);
        }
        throw Error(m_target.string() + ": cannot put the export in place: " + ec.message());
    }
    m_committed = true;
    if (replace) {
        std::filesystem::remove_all(previous, ec);
    }
}

} // namespace migratlas::publish
