// A private temporary folder for the records stage's spill and run files, removed with its content
// when the run ends (also after an error), so no intermediate data outlives the command.
#pragma once

#include <filesystem>

namespace migratlas::records {

class ScratchDirectory {
public:
    /// Creates `parent/migratlas-link-XXXXXX` (mode 0700); `parent` empty = the system temp folder.
    explicit ScratchDirectory(std::filesystem::path parent);
    ~ScratchDirectory();
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace migratlas::records
