#include "http/voicemail_audio_route.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "http/http_server.hpp"
#include "http_test_client.hpp"
#include "notify/media_link.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

using testing::get_request;
using testing::TestConnection;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";

// The path and query of a link built the way notify/ builds the ones it e-mails.
std::string link_target(std::string_view kind, std::int64_t id, std::int64_t expires,
                        std::string_view secret = kSecret) {
  const std::string url =
      notify::media_link_url("https://pbx.example.com/", kind, id, expires, secret);
  return url.substr(url.find("/media/"));
}

std::string error_code_in(const std::string& body) {
  const auto at = body.find("\"code\":\"");
  if (at == std::string::npos) return {};
  const auto start = at + 8;
  return body.substr(start, body.find('"', start) - start);
}

class VoicemailAudioRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audio_ = testing::pattern_bytes(5000);
    files_[{"voicemail", 7}] = dir_.write("voicemail/7.wav", audio_);
    files_[{"recording", 9}] = dir_.write("recordings/9.wav", "RIFFrec");
    VoicemailAudioRoute route;
    route.secret = std::string(kSecret);
    route.clock = &clock_;
    route.lookup = [this](std::string_view kind, std::int64_t id) -> std::optional<std::string> {
      const auto it = files_.find({std::string(kind), id});
      if (it == files_.end()) return std::nullopt;
      return it->second;
    };
    add_voicemail_audio_route(router_, std::move(route));
  }

  std::int64_t now() const { return unix_seconds(clock_.wall_now()); }

  HttpResponse get(std::string target, std::string range = {}) {
    HttpRequest r;
    r.method = "GET";
    r.target = std::move(target);
    r.remote_address = "192.0.2.1";
    if (!range.empty()) r.headers.emplace_back("Range", std::move(range));
    return router_.handle(std::move(r));
  }

  testing::TempDir dir_;
  std::string audio_;
  std::map<std::pair<std::string, std::int64_t>, std::string> files_;
  FakeClock clock_;
  Router router_;
};

TEST_F(VoicemailAudioRouteTest, ServesTheFileForAValidLink) {
  const HttpResponse r = get(link_target("voicemail", 7, now() + 3600));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "audio/wav");
  EXPECT_EQ(r.header("Cache-Control"), "private");
  EXPECT_EQ(r.header("Content-Disposition"), "inline; filename=\"voicemail-7.wav\"");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->path, (files_[{"voicemail", 7}]));
  EXPECT_EQ(r.file->length, 5000u);
  const HttpResponse recording = get(link_target("recording", 9, now() + 60));
  EXPECT_EQ(recording.status, 200);
}

TEST_F(VoicemailAudioRouteTest, ServesRangesForSeeking) {
  const HttpResponse r = get(link_target("voicemail", 7, now() + 3600), "bytes=100-199");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 100-199/5000");
}

TEST_F(VoicemailAudioRouteTest, Answers403ForATamperedOrMissingSignature) {
  const std::int64_t expires = now() + 3600;
  std::string tampered = link_target("voicemail", 7, expires);
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  const std::string other_id = link_target("voicemail", 7, expires);
  std::string moved = other_id;
  moved.replace(moved.find("/7.wav"), 6, "/8.wav");  // a valid signature for another message
  const std::string longer = "/media/voicemail/7.wav?expires=" + std::to_string(expires + 999999) +
                             "&sig=" + other_id.substr(other_id.find("sig=") + 4);
  for (const std::string& target : {tampered, moved, longer, std::string("/media/voicemail/7.wav"),
                                    "/media/voicemail/7.wav?expires=" + std::to_string(expires),
                                    std::string("/media/voicemail/7.wav?expires=soon&sig=00"),
                                    link_target("voicemail", 7, expires, "another secret")}) {
    const HttpResponse r = get(target);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(error_code_in(r.body), "bad_signature") << target;
    EXPECT_FALSE(r.file);
  }
}

TEST_F(VoicemailAudioRouteTest, Answers410ForAnExpiredLink) {
  const std::string target = link_target("voicemail", 7, now() + 60);
  EXPECT_EQ(get(target).status, 200);
  clock_.advance(std::chrono::seconds(61));
  const HttpResponse r = get(target);
  EXPECT_EQ(r.status, 410);
  EXPECT_NE(r.body.find("link expired"), std::string::npos);
}

TEST_F(VoicemailAudioRouteTest, Answers400ForANonNumericId) {
  for (const char* file : {"abc.wav", "7.mp3", "7", "-7.wav", "+7.wav", "7x.wav", ".wav",
                           "99999999999999999999.wav"}) {
    const HttpResponse r = get(std::string("/media/voicemail/") + file +
                               "?expires=" + std::to_string(now() + 60) + "&sig=00");
    EXPECT_EQ(r.status, 400) << file;
    EXPECT_EQ(error_code_in(r.body), "bad_media_id") << file;
  }
}

TEST_F(VoicemailAudioRouteTest, Answers404ForAnUnknownKindOrAMissingFile) {
  EXPECT_EQ(get(link_target("fax", 7, now() + 60)).status, 404);
  EXPECT_EQ(get(link_target("voicemail", 8, now() + 60)).status, 404);  // lookup: nullopt
  std::filesystem::remove(files_[{"recording", 9}]);
  EXPECT_EQ(get(link_target("recording", 9, now() + 60)).status, 404);  // row but no file
}

