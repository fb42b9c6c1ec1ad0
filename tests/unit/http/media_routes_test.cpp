// The logged-in audio routes (recordings and voicemails with byte ranges) and the web app's
// static files: who may hear what, and what a browser gets for app paths.
#include "http/media_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "http/router.hpp"
#include "http/static_files.hpp"
#include "route_database.hpp"
#include "store/database.hpp"
#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

class MediaRoutesTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    add_media_routes(
        [this](std::string_view method, std::string_view pattern, Role, AuthedHandler handler) {
          routes_[std::string(method) + " " + std::string(pattern)] = std::move(handler);
        },
        MediaRouteDeps{path_, (dir_.path() / "data").string()});
    // Tenant 1: call c1 answered by 1002 and recorded (id 11); a message in 1003's box (21).
    ASSERT_TRUE(db_.execute(
        "INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_by) VALUES "
        "('c1', 1, '+380501234567', '500', 1, '1002@pbx.test'), "
        "('c2', 1, '+380501234567', '1003', 2, NULL);"
        "INSERT INTO recordings (id, tenant_id, call_id, started_at, channels, path, state) "
        "VALUES (11, 1, 'c1', 1, 1, 'recordings/c1.wav', 'complete'), "
        "(12, 1, 'c1', 1, 1, 'recordings/c1b.wav', 'incomplete');"
        "INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at, "
        "duration_ms, path) VALUES (21, 1, '1003', 'c2', '+380501234567', '1003', 2, 1000, "
        "'voicemail/1003/c2.wav'), (22, 1, '1003', 'c2', 'x', 'y', 2, 1, '../../etc/passwd');"));
    audio_ = std::string(1000, 'a') + std::string(1000, 'b');
    dir_.write("data/recordings/c1.wav", audio_);
    dir_.write("data/voicemail/1003/c2.wav", audio_);
  }

  HttpResponse get(const std::string& route, std::string id, const AuthContext& who,
                   std::string range = {}) {
    HttpRequest request;
    request.method = "GET";
    if (!range.empty()) request.headers.emplace_back("Range", std::move(range));
    RouteParams params;
    params.add("id", std::move(id));
    return routes_.at("GET " + route)(request, params, who);
  }

  static AuthContext user(std::int64_t tenant, std::string name, Role role) {
    AuthContext a;
    a.tenant_id = tenant;
    a.username = std::move(name);
    a.realm = "pbx.test";
    a.role = role;
    return a;
  }

  std::map<std::string, AuthedHandler> routes_;
  std::string audio_;
};

constexpr const char* kRecording = "/api/v1/recordings/{id}/audio";
constexpr const char* kVoicemail = "/api/v1/voicemails/{id}/audio";

TEST_F(MediaRoutesTest, TheHeadHearsAnyRecordingOfTheCompanyWithRanges) {
  const auto head = user(1, "1001", Role::head);
  const auto whole = get(kRecording, "11", head);
  EXPECT_EQ(whole.status, 200);
  const auto part = get(kRecording, "11", head, "bytes=995-1004");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("Content-Range").value_or(""), "bytes 995-1004/2000");
}

TEST_F(MediaRoutesTest, ManagersHearOnlyTheirOwnCallsAndBox) {
  EXPECT_EQ(get(kRecording, "11", user(1, "1002", Role::manager)).status, 200);
  EXPECT_EQ(get(kRecording, "11", user(1, "1003", Role::manager)).status, 404);
  EXPECT_EQ(get(kVoicemail, "21", user(1, "1003", Role::operator_)).status, 200);
  EXPECT_EQ(get(kVoicemail, "21", user(1, "1002", Role::manager)).status, 404);
}

TEST_F(MediaRoutesTest, AnotherCompanyAnIncompleteRecordingOrABadIdGetsNothing) {
  EXPECT_EQ(get(kRecording, "11", user(2, "1002", Role::admin)).status, 404);
  EXPECT_EQ(get(kVoicemail, "21", user(2, "1003", Role::admin)).status, 404);
  EXPECT_EQ(get(kRecording, "12", user(1, "1001", Role::admin)).status, 404);
  EXPECT_EQ(get(kRecording, "eleven", user(1, "1001", Role::admin)).status, 400);
  EXPECT_EQ(get(kRecording, "-11", user(1, "1001", Role::admin)).status, 400);
  // A stored path that would leave the data directory is refused.
  EXPECT_EQ(get(kVoicemail, "22", user(1, "1001", Role::admin)).status, 404);
}

TEST(StaticFiles, AppPathsGetIndexAssetsGetThemselvesApiPathsStayJson) {
  testing::TempDir dir;
  dir.write("dist/index.html", "<!doctype html><title>Dzvin</title>");
  dir.write("dist/assets/app-1a2b.js", "console.log(1)");
  Router router;
  router.get("/api/v1/ping",
             [](const HttpRequest&, const RouteParams&) { return json(200, "{}"); });
  add_static_files(router, (dir.path() / "dist").string());
  const auto request = [&](std::string target) {
    HttpRequest r;
    r.method = "GET";
    r.target = std::move(target);
    return router.handle(std::move(r));
  };
  const auto index = request("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(request("/calls/today").status, 200) << "an app route loads the app";
  const auto asset = request("/assets/app-1a2b.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_NE(asset.header("Cache-Control").value_or("").find("immutable"), std::string::npos);
  EXPECT_EQ(request("/api/v1/nothing").status, 404);
  EXPECT_EQ(request("/api/v1/nothing").header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(request("/assets/../../secret").status, 400);
  HttpRequest post;
  post.method = "POST";
  post.target = "/calls";
  EXPECT_EQ(router.handle(std::move(post)).status, 404) << "only GET and HEAD reach the app";
}

TEST(StaticFiles, WithoutABuildTheAnswerSaysSo) {
  testing::TempDir dir;
  Router router;
  add_static_files(router, (dir.path() / "missing").string());
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  const auto response = router.handle(std::move(r));
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("not built"), std::string::npos);
}

}  // namespace
}  // namespace dzvin::http
