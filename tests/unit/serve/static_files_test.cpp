#include "serve/static_files.hpp"

#include "common/error.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

namespace migratlas::serve {
namespace {

class ServeStaticRoot : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::filesystem::create_directories(m_dir.path() / "root" / "sub");
        std::filesystem::create_directories(m_dir.path() / "root" / ".git");
        (void)m_dir.file("root/table.csv", "a,b\n1,2\n");
        (void)m_dir.file("root/sub/my table.csv", "x\n");
        (void)m_dir.file("root/.git/config", "secret");
        (void)m_dir.file("root/.hidden", "secret");
        (void)m_dir.file("outside.txt", "secret");
        std::filesystem::create_symlink(m_dir.path() / "outside.txt", m_dir.path() / "root" / "link.txt");
        std::filesystem::create_symlink(m_dir.path(), m_dir.path() / "root" / "up");
        m_root.emplace(m_dir.path() / "root", "data_dir");
    }

    migratlas::test::TempDir m_dir;
    std::optional<StaticRoot> m_root;
};

TEST_F(ServeStaticRoot, ResolvesFilesInsideTheRoot)
{
    EXPECT_EQ(m_root->resolve("table.csv"), std::filesystem::canonical(m_dir.path() / "root/table.csv"));
    EXPECT_TRUE(m_root->resolve("sub/my%20table.csv"));
}

TEST_F(ServeStaticRoot, RefusesTraversalHiddenNamesLinksOutAndDirectories)
{
    for (const char* path : {"../outside.txt", "sub/../../outside.txt", "%2e%2e/outside.txt", "%2E%2E%2Foutside.txt",
             "sub/%2e%2e/%2e%2e/outside.txt", "..%5coutside.txt", "sub\\..\\..\\outside.txt", ".git/config", ".hidden",
             "link.txt", "up/outside.txt", "sub", "sub/", "", "table.csv%00.txt", "%zz", "%4", "sub//my%20table.csv",
             "/etc/passwd", "./table.csv"}) {
        EXPECT_FALSE(m_root->resolve(path)) << path;
    }
}

TEST_F(ServeStaticRoot, ANonDirectoryRootIsASettingProblem)
{
    EXPECT_THROW(StaticRoot(m_dir.path() / "outside.txt", "data_dir"), InputError);
    EXPECT_THROW(StaticRoot(m_dir.path() / "absent", "data_dir"), InputError);
}

TEST(ServePublishedData, OnlyTheDataPackageAndTheFilesItListsAreServed)
{
    migratlas::test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "out" / "tables");
    (void)dir.file("out/datapackage.json",
        R"({"resources": [{"name": "a", "path": "tables/a.csv"}, {"name": "b", "path": ["b1.csv", "./b2.csv"]},
                          {"name": "web", "path": "https://example.org/c.csv"}]})");
    for (const char* name : {"tables/a.csv", "b1.csv", "b2.csv", "hmac.key", "workspace.gpkg", "events.csv", "tables/other.csv"}) {
        (void)dir.file(std::string("out/") + name, "x\n");
    }
    const auto root = published_data_root(dir.path() / "out", "data_dir");
    for (const char* path : {"datapackage.json", "tables/a.csv", "b1.csv", "b2.csv"}) {
        EXPECT_TRUE(root.resolve(path)) << path;
    }
    // What lies beside an export (the workspace, the pseudonymisation key, internal CSVs) is not published.
    for (const char* path : {"hmac.key", "workspace.gpkg", "events.csv", "tables/other.csv", "tables", "c.csv", "./b2.csv"}) {
        EXPECT_FALSE(root.resolve(path)) << path;
    }
}

TEST(ServePublishedData, AFolderWithoutADataPackageOrWithPathsLeavingItIsRefused)
{
    migratlas::test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "plain");
    (void)dir.file("plain/table.csv", "x\n");
    EXPECT_THROW((void)published_data_root(dir.path() / "plain", "data_dir"), SettingError);
    std::filesystem::create_directories(dir.path() / "bad");
    (void)dir.file("bad/datapackage.json", "[1, 2]");
    EXPECT_THROW((void)published_data_root(dir.path() / "bad", "data_dir"), InputError);
    for (const char* path : {"../secret.csv", "/etc/passwd", "a/../../secret.csv"}) {
        (void)dir.file("bad/datapackage.json", std::string(R"({"resources": [{"path": ")") + path + "\"}]}");
        EXPECT_THROW((void)published_data_root(dir.path() / "bad", "data_dir"), InputError) << path;
    }
}

TEST(ServeStaticFiles, PercentDecodingIsStrict)
{
    EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
    EXPECT_FALSE(percent_decode("%"));
    EXPECT_FALSE(percent_decode("%2"));
    EXPECT_FALSE(percent_decode("%g0"));
    EXPECT_FALSE(percent_decode("a%00"));
}

TEST(ServeStaticFiles, CacheServesNewBytesWhenTheFileChanges)
{
    migratlas::test::TempDir dir;
    const auto path = dir.file("notes.txt", std::string(2000, 'a'));
    FileCache cache(1 << 20);
    const auto first = cache.get(path);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->bytes.size(), 2000U);
    EXPECT_FALSE(first->gzip_bytes.empty());  // text worth compressing
    EXPECT_EQ(cache.get(path), first);        // unchanged: the same object
    (void)dir.file("notes.txt", "changed");
    const auto second = cache.get(path);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->bytes, "changed");
    EXPECT_NE(second->etag, first->etag);
    EXPECT_EQ(content_type_for("a/b.csv"), "text/csv; charset=utf-8");
    EXPECT_EQ(content_type_for("x.unknown"), "application/octet-stream");
}

} // namespace
} // namespace migratlas::serve
