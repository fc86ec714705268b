// Golden images: the pages of tests/fixtures/render/golden.yaml, rendered by the real CLI, compared
// with the checked-in references in tests/golden/render-atlas/expected/.
//
// Tolerance: a pixel differs when one of its channels is off by more than 48 (of 255); a page
// passes when at most 0.25% of its pixels differ (anti-aliasing and FreeType hinting may move a
// few edge pixels between library builds; a moved label or a changed colour breaks it). On failure
// the actual page and a diff image (differing pixels red, the rest faded) are written next to the
// test binary in golden-diff/. A missing reference FAILS: references are (re)written only with
// MIGRATLAS_UPDATE_GOLDEN=1 (tools/update-render-goldens.sh), and the diff is reviewed by hand.
#include "render_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace migratlas::test;

namespace {

constexpr int channel_tolerance = 48;
constexpr double pixel_share_tolerance = 0.0025;

const std::filesystem::path golden_dir = std::filesystem::path(MIGRATLAS_GOLDEN_DIR) / "render-atlas" / "expected";

bool updating()
{
    const char* flag = std::getenv("MIGRATLAS_UPDATE_GOLDEN");
    return flag != nullptr && std::string(flag) == "1";
}

class RenderGolden : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir();
        const std::string atlas = std::string(MIGRATLAS_FIXTURES_DIR) + "/render/golden.yaml";
        s_run = new CliRun(run_cli(s_dir->path(), "render --atlas '" + atlas + "' --out '" + (s_dir->path() / "out").string() +
            "' --format png,pdf --threads 2"));
    }
    static void TearDownTestSuite()
    {
        delete s_run;
        delete s_dir;
    }

    static void compare_page(const std::string& name)
    {
        ASSERT_EQ(s_run->exit_code, 0) << s_run->err;
        const auto actual_path = s_dir->path() / "out" / (name + ".png");
        const auto expected_path = golden_dir / (name + ".png");
        if (updating()) {
            std::filesystem::create_directories(golden_dir);
            std::filesystem::copy_file(actual_path, expected_path, std::filesystem::copy_options::overwrite_existing);
            GTEST_SKIP() << "reference written: " << expected_path << " (review it before committing)";
        }
        ASSERT_TRUE(std::filesystem::exists(expected_path))
            << "no reference " << expected_path << ": render it with tools/update-render-goldens.sh and review it";
        const Rgba actual = read_png(actual_path);
        const Rgba expected = read_png(expected_path);
        ASSERT_EQ(actual.width, expected.width);
        ASSERT_EQ(actual.height, expected.height);
        Rgba diff = expected;
        std::size_t differing = 0;
        for (std::size_t i = 0; i < actual.pixels.size(); i += 4) {
            int worst = 0;
            for (std::size_t c = 0; c < 4; ++c) {
                worst = std::max(worst, std::abs(int(actual.pixels[i + c]) - int(expected.pixels[i + c])));
            }
            const bool differs = worst > channel_tolerance;
            differing += differs ? 1 : 0;
            for (std::size_t c = 0; c < 3; ++c) {
                diff.pixels[i + c] = differs ? (c == 0 ? 255 : 0) : static_cast<unsigned char>(200 + expected.pixels[i + c] / 5);
            }
            diff.pixels[i + 3] = 255;
        }
        const double share = double(differing) / double(actual.pixels.size() / 4);
        if (share > pixel_share_tolerance) {
            const auto out_dir = std::filesystem::current_path() / "golden-diff";
            std::filesystem::create_directories(out_dir);
            write_png(out_dir / (name + "-diff.png"), diff);
            std::filesystem::copy_file(actual_path, out_dir / (name + "-actual.png"), std::filesystem::copy_options::overwrite_existing);
            FAIL() << name << ": " << differing << " pixels (" << share * 100 << "%) differ from " << expected_path
                   << " by more than " << channel_tolerance << "; see " << out_dir;
        }
    }

    static TempDir* s_dir;
    static CliRun* s_run;
};

TempDir* RenderGolden::s_dir = nullptr;
CliRun* RenderGolden::s_run = nullptr;

} // namespace

TEST_F(RenderGolden, ChoroplethWithHatchedSuppressedAndUnreliableValues) { compare_page("choropleth"); }
TEST_F(RenderGolden, ProportionalSymbolsWithNestedCircleLegend) { compare_page("symbols"); }
TEST_F(RenderGolden, SeriesPageWithFadedNeighbours) { compare_page("region-TC-1"); }

TEST_F(RenderGolden, WritesOneMultiPagePdfAnIndexAndTheClasses)
{
    ASSERT_EQ(s_run->exit_code, 0) << s_run->err;
    const auto out = s_dir->path() / "out";
    ASSERT_EQ(slurp(out / "atlas.pdf").rfind("%PDF-", 0), 0U);
    // Four pages (the two single pages and the two-unit series), A4, with the fonts embedded.
    const std::string info = s_dir->path() / "pdfinfo.txt";
    ASSERT_EQ(std::system(("pdfinfo '" + (out / "atlas.pdf").string() + "' > '" + info + "'").c_str()), 0);
    const std::string text = slurp(info);
    EXPECT_NE(text.find("Pages:           4"), std::string::npos) << text;
    EXPECT_NE(text.find("595.276 x 841.89 pts (A4)"), std::string::npos) << text;
    const std::string fonts = s_dir->path() / "pdffonts.txt";
    ASSERT_EQ(std::system(("pdffonts '" + (out / "atlas.pdf").string() + "' > '" + fonts + "'").c_str()), 0);
    EXPECT_NE(slurp(fonts).find("NotoSans"), std::string::npos) << "vector text with the embedded Noto Sans";
    const std::string index = slurp(out / "index.html");
    for (const char* page : {"choropleth.png", "symbols.png", "region-TC-1.png", "region-TC-2.png", "thumbs/symbols.png", "atlas.pdf"}) {
        EXPECT_NE(index.find(page), std::string::npos) << page;
    }
    EXPECT_TRUE(std::filesystem::exists(out / "thumbs" / "region-TC-2.png"));
    EXPECT_FALSE(std::filesystem::exists(out / "xml")) << "work files stay out unless --keep-xml";
    for (const auto& entry : std::filesystem::directory_iterator(out)) {
        EXPECT_EQ(entry.path().filename().string().rfind(".render-tmp", 0), std::string::npos) << "temporary folder left";
    }
}
