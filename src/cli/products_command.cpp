// `migratlas products`: the product catalogue (common/products/) as a Markdown table or JSON, so that
// docs/ARCHITECTURE.md shows what the code declares (tests/docs checks the two agree).
#include "cli/cli_context.hpp"
#include "common/products/catalogue.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>

namespace migratlas::cli {

namespace {

std::string key_list(const ProductSpec& product)
{
    std::string keys;
    for (const std::size_t i : product.key_columns()) {
        keys += (keys.empty() ? "" : ", ") + std::string(product.columns[i].name);
    }
    return keys;
}

std::string count_list(const ProductSpec& product)
{
    std::string counts;
    for (const ColumnSpec& column : product.columns) {
        if (column.role == ColumnRole::count) {
            counts += (counts.empty() ? "" : ", ") + std::string(column.name);
        }
    }
    return counts.empty() ? "–" : counts;
}

std::string markdown_table()
{
    std::string text = "| product | visibility | geometry | keys | protected counts | made by |\n"
                       "|---|---|---|---|---|---|\n";
    for (const ProductSpec* product : products::all()) {
        text += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", product->name, to_string(product->visibility),
            to_string(product->geometry), key_list(*product), count_list(*product), product->made_by);
    }
    return text;
}

Json catalogue_json()
{
    Json list = Json::array();
    for (const ProductSpec* product : products::all()) {
        Json columns = Json::array();
        for (const ColumnSpec& column : product->columns) {
            columns.push_back({{"name", column.name},
                {"type", column.type == ColumnType::integer ? "integer" : column.type == ColumnType::real ? "real" : "text"},
                {"role", to_string(column.role)}, {"unit", column.unit}, {"description", column.description}});
        }
        list.push_back({{"name", product->name}, {"visibility", to_string(product->visibility)},
            {"geometry", to_string(product->geometry)}, {"description", product->description},
            {"made_by", product->made_by}, {"columns", columns}});
    }
    return list;
}

} // namespace

void add_products_command(CLI::App& app, CliContext& context)
{
    auto markdown = std::make_shared<bool>(false);
    CLI::App* command = app.add_subcommand("products",
        "List the products stages exchange (name, internal or publishable, geometry, keys, counts); with --json "
        "every column with its type, role and unit");
    command->add_flag("--markdown", *markdown, "Print the catalogue as the Markdown table of docs/ARCHITECTURE.md");
    command->callback([markdown, &context] {
        context.command = "products";
        context.outcome = {{"products", catalogue_json()}};
        if (*markdown) {
            std::fputs(markdown_table().c_str(), stdout);
        } else if (!context.json) {
            context.summary = markdown_table();
        }
    });
}

} // namespace migratlas::cli
