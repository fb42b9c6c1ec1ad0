#include "http/router.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <stdexcept>
#include <string>

#include "base/log.hpp"

namespace dzvin::http {
namespace {

HttpRequest request(std::string method, std::string target) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

HttpResponse text(std::string body) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

std::string error_code_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

TEST(JsonError, HasTheOneErrorShape) {
  const HttpResponse e = json_error(410, "link_expired", "link expired", "expires");
  EXPECT_EQ(e.status, 410);
  EXPECT_EQ(e.header("content-type"), "application/json");
  const auto doc = nlohmann::json::parse(e.body);
  EXPECT_EQ(doc["error"]["code"], "link_expired");
  EXPECT_EQ(doc["error"]["message"], "link expired");
  EXPECT_EQ(doc["error"]["field"], "expires");

  const auto without_field = nlohmann::json::parse(json_error(404, "not_found", "x").body);
  EXPECT_FALSE(without_field["error"].contains("field"));
  // Bytes that are not UTF-8 (quoted request input) do not throw.
  EXPECT_EQ(json_error(400, "bad", std::string("\xff\xfe", 2)).status, 400);
}

TEST(HttpDate, IsImfFixdate) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
}

TEST(DecodeTarget, SplitsPathAndDecodedQuery) {
  HttpRequest r = request("GET", "/a%20b/c?x=1&y=two+words&x=%26&flag&&z=");
  ASSERT_TRUE(decode_target(r).ok());
  EXPECT_EQ(r.path, "/a b/c");
  ASSERT_EQ(r.query.size(), 5u);
  EXPECT_EQ(r.query_parameter("y"), "two words");
  EXPECT_EQ(r.query_parameters("x"), (std::vector<std::string_view>{"1", "&"}));
  EXPECT_EQ(r.query_parameter("flag"), "");
  EXPECT_EQ(r.query_parameter("z"), "");
  EXPECT_FALSE(r.query_parameter("missing"));
}

TEST(DecodeTarget, AcceptsAbsoluteForm) {
  HttpRequest r = request("GET", "http://pbx.example:8080/media/x?a=b");
  ASSERT_TRUE(decode_target(r).ok());
  EXPECT_EQ(r.path, "/media/x");
  EXPECT_EQ(r.query_parameter("a"), "b");
  HttpRequest bare = request("GET", "HTTPS://pbx.example");
  ASSERT_TRUE(decode_target(bare).ok());
  EXPECT_EQ(bare.path, "/");
}

TEST(DecodeTarget, RefusesDangerousOrBrokenTargets) {
  for (const char* target : {"/files/../secret", "/files/..", "/./x", "/files/%2e%2E/secret",
                             "/a%2Fb", "/a%2fb", "/a%00b", "/a?x=%00", "/a%zz", "/a%2", "/a%",
                             "/a?x=%g1", "*", "", "relative/path", "/a#fragment"}) {
    HttpRequest r = request("GET", target);
    const auto result = decode_target(r);
    ASSERT_FALSE(result.ok()) << target;
    EXPECT_EQ(result.error().code, 400) << target;
    EXPECT_FALSE(result.error().message.empty());
  }
  // Dots inside a segment are ordinary characters.
  HttpRequest dots = request("GET", "/files/a..b/.hidden/...");
  EXPECT_TRUE(decode_target(dots).ok());
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.get("/users/{id}", [](const HttpRequest&, const RouteParams& p) {
      return text("user " + std::string(p.get("id")));
    });
    router.get("/users/me", [](const HttpRequest&, const RouteParams&) { return text("me"); });
    router.post("/users/{id}", [](const HttpRequest& r, const RouteParams& p) {
      return text("posted " + std::string(p.get("id")) + ":" + r.body);
    });
    router.get("/media/{kind}/{file}", [](const HttpRequest&, const RouteParams& p) {
      return text(std::string(p.get("kind")) + "|" + std::string(p.get("file")));
    });
    router.get("/", [](const HttpRequest&, const RouteParams&) { return text("root"); });
    router.get("/boom", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
      throw std::runtime_error("kaputt");
    });
  }
  Router router;
};

