#pragma once
// Outbound webhooks (ARCHITECTURE.md, notify/): the events a CRM or a helpdesk wants — calls
// started, answered and ended, voicemails, tasks created and closed — POSTed as JSON to the
// endpoints of the config, signed with HMAC-SHA256, retried with back-off, with a delivery log
// (table webhook_deliveries). The outbox's own thread pulls new events (`pull`, woken by
// wake() from any thread), writes one row per event and matching endpoint, and sends due rows
// one at a time; a restart resends what was pending (at least once: the receiver dedupes by
// X-Dzvin-Delivery / the event id).
//
// A request: POST url, Content-Type: application/json, X-Dzvin-Event: TYPE,
// X-Dzvin-Delivery: EVENT_ID, X-Dzvin-Signature: t=UNIX,v1=HEX where HEX is
// HMAC-SHA256(secret, "UNIX.BODY") (webhook_signature). Any 2xx is delivered; anything else,
// a timeout or a refused connection is retried after 10 s, 20 s, ... up to 10 min, 8 attempts.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::notify {

struct WebhookEndpoint {
  std::string name;                 // for the log and the delivery rows
  std::string url;                  // http:// or https://
  std::string secret;               // signs every request
  std::vector<std::string> events;  // event types sent; empty: every type
  std::chrono::seconds timeout{10};

  bool wants(std::string_view type) const;
};

struct WebhookEvent {
  std::int64_t tenant_id = 0;
  std::string type;  // "call.ended"
  std::string id;    // unique per event (the live event's id)
  std::string body;  // the JSON object sent
};

// The HTTP POST behind the outbox (tests replace it): the status, or an Error when no answer
// came (refused, timeout, TLS).
class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  virtual Result<int> post(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body, std::chrono::seconds timeout) = 0;
};
// libcurl, http and https only.
std::unique_ptr<WebhookPoster> make_curl_poster();

// "t=1800000000,v1=<64 hex>": HMAC-SHA256 of "<unix_seconds>.<body>" with the endpoint's secret.
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body);

struct WebhookOutboxOptions {
  std::chrono::milliseconds first_retry{std::chrono::seconds{10}};
  std::chrono::milliseconds max_retry{std::chrono::minutes{10}};
  int max_attempts = 8;
};

struct WebhookOutboxStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t given_up = 0;
};

class WebhookOutbox {
 public:
  static Result<std::unique_ptr<WebhookOutbox>> open(
      const std::string& database_path, std::vector<WebhookEndpoint> endpoints,
      WebhookPoster& poster, const Clock& clock, std::function<std::vector<WebhookEvent>()> pull,
      WebhookOutboxOptions options = {});
  ~WebhookOutbox();  // stop()s
  WebhookOutbox(const WebhookOutbox&) = delete;
  WebhookOutbox& operator=(const WebhookOutbox&) = delete;

  // Any thread, quick: there may be new events to pull.
  void wake();
  // Pulls and saves what is new, lets a running attempt finish, ends the thread. Idempotent.
  void stop();
  WebhookOutboxStats stats() const;

 private:
  WebhookOutbox(store::Database db, std::vector<WebhookEndpoint> endpoints, WebhookPoster& poster,
                const Clock& clock, std::function<std::vector<WebhookEvent>()> pull,
                WebhookOutboxOptions options);
  void run();
  void save_new_events();
  bool send_one_due();  // false when nothing is due
  std::optional<std::int64_t> earliest_pending();
  std::int64_t now_ms() const;

  store::Database db_;
  std::vector<WebhookEndpoint> endpoints_;
  WebhookPoster& poster_;
  const Clock& clock_;
  std::function<std::vector<WebhookEvent>()> pull_;
  WebhookOutboxOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  WebhookOutboxStats stats_;
  std::thread thread_;
};

}  // namespace dzvin::notify
