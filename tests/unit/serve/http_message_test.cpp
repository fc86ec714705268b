#include "serve/http_message.hpp"

#include <gtest/gtest.h>

namespace migratlas::serve {
namespace {

TEST(ServeHttpMessage, AcceptEncodingAdmitsGzipByNameWildcardAndQuality)
{
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
    EXPECT_TRUE(accepts_gzip("deflate, GZIP;q=0.5"));
    EXPECT_TRUE(accepts_gzip("x-gzip"));
    EXPECT_TRUE(accepts_gzip("br;q=1.0, *;q=0.1"));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));   // an explicit refusal wins over the wildcard
    EXPECT_FALSE(accepts_gzip("*;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=abc"));     // a malformed q-value counts as 0
    EXPECT_FALSE(accepts_gzip("gzipper"));
}

TEST(ServeHttpMessage, IfNoneMatchUsesWeakComparison)
{
    EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("*", "\"abc\""));
    EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
    EXPECT_FALSE(etag_matches("abc", "\"abc\""));
    EXPECT_FALSE(etag_matches("", "\"abc\""));
}

TEST(ServeHttpMessage, HeadCarriesLengthExceptWhereTheStatusForbidsIt)
{
    std::string head;
    auto ok = HttpResponse::text(200, "hello");
    serialize_head(ok, true, head);
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
    EXPECT_NE(head.find("\r\nContent-Length: 5\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nDate: "), std::string::npos) << head;
    EXPECT_EQ(head.find("Connection: close"), std::string::npos) << head;
    EXPECT_TRUE(head.ends_with("\r\n\r\n"));

    serialize_head(HttpResponse(204), true, head);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    serialize_head(HttpResponse(304), false, head);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;

    auto head_only = HttpResponse::text(200, "twelve bytes");
    head_only.omit_body();
    serialize_head(head_only, true, head);
    EXPECT_NE(head.find("Content-Length: 12\r\n"), std::string::npos) << head;  // HEAD: the length GET would send
}

TEST(ServeHttpMessage, SharedHeadersWithTheirLengthAreNotRepeated)
{
    auto owner = std::make_shared<std::string>("Content-Length: 3\r\nETag: \"t\"\r\n");
    HttpResponse response(200);
    response.set_shared_headers(owner, *owner, true);
    response.set_shared_body(owner, std::string_view(*owner).substr(0, 3));
    std::string head;
    serialize_head(response, true, head);
    EXPECT_EQ(head.find("Content-Length"), head.rfind("Content-Length")) << head;
    EXPECT_EQ(response.body(), "Con");
}

} // namespace
} // namespace migratlas::serve
