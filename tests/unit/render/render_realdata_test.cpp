// atlas/andes-real.yaml on the real boundaries and UNHCR figures of ../shared/realdata: every page
// renders, and the classes hold the README's sanity figures. Skips when ../shared is absent.
#include "render_test_support.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace migratlas::test;

TEST(RenderRealData, AndesAtlasRendersTheRealBoundariesAndFigures)
{
    const std::filesystem::path realdata = std::filesystem::path(MIGRATLAS_SHARED_DIR) / "realdata";
    if (!std::filesystem::exists(realdata / "migration" / "unhcr_population_lac_2000_2025.csv")) {
        GTEST_SKIP() << "real data not found at " << realdata << " (../shared beside the checkout); skipping";
    }
    TempDir dir;
    const CliRun run = run_cli(dir.path(), "-q render --atlas '" + std::string(MIGRATLAS_SOURCE_DIR) + "/atlas/andes-real.yaml' --out '" +
        (dir.path() / "pages").string() + "' --dpi 50 --format png");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (const char* page : {"venezuelans-by-country-of-asylum", "andean-border-crossings", "texas-mexico-ports", "country-COL",
             "country-PER", "country-VEN"}) {
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "pages" / (std::string(page) + ".png"))) << page;
    }
    const auto classes = nlohmann::json::parse(slurp(dir.path() / "pages" / "classes.json"));
    for (const auto& layer : classes["layers"]) {
        if (layer["layer"] == "venezuelans_abroad") {
            // README: Venezuelans in Colombia at the end of 2025 = 2,828,195, the largest figure.
            EXPECT_EQ(layer["breaks"].back(), 2828195.0);
            EXPECT_EQ(layer["method"], "natural_breaks");
        }
        if (layer["layer"] == "pedestrian_crossings") {
            EXPECT_GT(layer["max_value"].get<double>(), 1e6);
        }
    }
}