TEST_F(RouterTest, MatchesPatternsAndDecodesParameters) {
  const HttpResponse r = router.handle(request("GET", "/users/J%C3%BCrgen"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "user J\xC3\xBCrgen");
  EXPECT_EQ(router.handle(request("GET", "/media/voicemail/7.wav?sig=x")).body, "voicemail|7.wav");
  EXPECT_EQ(router.handle(request("GET", "/")).body, "root");
  HttpRequest post = request("POST", "/users/5");
  post.body = "hi";
  EXPECT_EQ(router.handle(post).body, "posted 5:hi");
}

TEST_F(RouterTest, PrefersLiteralSegmentsToParameters) {
  EXPECT_EQ(router.handle(request("GET", "/users/me")).body, "me");
  EXPECT_EQ(router.handle(request("GET", "/users/mee")).body, "user mee");
}

TEST_F(RouterTest, AnswersJson404WhenNothingMatches) {
  for (const char* target : {"/nope", "/users", "/users/", "/users/5/extra", "/media/voicemail"}) {
    const HttpResponse r = router.handle(request("GET", target));
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(error_code_of(r), "not_found") << target;
  }
}

TEST_F(RouterTest, Answers405WithAllowForAnotherMethod) {
  const HttpResponse r = router.handle(request("DELETE", "/users/5"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(error_code_of(r), "method_not_allowed");
  EXPECT_EQ(router.handle(request("POST", "/media/a/b")).header("Allow"), "GET, HEAD");
  // Methods are case-sensitive (RFC 9110 §9.1).
  EXPECT_EQ(router.handle(request("get", "/users/5")).status, 405);
}

TEST_F(RouterTest, ServesHeadWithTheGetHandlerWithoutBody) {
  const HttpResponse r = router.handle(request("HEAD", "/users/42"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.head_content_length, std::string("user 42").size());
  EXPECT_EQ(r.content_length(), 7u);
  EXPECT_EQ(r.header("Content-Type"), "text/plain");
  // Error answers to HEAD drop their body too.
  const HttpResponse missing = router.handle(request("HEAD", "/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.body.empty());
  EXPECT_GT(missing.content_length(), 0u);
}

TEST_F(RouterTest, RefusesDotSegmentsAndEncodedSlashesWith400) {
  for (const char* target : {"/users/../boom", "/media/voicemail/..", "/media/x/%2e%2e",
                             "/media/voicemail%2F..%2Fsecret/x", "/users/%00"}) {
    const HttpResponse r = router.handle(request("GET", target));
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(error_code_of(r), "bad_target") << target;
  }
}

std::mutex g_log_mutex;
std::string g_log;
void capture(std::string_view line) {
  std::lock_guard lock(g_log_mutex);
  g_log += line;
}

TEST_F(RouterTest, TurnsAHandlerExceptionIntoALogged500) {
  g_log.clear();
  set_log_sink(&capture);
  const HttpResponse r = router.handle(request("GET", "/boom"));
  set_log_sink(nullptr);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_code_of(r), "internal_error");
  EXPECT_EQ(r.body.find("kaputt"), std::string::npos);  // internals stay in the log
  EXPECT_NE(g_log.find("event=http.handler_failed"), std::string::npos) << g_log;
  EXPECT_NE(g_log.find("kaputt"), std::string::npos) << g_log;
}

TEST(Router, RefusesBadPatternsAndDuplicates) {
  Router router;
  const Handler h = [](const HttpRequest&, const RouteParams&) { return HttpResponse{}; };
  router.get("/a/{id}", h);
  EXPECT_THROW(router.get("/a/{other}", h), std::invalid_argument);  // same shape
  EXPECT_NO_THROW(router.post("/a/{id}", h));
  EXPECT_THROW(router.get("no-slash", h), std::invalid_argument);
  EXPECT_THROW(router.get("/a/x{id}", h), std::invalid_argument);
  EXPECT_THROW(router.get("/b/{}", h), std::invalid_argument);
  EXPECT_THROW(router.get("/b/{x}/{x}", h), std::invalid_argument);
  EXPECT_THROW(router.get("/c", Handler{}), std::invalid_argument);
}

}  // namespace
}  // namespace dzvin::http
