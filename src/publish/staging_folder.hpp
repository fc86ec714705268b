// An export folder built beside its target and swapped in on commit(), so that a failed export
// leaves the previous one (or nothing) in place. Used by every file format of the export stage.
#pragma once

#include <filesystem>

namespace migratlas::publish {

class StagingFolder {
public:
    /// Refuses (InputError) a target that exists and is not a folder written by an export (one
    /// holding a datapackage.json) or empty: an export never deletes anything else.
    explicit StagingFolder(std::filesystem::path target);
    ~StagingFolder();
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;

    /// Where to write the files now.
    [[nodiscard]] const std::filesystem::path& path() const { return m_staging; }
    [[nodiscard]] const std::filesystem::path& target() const { return m_target; }
    /// Replaces the target with the staged folder.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_staging;
    bool m_committed = false;
};

} // namespace migratlas::publish
