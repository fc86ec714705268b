// Shared by the render tests: run the real migratlas executable (cli_run.hpp), read PNG files (libpng).
#pragma once

#include "cli_run.hpp"

#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace migratlas::test {

/// An 8-bit RGBA image.
struct Rgba {
    int width = 0, height = 0;
    std::vector<unsigned char> pixels;
};

inline Rgba read_png(const std::filesystem::path& path)
{
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str())) {
        throw std::runtime_error(path.string() + ": " + image.message);
    }
    image.format = PNG_FORMAT_RGBA;
    Rgba rgba;
    rgba.width = static_cast<int>(image.width);
    rgba.height = static_cast<int>(image.height);
    rgba.pixels.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, rgba.pixels.data(), 0, nullptr)) {
        throw std::runtime_error(path.string() + ": " + image.message);
    }
    return rgba;
}

inline void write_png(const std::filesystem::path& path, const Rgba& rgba)
{
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(rgba.width);
    image.height = static_cast<png_uint_32>(rgba.height);
    image.format = PNG_FORMAT_RGBA;
    if (!png_image_write_to_file(&image, path.c_str(), 0, rgba.pixels.data(), 0, nullptr)) {
        throw std::runtime_error(path.string() + ": " + image.message);
    }
}

} // namespace migratlas::test
