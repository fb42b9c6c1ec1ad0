#include "http/file_response.hpp"

#include <gtest/gtest.h>

#include <string>

#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

struct RangeCase {
  const char* header;
  std::uint64_t size;
  RangeOutcome outcome;
  std::uint64_t first;
  std::uint64_t length;
};

class ParseByteRange : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ParseByteRange, SelectsWhatRfc9110Says) {
  const RangeCase& c = GetParam();
  const RangeSelection s = parse_byte_range(c.header, c.size);
  EXPECT_EQ(s.outcome, c.outcome) << c.header;
  if (c.outcome != RangeOutcome::unsatisfiable) {
    EXPECT_EQ(s.first, c.first) << c.header;
    EXPECT_EQ(s.length, c.length) << c.header;
  }
}

constexpr auto kWhole = RangeOutcome::whole;
constexpr auto kPartial = RangeOutcome::partial;
constexpr auto kUnsatisfiable = RangeOutcome::unsatisfiable;

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseByteRange,
    ::testing::Values(
        // The three single-range forms.
        RangeCase{"bytes=0-4", 10, kPartial, 0, 5}, RangeCase{"bytes=2-2", 10, kPartial, 2, 1},
        RangeCase{"bytes=5-", 10, kPartial, 5, 5}, RangeCase{"bytes=-3", 10, kPartial, 7, 3},
        // A last position past the end is cut; a suffix longer than the file is all of it.
        RangeCase{"bytes=9-100", 10, kPartial, 9, 1}, RangeCase{"bytes=-20", 10, kPartial, 0, 10},
        // Numbers beyond 64 bits are "very large", not wrapped around.
        RangeCase{"bytes=0-18446744073709551616", 10, kPartial, 0, 10},
        RangeCase{"bytes=3-99999999999999999999999999", 10, kPartial, 3, 7},
        RangeCase{"bytes=-99999999999999999999999", 10, kPartial, 0, 10},
        RangeCase{"bytes=18446744073709551616-", 10, kUnsatisfiable, 0, 0},
        RangeCase{"bytes=18446744073709551615-18446744073709551615", 10, kUnsatisfiable, 0, 0},
        // Unsatisfiable: the first byte is past the end, or an empty suffix.
        RangeCase{"bytes=10-", 10, kUnsatisfiable, 0, 0},
        RangeCase{"bytes=10-20", 10, kUnsatisfiable, 0, 0},
        RangeCase{"bytes=-0", 10, kUnsatisfiable, 0, 0},
        RangeCase{"bytes=0-", 0, kUnsatisfiable, 0, 0}, RangeCase{"bytes=-5", 0, kWhole, 0, 0},
        // Spelling the RFC allows: unit in any case, OWS around, empty list elements.
        RangeCase{"BYTES=1-2", 10, kPartial, 1, 2}, RangeCase{" bytes=1-2 ", 10, kPartial, 1, 2},
        RangeCase{"bytes=1-2, ,", 10, kPartial, 1, 2},
        // Ignored (whole representation): invalid, malformed, several ranges, other units.
        RangeCase{"bytes=5-2", 10, kWhole, 0, 10}, RangeCase{"bytes=0-1,3-4", 10, kWhole, 0, 10},
        RangeCase{"bytes=0-1, -2", 10, kWhole, 0, 10}, RangeCase{"items=0-1", 10, kWhole, 0, 10},
        RangeCase{"bytes=", 10, kWhole, 0, 10}, RangeCase{"bytes=abc", 10, kWhole, 0, 10},
        RangeCase{"bytes=-", 10, kWhole, 0, 10}, RangeCase{"bytes=1", 10, kWhole, 0, 10},
        RangeCase{"bytes=+1-2", 10, kWhole, 0, 10}, RangeCase{"bytes=1 - 2", 10, kWhole, 0, 10},
        RangeCase{"bytes=0x1-2", 10, kWhole, 0, 10}, RangeCase{"bytes=-1-2", 10, kWhole, 0, 10},
        RangeCase{"bytes 0-1", 10, kWhole, 0, 10}, RangeCase{"", 10, kWhole, 0, 10}));

HttpRequest get(std::string range = {}) {
  HttpRequest r;
  r.method = "GET";
  r.target = r.path = "/f";
  if (!range.empty()) r.headers.emplace_back("Range", std::move(range));
  return r;
}

TEST(FileResponse, ServesTheWholeFileWithValidators) {
  testing::TempDir dir;
  const std::string path = dir.write("a.wav", "0123456789");
  const HttpResponse r = file_response(get(), path, "audio/wav");
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->path, path);
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_EQ(r.file->length, 10u);
  EXPECT_EQ(r.content_length(), 10u);
  EXPECT_EQ(r.header("Content-Type"), "audio/wav");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  ASSERT_TRUE(r.header("ETag"));
  EXPECT_TRUE(r.header("ETag")->starts_with("\""));
  EXPECT_TRUE(r.header("Last-Modified")->ends_with(" GMT"));
  EXPECT_FALSE(r.header("Content-Range"));
}

TEST(FileResponse, ServesOneRangeWith206) {
  testing::TempDir dir;
  const std::string path = dir.write("a.wav", "0123456789");
  const HttpResponse r = file_response(get("bytes=2-5"), path, "audio/wav");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 2-5/10");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 2u);
  EXPECT_EQ(r.file->length, 4u);
  const HttpResponse tail = file_response(get("bytes=-3"), path, "audio/wav");
  EXPECT_EQ(tail.header("Content-Range"), "bytes 7-9/10");
}

TEST(FileResponse, Answers416WithTheSize) {
  testing::TempDir dir;
  const std::string path = dir.write("a.wav", "0123456789");
  const HttpResponse r = file_response(get("bytes=10-"), path, "audio/wav");
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("Content-Range"), "bytes */10");
  EXPECT_FALSE(r.file);
  EXPECT_NE(r.body.find("range_not_satisfiable"), std::string::npos);
}

TEST(FileResponse, IgnoresMalformedAndMultipleRanges) {
  testing::TempDir dir;
  const std::string path = dir.write("a.wav", "0123456789");
  for (const char* range : {"bytes=5-2", "bytes=0-1,4-5", "bytes=x"}) {
    const HttpResponse r = file_response(get(range), path, "audio/wav");
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_EQ(r.file->length, 10u) << range;
  }
}

TEST(FileResponse, HonoursIfRangeAndIfNoneMatch) {
  testing::TempDir dir;
  const std::string path = dir.write("a.wav", "0123456789");
  const std::string etag = std::string(*file_response(get(), path, "audio/wav").header("ETag"));

  HttpRequest same = get("bytes=0-0");
  same.headers.emplace_back("If-Range", etag);
  EXPECT_EQ(file_response(same, path, "audio/wav").status, 206);

  HttpRequest changed = get("bytes=0-0");
  changed.headers.emplace_back("If-Range", "\"other\"");
  EXPECT_EQ(file_response(changed, path, "audio/wav").status, 200);

  HttpRequest cached = get();
  cached.headers.emplace_back("If-None-Match", "\"x\", W/" + etag);
  const HttpResponse not_modified = file_response(cached, path, "audio/wav");
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_FALSE(not_modified.file);
}

TEST(FileResponse, Answers404ForAMissingFileOrADirectory) {
  testing::TempDir dir;
  for (const std::string& path : {dir.file("missing.wav"), dir.path().string()}) {
    const HttpResponse r = file_response(get(), path, "audio/wav");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos);
    EXPECT_FALSE(r.file);
  }
}

}  // namespace
}  // namespace dzvin::http
