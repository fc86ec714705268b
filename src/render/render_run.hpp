// The render stage: an atlas file (and, later, a workspace's published layers) to atlas pages:
// one PNG per page, one multi-page PDF, index.html with thumbnails and classes.json. Files appear
// in the output folder only when every page rendered.
#pragma once

#include "common/diagnostics.hpp"
#include "common/progress.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migratlas::render {

struct Request {
    std::filesystem::path atlas;                  ///< the atlas file (YAML)
    std::filesystem::path workspace;              ///< published workspace products (empty = none)
    std::filesystem::path out;                    ///< output folder
    bool png = true;
    bool pdf = true;
    std::string pages;                            ///< page-name patterns, comma-separated, * and ? wildcards; empty = all
    std::map<std::string, std::string> variables; ///< {name} in atlas paths, e.g. demo -> the demo region's folder
    std::optional<int> dpi;                       ///< overrides the atlas file's dpi
    int threads = 0;                              ///< 0 = every core
    bool keep_xml = false;                        ///< keep the Mapnik XML and data of every page in out/xml/
    bool disclosure_cache = true;                 ///< the gate's pattern cache between processes (--no-disclosure-cache)
    std::string plugin_dir;                       ///< Mapnik input plugins (empty = the build's)
};

struct PageOutcome {
    std::string name;
    std::string title;
    int number = 0;
    double seconds = 0;        ///< data files, XML and PNG of this page
    std::size_t legend_rows = 0;
};

struct Outcome {
    std::vector<PageOutcome> pages;
    std::size_t pages_in_atlas = 0;
    std::filesystem::path pdf;              ///< empty when not written
    double load_seconds = 0;                ///< reading inputs and classifying
    double png_seconds = 0;                 ///< wall time of the pages: XML, PNG and, overlapped, the PDF
    double pdf_seconds = 0;                 ///< time spent drawing the PDF pages (part of png_seconds)
    double total_seconds = 0;
    int threads = 1;
};

Outcome run(const Request& request, Diagnostics& diagnostics, Progress& progress);

} // namespace migratlas::render
