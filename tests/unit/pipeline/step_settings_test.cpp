// The build section's settings reader: values by setting name with their YAML positions, paths
// relative to the atlas file with {variables}, and typos reported where they were written.
#include "common/error.hpp"
#include "pipeline/step_settings.hpp"

#include <gtest/gtest.h>

using namespace migratlas;
using namespace migratlas::pipeline;

namespace {

PathContext paths()
{
    PathContext context;
    context.atlas_dir = "/atlases";
    context.variables = {{"demo", "/out/inputs"}, {"out", "/out"}};
    return context;
}

std::string error_of(const std::function<void()>& action)
{
    try {
        action();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(StepSettings, ReadsTypedValuesAndRecordsWhereEachWasWritten)
{
    const YAML::Node node = YAML::Load("{snap_km: 2.5, window_months: 12, strict: true, by: [sex, age_group]}");
    const PathContext context = paths();
    StepSettings settings(node, "link", "a.yaml", context);
    EXPECT_DOUBLE_EQ(*settings.number("snap_km"), 2.5);
    EXPECT_EQ(*settings.integer("window_months"), 12);
    EXPECT_TRUE(*settings.flag("strict"));
    EXPECT_EQ(settings.list("by"), (std::vector<std::string>{"sex", "age_group"}));
    EXPECT_FALSE(settings.number("min_days").has_value());
    EXPECT_EQ(settings.text("layer", "level1"), "level1");
    EXPECT_NO_THROW(settings.finish());
    EXPECT_EQ(settings.origins().origin("snap_km"), "a.yaml:1:11");
    EXPECT_EQ(settings.origins().origin("min_days"), "");
}

TEST(StepSettings, PathsAreRelativeToTheAtlasFileWithVariables)
{
    const YAML::Node node = YAML::Load("{a: '{demo}/crossings.csv', b: ../data/x.gpkg, c: /abs/y.csv, d: 'PG:dbname=m'}");
    const PathContext context = paths();
    StepSettings settings(node, "link", "a.yaml", context);
    EXPECT_EQ(settings.path("a"), "/out/inputs/crossings.csv");
    EXPECT_EQ(settings.path("b"), "/data/x.gpkg");
    EXPECT_EQ(settings.path("c"), "/abs/y.csv");
    EXPECT_EQ(settings.path("d"), "PG:dbname=m");
    EXPECT_TRUE(settings.path("missing").empty());
}

TEST(StepSettings, UnknownVariableSaysWhichExist)
{
    const YAML::Node node = YAML::Load("{crossings: '{dmeo}/crossings.csv'}");
    const PathContext context = paths();
    StepSettings settings(node, "link", "a.yaml", context);
    EXPECT_EQ(error_of([&] { (void)settings.path("crossings"); }),
        "a.yaml:1:13: unknown variable {dmeo} (this build has {demo}, {out}; {demo} exists when the atlas file declares `demo:`)");
}

TEST(StepSettings, ATypoIsAnErrorAtItsPosition)
{
    const YAML::Node node = YAML::Load("snap_km: 2\nsnap_kms: 3\n");
    const PathContext context = paths();
    StepSettings settings(node, "link", "a.yaml", context);
    (void)settings.number("snap_km");
    (void)settings.text("points");
    EXPECT_EQ(error_of([&] { settings.finish(); }), "a.yaml:2:1: unknown setting 'snap_kms' in step 'link' (settings: points, snap_km)");
}

TEST(StepSettings, WrongTypesAreErrorsAtTheValue)
{
    const YAML::Node node = YAML::Load("{snap_km: two, level: 2.5, strict: maybe, layer: [a, b]}");
    const PathContext context = paths();
    StepSettings settings(node, "geo_import", "a.yaml", context);
    EXPECT_EQ(error_of([&] { (void)settings.number("snap_km"); }),
        "a.yaml:1:11: step 'geo_import' setting snap_km must be a number, got 'two'");
    EXPECT_EQ(error_of([&] { (void)settings.integer("level"); }), "a.yaml:1:23: step 'geo_import' setting level must be a whole number");
    EXPECT_EQ(error_of([&] { (void)settings.flag("strict"); }),
        "a.yaml:1:36: step 'geo_import' setting strict must be true or false, got 'maybe'");
    EXPECT_EQ(error_of([&] { (void)settings.text("layer"); }), "a.yaml:1:50: step 'geo_import' setting layer must be a single value");
}

TEST(StepSettings, AStepTakesAMapping)
{
    const YAML::Node node = YAML::Load("[1, 2]");
    const PathContext context = paths();
    EXPECT_EQ(error_of([&] { StepSettings settings(node, "link", "a.yaml", context); }),
        "a.yaml:1:1: step 'link' takes a mapping of settings (key: value), e.g. `- link: {}`");
}
