// The server over real sockets on 127.0.0.1 with an ephemeral port; the client side is plain
// POSIX sockets (http_test_client.hpp).
#include "http/http_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>

#include "base/log.hpp"
#include "http/file_response.hpp"
#include "http_test_client.hpp"
#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

using testing::get_request;
using testing::TestConnection;

constexpr std::size_t kBigFileSize = 300 * 1000;  // several 64 KiB chunks

HttpResponse text(std::string body) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    big_ = testing::pattern_bytes(kBigFileSize);
    dir_.write("big.bin", big_);
    dir_.write("small.txt", "0123456789");
  }

  Router routes() {
    Router router;
    router.get("/hello", [](const HttpRequest& r, const RouteParams&) {
      return text("hello from " + r.remote_address);
    });
    router.post("/echo", [](const HttpRequest& r, const RouteParams&) { return text(r.body); });
    router.get("/files/{name}", [this](const HttpRequest& r, const RouteParams& p) {
      return file_response(r, dir_.file(std::string(p.get("name"))), "application/octet-stream");
    });
    router.get("/boom", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
      throw std::runtime_error("handler exploded");
    });
    router.get("/split", [](const HttpRequest&, const RouteParams&) {
      HttpResponse r = text("x");
      r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: owned=1");
      return r;
    });
    return router;
  }

  std::uint16_t start(HttpSettings settings = {}) {
    settings.address = "127.0.0.1";
    settings.port = 0;
    server_ = std::make_unique<HttpServer>(settings, routes());
    server_->start();
    return server_->port();
  }

  testing::TempDir dir_;
  std::string big_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersGetWith200) {
  const auto port = start();
  ASSERT_NE(port, 0);
  TestConnection c(port);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(get_request("/hello")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello from 127.0.0.1");
  EXPECT_EQ(r->header("Server"), "Dzvin");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));
  EXPECT_TRUE(r->header("Date"));
}

TEST_F(HttpServerTest, StreamsAWholeFileAndExactRanges) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/files/big.bin")));
  const auto whole = c.read_response();
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->header("Accept-Ranges"), "bytes");
  EXPECT_TRUE(whole->body == big_);

  ASSERT_TRUE(c.send(get_request("/files/big.bin", "Range: bytes=1000-150000\r\n")));
  const auto part = c.read_response();
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->header("Content-Range"), "bytes 1000-150000/" + std::to_string(kBigFileSize));
  EXPECT_EQ(part->body.size(), 149001u);
  EXPECT_TRUE(part->body == big_.substr(1000, 149001));

  ASSERT_TRUE(c.send(get_request("/files/small.txt", "Range: bytes=-3\r\n")));
  const auto tail = c.read_response();
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, "789");
  EXPECT_EQ(tail->header("Content-Range"), "bytes 7-9/10");
}

TEST_F(HttpServerTest, Answers416ForARangePastTheEnd) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/files/small.txt", "Range: bytes=10-\r\n")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->header("Content-Range"), "bytes */10");
  EXPECT_NE(r->body.find("range_not_satisfiable"), std::string::npos);
  // The connection stays usable.
  ASSERT_TRUE(c.send(get_request("/hello")));
  const auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, AnswersHeadWithGetsLengthAndNoBody) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send("HEAD /files/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto head = c.read_response(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(kBigFileSize));
  // Had a body been sent, this would read file bytes instead of the next status line.
  ASSERT_TRUE(c.send(get_request("/hello")));
  const auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "hello from 127.0.0.1");
}

TEST_F(HttpServerTest, Answers413ForABodyOverTheLimitAndCloses) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
                     std::string(4096, 'a')));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("body_too_large"), std::string::npos);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, Answers413ForAChunkedBodyOverTheLimit) {
  HttpSettings settings;
  settings.max_body = 1000;
  const auto port = start(settings);
  TestConnection c(port);
  const std::string chunk(800, 'b');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
                     chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, ALargeBodyRouteTakesMoreThanMaxBodyAndNoMore) {
  HttpSettings settings;
  settings.max_body = 1000;
  settings.large_bodies = {{"POST", "/echo", 4000}};
  const auto port = start(settings);
  {
    TestConnection c(port);
    const std::string body(3000, 'u');
    ASSERT_TRUE(c.send(
        "POST /echo?dry_run=true HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n" + body));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, body);
  }
  {
    TestConnection c(port);
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4001\r\n\r\n" +
                       std::string(100, 'u')));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    TestConnection c(port);  // chunked: counted as it arrives
    const std::string chunk(3000, 'c');
    ASSERT_TRUE(
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n" +
               chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
}

TEST_F(HttpServerTest, OtherRoutesKeepMaxBody) {
  HttpSettings settings;
  settings.max_body = 1000;
  settings.large_bodies = {{"PUT", "/echo", 4000}, {"POST", "/echo/more", 4000}};
  const auto port = start(settings);
  TestConnection c(port);
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" +
                     std::string(2000, 'o')));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, TheContactImportMayBeFiveMegabytes) {
  const HttpSettings defaults;
  EXPECT_EQ(defaults.max_body, 1024u * 1024u);
  ASSERT_EQ(defaults.large_bodies.size(), 1u);
  EXPECT_EQ(defaults.large_bodies[0].method, "POST");
  EXPECT_EQ(defaults.large_bodies[0].path, "/api/v1/contacts/import");
  EXPECT_EQ(defaults.large_bodies[0].max_body, 5u * 1024u * 1024u);
}

