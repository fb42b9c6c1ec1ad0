#include "notify/webhook_outbox.hpp"

#include <curl/curl.h>

#include <algorithm>

#include "base/log.hpp"
#include "notify/hmac_sha256.hpp"

namespace dzvin::notify {

namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;  // the receiver's answer body is not kept
}

class CurlPoster final : public WebhookPoster {
 public:
  CurlPoster() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<int> post(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body, std::chrono::seconds timeout) override {
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) return make_error(0, "curl_easy_init failed");
    CURL* h = easy.get();
    std::unique_ptr<curl_slist, SlistDeleter> list;
    for (const auto& [name, value] : headers) {
      curl_slist* grown = curl_slist_append(list.get(), (name + ": " + value).c_str());
      if (grown == nullptr) return make_error(0, "out of memory");
      static_cast<void>(list.release());
      list.reset(grown);
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "Dzvin webhooks");
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      return make_error(0, error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return static_cast<int>(status);
  }
};

}  // namespace

bool WebhookEndpoint::wants(std::string_view type) const {
  return events.empty() || std::find(events.begin(), events.end(), type) != events.end();
}

std::unique_ptr<WebhookPoster> make_curl_poster() {
  return std::make_unique<CurlPoster>();
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, t + "." + std::string(body));
}

Result<std::unique_ptr<WebhookOutbox>> WebhookOutbox::open(
    const std::string& database_path, std::vector<WebhookEndpoint> endpoints, WebhookPoster& poster,
    const Clock& clock, std::function<std::vector<WebhookEvent>()> pull,
    WebhookOutboxOptions options) {
  auto db = store::Database::open(database_path);
  if (!db) return db.error();
  return std::unique_ptr<WebhookOutbox>(new WebhookOutbox(std::move(*db), std::move(endpoints),
                                                          poster, clock, std::move(pull), options));
}

WebhookOutbox::WebhookOutbox(store::Database db, std::vector<WebhookEndpoint> endpoints,
                             WebhookPoster& poster, const Clock& clock,
                             std::function<std::vector<WebhookEvent>()> pull,
                             WebhookOutboxOptions options)
    : db_(std::move(db)),
      endpoints_(std::move(endpoints)),
      poster_(poster),
      clock_(clock),
      pull_(std::move(pull)),
      options_(options) {
  thread_ = std::thread([this] { run(); });
}

WebhookOutbox::~WebhookOutbox() {
  stop();
}

void WebhookOutbox::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void WebhookOutbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WebhookOutboxStats WebhookOutbox::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::int64_t WebhookOutbox::now_ms() const {
  return unix_ms(clock_.wall_now());
}

void WebhookOutbox::save_new_events() {
  if (!pull_) return;
  for (const WebhookEvent& event : pull_()) {
    for (const WebhookEndpoint& endpoint : endpoints_) {
      if (!endpoint.wants(event.type)) continue;
      auto insert = db_.cached(
          "INSERT OR IGNORE INTO webhook_deliveries (tenant_id, endpoint, event_type, event_id, "
          "body, state, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, "
          "?6)");
      if (!insert) {
        log(LogLevel::error, "webhook.store_failed", {{"error", insert.error().message}});
        return;
      }
      insert->bind(1, event.tenant_id)
          .bind(2, endpoint.name)
          .bind(3, event.type)
          .bind(4, event.id)
          .bind(5, event.body)
          .bind(6, now_ms());
      if (auto done = insert->run(); !done) {
        log(LogLevel::error, "webhook.store_failed", {{"error", done.error().message}});
      }
    }
  }
}

std::optional<std::int64_t> WebhookOutbox::earliest_pending() {
  auto select =
      db_.cached("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'");
  if (!select) return std::nullopt;
  auto row = select->step();
  if (!row || !*row || select->column_is_null(0)) return std::nullopt;
  return select->column_int(0);
}

bool WebhookOutbox::send_one_due() {
  std::int64_t id = 0;
  std::string endpoint_name;
  std::string type;
  std::string event_id;
  std::string body;
  std::int64_t attempts = 0;
  {
    auto select = db_.cached(
        "SELECT id, endpoint, event_type, event_id, body, attempts FROM webhook_deliveries "
        "WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1");
    if (!select) return false;
    select->bind(1, now_ms());
    auto row = select->step();
    if (!row || !*row) return false;
    id = select->column_int(0);
    endpoint_name = select->column_text(1);
    type = select->column_text(2);
    event_id = select->column_text(3);
    body = select->column_text(4);
    attempts = select->column_int(5);
  }
  const auto endpoint =
      std::find_if(endpoints_.begin(), endpoints_.end(),
                   [&](const WebhookEndpoint& e) { return e.name == endpoint_name; });
  Result<int> status = make_error(0, "the endpoint is no longer configured");
  if (endpoint != endpoints_.end()) {
    const std::int64_t unix_seconds = now_ms() / 1000;
    status = poster_.post(
        endpoint->url,
        {{"Content-Type", "application/json"},
         {"X-Dzvin-Event", type},
         {"X-Dzvin-Delivery", event_id},
         {"X-Dzvin-Signature", webhook_signature(endpoint->secret, unix_seconds, body)}},
        body, endpoint->timeout);
  }
  ++attempts;
  const bool delivered = status && *status >= 200 && *status < 300;
  const bool give_up = !delivered && attempts >= options_.max_attempts;
  auto delay = options_.first_retry;
  for (std::int64_t i = 1; i < attempts && delay < options_.max_retry; ++i)
    delay *= 2;
  delay = std::min(delay, options_.max_retry);
  auto update = db_.cached(
      "UPDATE webhook_deliveries SET state = ?1, attempts = ?2, next_attempt_at = ?3, "
      "last_status = ?4, last_error = ?5, delivered_at = ?6 WHERE id = ?7");
  if (!update) return false;
  const std::int64_t now = now_ms();
  update->bind(1, delivered ? "delivered"
                  : give_up ? "failed"
                            : "pending")
      .bind(2, attempts)
      .bind(3, now + delay.count())
      .bind(4, std::int64_t{status ? *status : 0})
      .bind(5, status ? (delivered ? std::string() : "HTTP " + std::to_string(*status))
                      : status.error().message);
  if (delivered) {
    update->bind(6, now);
  } else {
    update->bind_null(6);
  }
  update->bind(7, id);
  if (auto done = update->run(); !done) {
    log(LogLevel::error, "webhook.store_failed", {{"error", done.error().message}});
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    if (delivered) {
      ++stats_.delivered;
    } else {
      ++stats_.failed_attempts;
      if (give_up) ++stats_.given_up;
    }
  }
  if (!delivered) {
    log(give_up ? LogLevel::error : LogLevel::warn, "webhook.attempt_failed",
        {{"endpoint", endpoint_name},
         {"event", type},
         {"attempts", attempts},
         {"status", status ? *status : 0},
         {"error", status ? std::string() : status.error().message},
         {"given_up", give_up}});
  }
  return true;
}

void WebhookOutbox::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    woken_ = false;
    const bool stopping = stopping_;
    lock.unlock();
    save_new_events();
    if (stopping) return;
    while (send_one_due()) {
      std::lock_guard check(mutex_);
      if (stopping_) break;
    }
    const auto next = earliest_pending();
    lock.lock();
    if (stopping_ || woken_) continue;
    if (next) {
      const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(0, *next - now_ms()));
      wake_.wait_for(lock, std::min(wait, std::chrono::milliseconds(60'000)),
                     [&] { return stopping_ || woken_; });
    } else {
      wake_.wait(lock, [&] { return stopping_ || woken_; });
    }
  }
}

}  // namespace dzvin::notify