TEST_F(VoicemailAudioRouteTest, ServesSignedLinksOverHttp) {
  HttpSettings settings;
  settings.address = "127.0.0.1";
  settings.port = 0;
  SystemClock wall;
  Router router;
  VoicemailAudioRoute route;
  route.secret = std::string(kSecret);
  route.clock = &wall;
  route.lookup = [this](std::string_view kind, std::int64_t id) -> std::optional<std::string> {
    const auto it = files_.find({std::string(kind), id});
    if (it == files_.end()) return std::nullopt;
    return it->second;
  };
  add_voicemail_audio_route(router, std::move(route));
  HttpServer server(settings, std::move(router));
  server.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const std::int64_t wall_now = unix_seconds(wall.wall_now());

  TestConnection c(server.port());
  const std::string url = notify::media_link_url(base, "voicemail", 7, wall_now + 600, kSecret);
  ASSERT_TRUE(url.starts_with(base + "/media/voicemail/7.wav?"));
  ASSERT_TRUE(c.send(get_request(url.substr(base.size()))));
  const auto ok = c.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->header("Content-Type"), "audio/wav");
  EXPECT_TRUE(ok->body == audio_);

  std::string tampered = url.substr(base.size());
  tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
  ASSERT_TRUE(c.send(get_request(tampered)));
  const auto forbidden = c.read_response();
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);

  const std::string old = notify::media_link_url(base, "voicemail", 7, wall_now - 1, kSecret);
  ASSERT_TRUE(c.send(get_request(old.substr(base.size()))));
  const auto gone = c.read_response();
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 410);
  EXPECT_EQ(error_code_in(gone->body), "link_expired");
}

class StoreMediaLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(dir_.file("dzvin.db"));
    ASSERT_TRUE(db) << db.error().message;
    auto migrated = store::migrate(*db);
    ASSERT_TRUE(migrated) << migrated.error().message;
    ASSERT_TRUE(db->execute(R"sql(
      INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at,
                              duration_ms, path, deleted_at)
      VALUES (7, 1, 'sales', 'c1', '+380501112233', '100', 1, 1000, 'voicemail/7.wav', NULL),
             (8, 1, 'sales', 'c2', '+380501112233', '100', 1, 1000, 'voicemail/8.wav', 5),
             (9, 1, 'sales', 'c3', '+380501112233', '100', 1, 1000, '../outside.wav', NULL),
             (10, 1, 'sales', 'c4', '+380501112233', '100', 1, 1000, '/etc/passwd', NULL),
             (11, 1, 'sales', 'c5', '+380501112233', '100', 1, 1000, 'a/../../x.wav', NULL),
             (12, 1, 'sales', 'c6', '+380501112233', '100', 1, 1000, 'escape/passwd', NULL);
      INSERT INTO recordings (id, tenant_id, call_id, started_at, channels, path, state)
      VALUES (3, 1, 'c1', 1, 2, 'recordings/3.wav', 'complete'),
             (4, 1, 'c2', 1, 2, 'recordings/4.wav', 'recording');
    )sql")
                    .ok());
  }
  testing::TempDir dir_;
};

TEST_F(StoreMediaLookupTest, FindsLiveRowsUnderTheDataDirectory) {
  const std::string data_dir = (dir_.path() / "data").string();
  const auto lookup = make_store_media_lookup(dir_.file("dzvin.db"), data_dir + "/");
  EXPECT_EQ(lookup("voicemail", 7), data_dir + "/voicemail/7.wav");
  EXPECT_EQ(lookup("recording", 3), data_dir + "/recordings/3.wav");
  EXPECT_FALSE(lookup("voicemail", 8));    // deleted
  EXPECT_FALSE(lookup("recording", 4));    // still recording
  EXPECT_FALSE(lookup("voicemail", 404));  // no row
  EXPECT_FALSE(lookup("recording", 7));    // the id of another kind
  EXPECT_FALSE(lookup("fax", 7));
  // The answer repeats (the statements are reused).
  EXPECT_EQ(lookup("voicemail", 7), data_dir + "/voicemail/7.wav");
}

TEST_F(StoreMediaLookupTest, RefusesPathsThatLeaveTheDataDirectory) {
  const std::string data_dir = (dir_.path() / "data").string();
  std::filesystem::create_directories(data_dir + "/voicemail");
  // A link inside the data directory pointing out of it is refused too.
  std::filesystem::create_directory_symlink("/etc", data_dir + "/escape");
  const auto lookup = make_store_media_lookup(dir_.file("dzvin.db"), data_dir);
  EXPECT_FALSE(lookup("voicemail", 9));
  EXPECT_FALSE(lookup("voicemail", 10));
  EXPECT_FALSE(lookup("voicemail", 11));
  EXPECT_FALSE(lookup("voicemail", 12));
  EXPECT_TRUE(lookup("voicemail", 7));
}

TEST_F(StoreMediaLookupTest, ADatabaseThatCannotOpenLooksLikeNoFile) {
  const auto lookup = make_store_media_lookup(dir_.file("missing/dzvin.db"), dir_.path().string());
  EXPECT_FALSE(lookup("voicemail", 7));
}

}  // namespace
}  // namespace dzvin::http
