#include "sip/stream_framer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace dzvin::sip {
namespace {

std::string message(std::string_view call_id, std::string_view body) {
  return "MESSAGE sip:a@example.com SIP/2.0\r\n"
         "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
         "Call-ID: " +
         std::string(call_id) +
         "\r\n"
         "l: " +
         std::to_string(body.size()) +
         "\r\n"
         "\r\n" +
         std::string(body);
}

// Drains every complete message; fails the test on a framing error.
std::vector<std::string> drain(StreamFramer& f) {
  std::vector<std::string> out;
  while (true) {
    auto r = f.next();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok() || !r->has_value()) return out;
    out.push_back(std::move(**r));
  }
}

TEST(StreamFramer, SeveralMessagesInOneChunk) {
  const std::string a = message("a", "hello"), b = message("b", ""), c = message("c", "\r\n\r\nxx");
  StreamFramer f;
  f.feed(a + b + c);
  EXPECT_EQ(drain(f), (std::vector<std::string>{a, b, c}));
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, SplitAtEveryPossibleBoundary) {
  const std::string a = message("a", "body with\r\n\r\ninside"), b = message("b", "x");
  const std::string stream = a + b;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    StreamFramer f;
    std::vector<std::string> got;
    f.feed(std::string_view(stream).substr(0, cut));
    for (auto& m : drain(f))
      got.push_back(m);
    f.feed(std::string_view(stream).substr(cut));
    for (auto& m : drain(f))
      got.push_back(m);
    ASSERT_EQ(got, (std::vector<std::string>{a, b})) << "cut at " << cut;
  }
}

TEST(StreamFramer, RandomChunkSizes) {
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    expected.push_back(
        message(std::to_string(i), std::string(static_cast<std::size_t>(i * 7), 'b')));
    stream += expected.back();
    if (i % 5 == 0) stream += "\r\n\r\n";
  }
  std::mt19937 rng(42);
  StreamFramer f;
  std::vector<std::string> got;
  for (std::size_t pos = 0; pos < stream.size();) {
    const std::size_t n = std::min<std::size_t>(stream.size() - pos, 1 + rng() % 97);
    f.feed(std::string_view(stream).substr(pos, n));
    pos += n;
    for (auto& m : drain(f))
      got.push_back(std::move(m));
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(f.take_pings(), 10u);
  EXPECT_EQ(f.take_pings(), 0u);
}

TEST(StreamFramer, CountsPingsAndSkipsPongs) {
  StreamFramer f;
  f.feed("\r\n\r\n\r\n\r\n");
  EXPECT_TRUE(drain(f).empty());
  EXPECT_EQ(f.take_pings(), 2u);
  f.feed("\r\n");  // a pong (or half a ping): wait to see which
  EXPECT_TRUE(drain(f).empty());
  EXPECT_EQ(f.take_pings(), 0u);
  const std::string a = message("a", "");
  f.feed(a);  // now the lone CRLF was a pong
  EXPECT_EQ(drain(f), (std::vector<std::string>{a}));
  EXPECT_EQ(f.take_pings(), 0u);
}

TEST(StreamFramer, MissingContentLengthIsAnError) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n");
  auto r = f.next();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_NE(r.error().message.find("Content-Length"), std::string::npos);
}

TEST(StreamFramer, BadOrRepeatedContentLengthIsAnError) {
  for (std::string_view headers : {"Content-Length: -1\r\n", "Content-Length: 1\r\nl: 2\r\n",
                                   "Content-Length: 99999999999\r\n", "Content-Length:\r\n"}) {
    StreamFramer f;
    f.feed("OPTIONS sip:a@b SIP/2.0\r\n" + std::string(headers) + "\r\n");
    auto r = f.next();
    ASSERT_FALSE(r.ok()) << headers;
    EXPECT_EQ(r.error().code, 400) << headers;
  }
}

TEST(StreamFramer, FoldedContentLength) {
  StreamFramer f;
  const std::string m = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length:\r\n  3\r\n\r\nabc";
  f.feed(m);
  EXPECT_EQ(drain(f), (std::vector<std::string>{m}));
}

TEST(StreamFramer, OversizedInputIsAnError) {
  MessageLimits limits;
  limits.max_message_bytes = 200;
  limits.max_body_bytes = 100;
  {
    StreamFramer f(limits);
    f.feed("OPTIONS sip:a@b SIP/2.0\r\n" + std::string(300, 'x'));  // no end of headers
    auto r = f.next();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 513);
  }
  {
    StreamFramer f(limits);
    f.feed("OPTIONS sip:a@b SIP/2.0\r\nl: 150\r\n\r\n");
    auto r = f.next();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 413);
  }
  {
    StreamFramer f(limits);
    f.feed("OPTIONS sip:a@b SIP/2.0\r\nX: " + std::string(120, 'y') + "\r\nl: 90\r\n\r\n");
    auto r = f.next();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 513);
  }
}

TEST(StreamFramer, WaitsForTheWholeBody) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nl: 4\r\n\r\nab");
  EXPECT_TRUE(drain(f).empty());
  EXPECT_GT(f.buffered(), 0u);
  f.feed("cd");
  const auto got = drain(f);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].ends_with("\r\n\r\nabcd"));
}

TEST(StreamFramer, BufferDoesNotGrowWithTheStream) {
  StreamFramer f;
  const std::string m = message("x", std::string(1000, 'z'));
  for (int i = 0; i < 1000; ++i) {
    f.feed(m);
    ASSERT_EQ(drain(f).size(), 1u);
  }
  EXPECT_EQ(f.buffered(), 0u);
}

}  // namespace
}  // namespace dzvin::sip
