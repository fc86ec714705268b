// The atlas file parser: a good file reads into the model; bad files fail with the YAML file, line
// and column of the offending value (unknown layer, bad colour, unknown classification, typos).
#include "render/atlas_parser.hpp"

#include <gtest/gtest.h>

using namespace migratlas::render;

namespace {

const std::string minimal = R"(atlas: {title: T, period: "2024"}
inputs:
  units: {source: units.geojson}
layers:
  values:
    type: choropleth
    input: units
    field: migrants
    classify: {method: quantiles, classes: 4}
pages:
  - name: one
    title: "Migrants, {period}"
    layers: [values]
)";

std::string error_of(const std::string& text)
{
    try {
        (void)parse_atlas_text(text, "atlas/test.yaml");
    } catch (const AtlasError& e) {
        return e.what();
    }
    return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

} // namespace

TEST(AtlasParser, ReadsAMinimalFile)
{
    const AtlasFile atlas = parse_atlas_text(minimal, "atlas/test.yaml");
    EXPECT_EQ(atlas.base_dir, "atlas");
    EXPECT_EQ(atlas.dpi.value, 300);
    ASSERT_EQ(atlas.pages.size(), 1U);
    EXPECT_EQ(atlas.pages[0].layers[0].value, "values");
    const LayerSpec& layer = atlas.layers.at("values");
    EXPECT_EQ(layer.kind, LayerKind::choropleth);
    EXPECT_EQ(layer.classify.method, ClassMethod::quantiles);
    EXPECT_EQ(layer.classify.classes, 4);
    EXPECT_EQ(layer.field.pos.to_string(), "atlas/test.yaml:8:12");
}

TEST(AtlasParser, ErrorsNameTheFileLineAndColumn)
{
    struct Case {
        const char* what;
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"unknown layer", replaced(minimal, "layers: [values]", "layers: [values, popu]"),
            "atlas/test.yaml:13:22: unknown layer 'popu' (layers: values)"},
        {"bad colour", replaced(minimal, "    field: migrants\n", "    field: migrants\n    stroke: \"#12345\"\n"),
            "atlas/test.yaml:9:13: bad colour '#12345' for layer 'values' stroke"},
        {"unknown classification", replaced(minimal, "method: quantiles", "method: kmeans"),
            "atlas/test.yaml:9:24: unknown classification 'kmeans' (known: quantiles, equal_interval, natural_breaks (or jenks), manual)"},
        {"missing field", replaced(minimal, "    field: migrants\n", ""),
            "atlas/test.yaml:6:5: layer 'values' needs 'field' (the value to map)"},
        {"unknown input", replaced(minimal, "input: units", "input: unit"),
            "atlas/test.yaml:7:12: layer 'values': unknown input 'unit' (inputs: units)"},
        {"typo in a key", replaced(minimal, "    classify:", "    clasify:"),
            "atlas/test.yaml:9:5: unknown key 'clasify' in layer 'values'"},
        {"unknown palette", replaced(minimal, "    field: migrants\n", "    field: migrants\n    palette: rainbow\n"),
            "atlas/test.yaml:9:14: unknown palette 'rainbow'"},
        {"manual breaks out of order", replaced(minimal, "{method: quantiles, classes: 4}", "{method: manual, breaks: [10, 5]}"),
            "atlas/test.yaml:9:45: layer 'values' classify breaks must ascend strictly"},
        {"unit placeholder off a series", replaced(minimal, "Migrants, {period}", "{unit.name}"),
            "atlas/test.yaml:12:12: placeholder {unit.name} needs a page series"},
        {"unknown placeholder", replaced(minimal, "{period}", "{perod}"), "atlas/test.yaml:12:12: unknown placeholder {perod}"},
        {"bad paper", replaced(minimal, "atlas: {title: T, period: \"2024\"}\n", "atlas: {title: T}\npaper: {size: A5}\n"),
            "atlas/test.yaml:2:15: unknown paper size 'A5' (known: A4, A3, Letter)"},
        {"dpi out of range", "dpi: 5000\n" + minimal, "atlas/test.yaml:1:6: dpi must be between 36 and 1200, got 5000"},
        {"not YAML", "pages: [\n", "atlas/test.yaml:2:1: not valid YAML"},
        {"series level not a number", replaced(minimal, "    layers: [values]", "    layers: [values]\n    series: {coverage: units, level: two}"),
            "atlas/test.yaml:14:38: page 1 series level must be a number, got 'two'"},
    };
    for (const auto& c : cases) {
        const std::string message = error_of(c.text);
        EXPECT_EQ(message.rfind(c.expected, 0), 0U) << c.what << ":\n  got      " << message << "\n  expected " << c.expected;
    }
}

TEST(AtlasParser, ProductLayersMustNameADeclaredProduct)
{
    const std::string text = replaced(minimal, "input: units", "product: no_such_product");
    EXPECT_EQ(error_of(text).rfind("atlas/test.yaml:7:14: unknown product 'no_such_product'", 0), 0U) << error_of(text);
}
