#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

using migratlas::CsvReader;
using migratlas::CsvRecord;
using migratlas::test::TempDir;

namespace {
std::vector<std::vector<std::string>> read_all(const std::filesystem::path& path, std::vector<std::string>* malformed = nullptr)
{
    CsvReader reader(path);
    std::vector<std::vector<std::string>> rows;
    CsvRecord record;
    while (reader.next(record)) {
        if (!record.malformed.empty() && malformed != nullptr) {
            malformed->push_back(record.malformed);
        }
        rows.emplace_back(record.fields.begin(), record.fields.end());
    }
    return rows;
}
} // namespace

TEST(CsvReader, ReadsHeaderAndRowsWithCrlfAndBom)
{
    TempDir dir;
    const auto path = dir.file("a.csv", "\xEF\xBB\xBFid,name\r\n1,Ana\r\n2,Bo\r\n");
    CsvReader reader(path);
    ASSERT_EQ(reader.header().size(), 2U);
    EXPECT_EQ(reader.header()[0], "id");
    CsvRecord record;
    ASSERT_TRUE(reader.next(record));
    EXPECT_EQ(record.record_no, 2U);
    EXPECT_EQ(record.fields[1], "Ana");
    ASSERT_TRUE(reader.next(record));
    EXPECT_EQ(record.fields[1], "Bo");
    EXPECT_FALSE(reader.next(record));
}

TEST(CsvReader, QuotedFieldsKeepCommasQuotesAndLineBreaks)
{
    TempDir dir;
    const auto path = dir.file("q.csv", "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here");
    CsvReader reader(path);
    CsvRecord record;
    ASSERT_TRUE(reader.next(record));
    EXPECT_EQ(record.fields[0], "x,y");
    EXPECT_EQ(record.fields[1], "say \"hi\"");
    EXPECT_EQ(record.fields[2], "two\nlines");
    EXPECT_EQ(record.line_no, 2U);
    ASSERT_TRUE(reader.next(record));
    EXPECT_EQ(record.record_no, 3U);
    EXPECT_EQ(record.line_no, 4U);
    EXPECT_EQ(record.fields[2], "here");
}

TEST(CsvReader, EmptyLineInsideFileIsARecordWithOneEmptyField)
{
    TempDir dir;
    const auto rows = read_all(dir.file("e.csv", "a,b\n1,2\n\n3,4\n"));
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[1].size(), 1U);
    EXPECT_EQ(rows[1][0], "");
}

TEST(CsvReader, UnterminatedQuoteIsMalformedNotACrash)
{
    TempDir dir;
    std::vector<std::string> malformed;
    const auto rows = read_all(dir.file("u.csv", "a,b\n1,\"open\n2,3\n"), &malformed);
    ASSERT_EQ(malformed.size(), 1U);
    EXPECT_EQ(malformed[0], "unterminated quoted field");
}

TEST(CsvReader, OverlongRecordIsMalformedAndReadingContinues)
{
    TempDir dir;
    std::string content = "a,b\n1," + std::string(5000, 'x') + "\n2,ok\n";
    const auto path = dir.file("l.csv", content);
    CsvReader reader(path, 1024);
    CsvRecord record;
    ASSERT_TRUE(reader.next(record));
    EXPECT_NE(record.malformed.find("longer than"), std::string::npos);
    ASSERT_TRUE(reader.next(record));
    EXPECT_TRUE(record.malformed.empty());
    EXPECT_EQ(record.fields[1], "ok");
    EXPECT_EQ(record.record_no, 3U);
}

TEST(CsvReader, RecordsSpanningBufferRefillsAreIntact)
{
    TempDir dir;
    std::string content = "id,text\n";
    for (int i = 0; i < 200000; ++i) {
        content += std::to_string(i) + ",\"va\"\"lue " + std::to_string(i) + "\"\n";
    }
    const auto rows = read_all(dir.file("big.csv", content));
    ASSERT_EQ(rows.size(), 200000U);
    EXPECT_EQ(rows[123456][1], "va\"lue 123456");
    EXPECT_EQ(rows.back()[0], "199999");
}

TEST(CsvReader, MissingColumnErrorNamesFileAndHeader)
{
    TempDir dir;
    CsvReader reader(dir.file("h.csv", "x,y\n"));
    try {
        (void)reader.require_column("person_id");
        FAIL() << "expected InputError";
    } catch (const migratlas::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("missing required column 'person_id'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("x,y"), std::string::npos);
    }
}

TEST(CsvReader, EmptyFileIsAnInputError)
{
    TempDir dir;
    EXPECT_THROW(CsvReader(dir.file("empty.csv", "")), migratlas::InputError);
    EXPECT_THROW(CsvReader(dir.path() / "absent.csv"), migratlas::InputError);
}

TEST(Utf8, AcceptsValidAndRejectsInvalid)
{
    EXPECT_TRUE(migratlas::is_valid_utf8("Bogot\xC3\xA1"));
    EXPECT_FALSE(migratlas::is_valid_utf8("Bogot\xE1"));       // Latin-1 byte
    EXPECT_FALSE(migratlas::is_valid_utf8("\xC0\xAF"));         // overlong
    EXPECT_FALSE(migratlas::is_valid_utf8("\xED\xA0\x80"));     // surrogate
}

TEST(CsvEscape, QuotesOnlyWhenNeeded)
{
    EXPECT_EQ(migratlas::csv_escape("plain"), "plain");
    EXPECT_EQ(migratlas::csv_escape("a,b"), "\"a,b\"");
    EXPECT_EQ(migratlas::csv_escape("say \"x\""), "\"say \"\"x\"\"\"");
}