TEST_F(HttpServerTest, EchoesABodyWithinTheLimit) {
  const auto port = start();
  TestConnection c(port);
  const std::string body(100000, 'z');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + body));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body == body);
}

TEST_F(HttpServerTest, Answers100ContinueBeforeReadingTheBody) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  const auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("12345"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "12345");
}

TEST_F(HttpServerTest, Answers431ForAHeaderOverTheLimit) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/hello", "X-Padding: " + std::string(20000, 'p') + "\r\n")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, Answers400ForAGarbageRequestLine) {
  const auto port = start();
  for (const char* garbage :
       {"GARBAGE\r\n\r\n", "GET /hello HTTP/9\r\n\r\n", "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    TestConnection c(port);
    ASSERT_TRUE(c.send(garbage));
    const auto r = c.read_response();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400) << garbage;
    EXPECT_NE(r->body.find("bad_request"), std::string::npos) << garbage;
    EXPECT_TRUE(c.closed_by_server()) << garbage;
  }
}

TEST_F(HttpServerTest, Answers400ForHttp11WithoutHost) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, RefusesDotSegmentsOnTheWire) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/files/%2e%2e%2fetc%2fpasswd")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveBetweenRequests) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/hello")));
  const auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->header("Connection"));  // HTTP/1.1 keeps alive by default
  ASSERT_TRUE(c.send(get_request("/files/small.txt")));
  const auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "0123456789");
  // Two pipelined requests in one write.
  ASSERT_TRUE(
      c.send(get_request("/hello") + get_request("/files/small.txt", "Range: bytes=0-0\r\n")));
  const auto third = c.read_response();
  const auto fourth = c.read_response();
  ASSERT_TRUE(third && fourth);
  EXPECT_EQ(third->status, 200);
  EXPECT_EQ(fourth->status, 206);
  EXPECT_EQ(fourth->body, "0");
}

TEST_F(HttpServerTest, ClosesAfterHttp10UnlessAskedToKeepAlive) {
  const auto port = start();
  {
    TestConnection c(port);
    ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    TestConnection c(port);
    ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("Connection"), "keep-alive");
    ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\n\r\n"));
    const auto again = c.read_response();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
  }
  {
    TestConnection c(port);
    ASSERT_TRUE(c.send(get_request("/hello", "Connection: close\r\n")));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.closed_by_server());
  }
}

std::mutex g_log_mutex;
std::string g_log;
void capture(std::string_view line) {
  std::lock_guard lock(g_log_mutex);
  g_log += line;
}
std::string captured_log() {
  std::lock_guard lock(g_log_mutex);
  return g_log;
}

TEST_F(HttpServerTest, TurnsAHandlerExceptionIntoA500AndLogsRequestsWithoutQuery) {
  {
    std::lock_guard lock(g_log_mutex);
    g_log.clear();
  }
  const LogLevel saved = log_level();
  set_log_level(LogLevel::debug);
  set_log_sink(&capture);
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/boom?sig=secret-token")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  server_->stop();  // every log line is written once the thread has ended
  set_log_sink(nullptr);
  set_log_level(saved);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("internal_error"), std::string::npos);
  const std::string log = captured_log();
  EXPECT_NE(log.find("level=error event=http.handler_failed"), std::string::npos) << log;
  EXPECT_NE(log.find("handler exploded"), std::string::npos) << log;
  EXPECT_NE(log.find("event=http.request method=GET path=/boom status=500 duration_us="),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("secret-token"), std::string::npos) << log;
}

TEST_F(HttpServerTest, DropsHeaderValuesThatWouldSplitTheResponse) {
  const auto port = start();
  TestConnection c(port);
  ASSERT_TRUE(c.send(get_request("/split")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->header("X-Evil"));
  EXPECT_FALSE(r->header("Set-Cookie"));
}

TEST_F(HttpServerTest, ClosesAnIdleConnectionAfterTheReadTimeout) {
  HttpSettings settings;
  settings.read_timeout = std::chrono::seconds(1);
  const auto port = start(settings);
  TestConnection c(port, /*timeout_seconds=*/5);
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n"));  // and then nothing
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(4));
}

TEST_F(HttpServerTest, ClosesConnectionsBeyondTheLimit) {
  HttpSettings settings;
  settings.max_connections = 1;
  const auto port = start(settings);
  TestConnection first(port);
  ASSERT_TRUE(first.send(get_request("/hello")));
  ASSERT_TRUE(first.read_response());  // served: the one connection is taken
  TestConnection second(port);
  ASSERT_TRUE(second.connected());  // the kernel accepts; the server closes at once
  EXPECT_TRUE(second.closed_by_server());
}

TEST_F(HttpServerTest, StopsPromptlyWithOpenConnections) {
  const auto port = start();
  TestConnection idle(port);
  TestConnection half(port);
  ASSERT_TRUE(half.send("GET /hello HTTP/1.1\r\n"));
  TestConnection served(port);
  ASSERT_TRUE(served.send(get_request("/hello")));
  ASSERT_TRUE(served.read_response());
  const auto begin = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(served.closed_by_server());
  server_->stop();  // idempotent
}

TEST_F(HttpServerTest, StartThrowsNamingAddressAndPortWhenBindFails) {
  const auto port = start();
  HttpSettings taken;
  taken.address = "127.0.0.1";
  taken.port = port;
  HttpServer second(taken, Router{});
  try {
    second.start();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
  HttpSettings bad;
  bad.address = "not-an-address";
  HttpServer third(bad, Router{});
  EXPECT_THROW(third.start(), std::runtime_error);
}

}  // namespace
}  // namespace dzvin::http
