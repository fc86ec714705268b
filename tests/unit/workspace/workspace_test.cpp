#include "common/error.hpp"
#include "common/products/run_log.hpp"
#include "workspace/product_io.hpp"
#include "workspace/workspace.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using migratlas::Table;
using migratlas::workspace::Workspace;

namespace {
Table sample_table()
{
    Table t;
    t.name = "sample";
    t.columns = {{"unit_code", migratlas::ColumnType::text}, {"estimate", migratlas::ColumnType::real},
        {"n", migratlas::ColumnType::integer}};
    t.rows.push_back({std::string("R01"), 12.5, std::int64_t{3}});
    t.rows.push_back({std::string("R02"), std::monostate{}, std::int64_t{0}});
    return t;
}
} // namespace

TEST(Workspace, CommittedTablesAndRunLogCanBeReadBack)
{
    migratlas::test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        Workspace ws(path);
        ws.write_table(sample_table());
        migratlas::RunLog log;
        log.command = "test";
        log.parameters.emplace_back("k", "v");
        log.add_count("common", "rows_read", 2);
        ws.append_run_log(log);
        ws.commit();
    }
    auto ds = migratlas::workspace::open_readonly(path);
    const Table back = migratlas::workspace::read_table(*ds, "sample");
    ASSERT_EQ(back.rows.size(), 2U);
    EXPECT_EQ(std::get<std::string>(back.rows[0][0]), "R01");
    EXPECT_DOUBLE_EQ(std::get<double>(back.rows[0][1]), 12.5);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(back.rows[1][1]));
    const Table log = migratlas::workspace::read_product(*ds, migratlas::products::run_log);
    EXPECT_EQ(log.rows.size(), 3U); // command, parameter, count
}

TEST(Workspace, UncommittedRunLeavesExistingWorkspaceUntouched)
{
    migratlas::test::TempDir dir;
    const auto path = dir.path() / "ws.gpkg";
    {
        Workspace ws(path);
        ws.write_table(sample_table());
        ws.commit();
    }
    const auto before = migratlas::test::read_file(path);
    {
        Workspace ws(path);
        Table other = sample_table();
        other.name = "other";
        ws.write_table(other);
        // no commit: as if the run failed half-way
    }
    EXPECT_EQ(migratlas::test::read_file(path), before);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename(), "ws.gpkg") << "temporary file left behind";
    }
}

TEST(Workspace, UncommittedNewWorkspaceLeavesNothing)
{
    migratlas::test::TempDir dir;
    const auto path = dir.path() / "new.gpkg";
    {
        Workspace ws(path);
        ws.write_table(sample_table());
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Workspace, NonGeoPackageFileIsRejected)
{
    migratlas::test::TempDir dir;
    const auto path = dir.file("ws.gpkg", "not a database");
    EXPECT_THROW(Workspace ws(path), migratlas::InputError);
}
