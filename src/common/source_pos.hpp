// Where a value came from in an input file, for compiler-style messages.
// Every parsed row keeps one; messages read "file.csv:417: ...".
#pragma once

#include <cstdint>
#include <string>

namespace migratlas {

struct SourcePos {
    std::string path;
    std::uint64_t line = 0;   ///< 1-based record number (header = 1); 0 = whole file
    unsigned column = 0;      ///< 1-based field index; 0 = whole record

    [[nodiscard]] std::string to_string() const
    {
        std::string text = path;
        if (line > 0) {
            text += ':' + std::to_string(line);
            if (column > 0) {
                text += ':' + std::to_string(column);
            }
        }
        return text;
    }
};

} // namespace migratlas
