// Reads an atlas file (YAML, docs/atlas-file.md) into render::AtlasFile. Every error names the file,
// line and column of the offending value, like a compiler: "atlas/demo.yaml:41:14: unknown layer 'popu'".
#pragma once

#include "common/error.hpp"
#include "common/source_pos.hpp"
#include "render/atlas.hpp"

#include <filesystem>
#include <string>

namespace migratlas::render {

/// A bad atlas file: a usage error (exit 2) that starts with the YAML position.
class AtlasError : public UsageError {
public:
    AtlasError(const SourcePos& pos, const std::string& message) : UsageError(pos.to_string() + ": " + message) {}
};

/// Parses and checks the structure and cross-references (layers named by pages, inputs named by
/// layers, colours, classification, templates). Checks that need data (fields, levels) come later,
/// in the page builder, with the same positions.
[[nodiscard]] AtlasFile parse_atlas_file(const std::filesystem::path& path);
/// The same from text; `display_path` is the name used in messages and base for relative paths.
[[nodiscard]] AtlasFile parse_atlas_text(const std::string& text, const std::filesystem::path& display_path);

} // namespace migratlas::render
