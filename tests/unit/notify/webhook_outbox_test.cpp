// Outbound webhooks: the signature, one delivery per event and endpoint that wants it, retries
// with back-off until a 2xx, giving up after max_attempts, and the delivery log.
#include "notify/webhook_outbox.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::notify {
namespace {

using namespace std::chrono_literals;

TEST(WebhookSignature, IsHmacSha256OfTheTimeAndTheBody) {
  // python3: hmac.new(b"whsec-test-secret", b'1800000000.{"id":"7","type":"call.ended"}',
  //                   hashlib.sha256).hexdigest()
  EXPECT_EQ(
      webhook_signature("whsec-test-secret", 1'800'000'000, R"({"id":"7","type":"call.ended"})"),
      "t=1800000000,v1=67bcc20b4132ff34877c143a1a639022e7a2200f6ca332022ad7a4dc89780b74");
}

// Answers each URL with the statuses given, then 200; records every request.
class ScriptedPoster final : public WebhookPoster {
 public:
  struct Request {
    std::string url;
    std::map<std::string, std::string> headers;
    std::string body;
  };
  Result<int> post(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body, std::chrono::seconds) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(Request{url, {headers.begin(), headers.end()}, body});
    auto& script = scripts_[url];
    if (script.empty()) return 200;
    const int status = script.front();
    script.erase(script.begin());
    if (status == 0) return make_error(0, "connection refused");
    return status;
  }
  void script(const std::string& url, std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    scripts_[url] = std::move(statuses);
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<int>> scripts_;
  std::vector<Request> requests_;
};

class WebhookOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("dzvin.db");
    auto db = store::Database::open(path_);
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::migrate(*db));
  }

  std::unique_ptr<WebhookOutbox> open(std::vector<WebhookEndpoint> endpoints,
                                      WebhookOutboxOptions options = fast()) {
    auto outbox = WebhookOutbox::open(
        path_, std::move(endpoints), poster_, clock_,
        [this] {
          std::lock_guard lock(mutex_);
          return std::exchange(pending_, {});
        },
        options);
    EXPECT_TRUE(outbox);
    return outbox ? std::move(*outbox) : nullptr;
  }
  static WebhookOutboxOptions fast() {
    WebhookOutboxOptions o;
    o.first_retry = 20ms;
    o.max_retry = 80ms;
    o.max_attempts = 4;
    return o;
  }
  void publish(WebhookOutbox& outbox, std::string type, std::string id) {
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(
          WebhookEvent{1, type, id, R"({"id":")" + id + R"(","type":")" + type + "\"}"});
    }
    outbox.wake();
  }
  template <typename F>
  bool eventually(F done) {
    for (int i = 0; i < 500 && !done(); ++i)
      std::this_thread::sleep_for(10ms);
    return done();
  }
  std::string scalar(const std::string& sql) {
    auto db = store::Database::open(path_);
    auto stmt = db->prepare(sql);
    EXPECT_TRUE(stmt) << sql;
    auto row = stmt->step();
    return row && *row ? stmt->column_text(0) : "<none>";
  }

  testing::TempDir dir_;
  std::string path_;
  SystemClock clock_;
  ScriptedPoster poster_;
  std::mutex mutex_;
  std::vector<WebhookEvent> pending_;
};

TEST_F(WebhookOutboxTest, EachEndpointGetsTheEventsItWantsSigned) {
  auto outbox =
      open({WebhookEndpoint{"crm", "http://crm.test/hook", "secret-crm-0123456789", {}},
            WebhookEndpoint{
                "tasks", "http://tasks.test/hook", "secret-tasks-012345", {"task.created"}}});
  publish(*outbox, "call.ended", "1");
  publish(*outbox, "task.created", "2");
  ASSERT_TRUE(eventually([&] { return poster_.requests().size() == 3; }));
  outbox->stop();
  const auto requests = poster_.requests();
  std::map<std::string, int> per_url;
  for (const auto& r : requests) {
    ++per_url[r.url];
    EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
    EXPECT_EQ(r.headers.at("X-Dzvin-Event"),
              r.body.find("task.created") != std::string::npos ? "task.created" : "call.ended");
    const std::string secret =
        r.url == "http://crm.test/hook" ? "secret-crm-0123456789" : "secret-tasks-012345";
    const std::string& signature = r.headers.at("X-Dzvin-Signature");
    const std::int64_t t = std::stoll(signature.substr(2, signature.find(',') - 2));
    EXPECT_EQ(signature, webhook_signature(secret, t, r.body));
  }
  EXPECT_EQ(per_url["http://crm.test/hook"], 2);
  EXPECT_EQ(per_url["http://tasks.test/hook"], 1);
  EXPECT_EQ(outbox->stats().delivered, 3u);
  EXPECT_EQ(scalar("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'"), "3");
}

TEST_F(WebhookOutboxTest, RefusedDeliveriesAreRetriedThenDelivered) {
  poster_.script("http://crm.test/hook", {500, 0, 503});
  auto outbox = open({WebhookEndpoint{"crm", "http://crm.test/hook", "secret-crm-0123456789", {}}});
  publish(*outbox, "call.ended", "9");
  ASSERT_TRUE(eventually([&] { return outbox->stats().delivered == 1; }));
  outbox->stop();
  const auto requests = poster_.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& r : requests)
    EXPECT_EQ(r.headers.at("X-Dzvin-Delivery"), "9");
  EXPECT_EQ(outbox->stats().failed_attempts, 3u);
  EXPECT_EQ(scalar("SELECT attempts || ' ' || state || ' ' || last_status FROM webhook_deliveries"),
            "4 delivered 200");
}

TEST_F(WebhookOutboxTest, GivesUpAfterMaxAttemptsAndSaysWhy) {
  poster_.script("http://crm.test/hook", {500, 500, 500, 404, 500});
  auto outbox = open({WebhookEndpoint{"crm", "http://crm.test/hook", "secret-crm-0123456789", {}}});
  publish(*outbox, "call.ended", "5");
  ASSERT_TRUE(eventually([&] { return outbox->stats().given_up == 1; }));
  outbox->stop();
  EXPECT_EQ(poster_.requests().size(), 4u);
  EXPECT_EQ(scalar("SELECT state || ' ' || attempts || ' ' || last_error FROM webhook_deliveries"),
            "failed 4 HTTP 404");
}

TEST_F(WebhookOutboxTest, PendingDeliveriesSurviveARestart) {
  poster_.script("http://crm.test/hook", {500});
  WebhookOutboxOptions slow = fast();
  slow.first_retry = 200ms;
  {
    auto outbox =
        open({WebhookEndpoint{"crm", "http://crm.test/hook", "secret-crm-0123456789", {}}}, slow);
    publish(*outbox, "task.created", "3");
    ASSERT_TRUE(eventually([&] { return outbox->stats().failed_attempts == 1; }));
  }  // stopped before the retry
  EXPECT_EQ(scalar("SELECT state FROM webhook_deliveries"), "pending");
  auto again =
      open({WebhookEndpoint{"crm", "http://crm.test/hook", "secret-crm-0123456789", {}}}, slow);
  ASSERT_TRUE(eventually([&] { return again->stats().delivered == 1; }));
  EXPECT_EQ(poster_.requests().size(), 2u);
}

}  // namespace
}  // namespace dzvin::notify
