#pragma once
// MailOutbox: the durable queue between "a voicemail was left" and "the mail server has it".
// enqueue() is called on the signalling thread and only appends to an in-memory queue under a
// short mutex hold. The outbox's own thread, with its own connection to the database, writes
// each queued e-mail as one `email_deliveries` row per recipient (state pending), then sends
// due rows one at a time through the Mailer: sent, or retried after a doubling delay, or
// failed after max_attempts. Rows survive a restart: a new outbox picks up every pending row,
// so delivery is at least once (a crash during a send sends that message again).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "notify/mailer.hpp"
#include "store/database.hpp"

namespace dzvin::notify {

struct OutgoingEmail {
  std::int64_t tenant_id = 0;
  std::string kind;             // what the mail is about: "voicemail"
  std::int64_t subject_id = 0;  // voicemails.id for kind voicemail
  std::vector<std::string> recipients;
  std::string message;  // the complete message (format_email), sent as is on every attempt
};

struct MailOutboxOptions {
  // Delay after the first failed attempt; doubled after each further one, up to max_retry.
  std::chrono::milliseconds first_retry{std::chrono::seconds{60}};
  std::chrono::milliseconds max_retry{std::chrono::hours{1}};
  int max_attempts = 8;  // then the row is 'failed'
  // E-mails waiting for the thread beyond this many are dropped (and logged): a stuck disk
  // must not grow the process without bound.
  std::size_t max_queued = 10'000;
};

// The wait before the attempt that follows `failed_attempts` failures (>= 1).
std::chrono::milliseconds retry_delay(const MailOutboxOptions& options, int failed_attempts);

struct MailOutboxStats {
  std::uint64_t sent = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t given_up = 0;  // rows that became 'failed'
  std::uint64_t dropped = 0;   // e-mails refused by enqueue (queue full or stopped)
};

class MailOutbox {
 public:
  // Opens its own connection to the (migrated) database at `path` and starts the thread.
  // `mailer` and `clock` must outlive the outbox; the mailer is called from its thread only.
  static Result<std::unique_ptr<MailOutbox>> open(const std::string& path, Mailer& mailer,
                                                  const Clock& clock,
                                                  MailOutboxOptions options = {});
  ~MailOutbox();
  MailOutbox(const MailOutbox&) = delete;
  MailOutbox& operator=(const MailOutbox&) = delete;

  // Never waits for the disk or the network. False when dropped (queue full, or stopped).
  bool enqueue(OutgoingEmail email);
  // Lets a running attempt finish, writes everything queued to the table (to be sent by the
  // next outbox), ends the thread. Later enqueues are dropped. Also done by the destructor.
  void stop();
  MailOutboxStats stats() const;

 private:
  struct DueRow;
  MailOutbox(store::Database db, Mailer& mailer, const Clock& clock, MailOutboxOptions options);
  void run();
  Result<void> save(std::vector<OutgoingEmail>& unsaved);
  Result<std::optional<DueRow>> next_due(std::int64_t now_ms);
  Result<std::optional<std::int64_t>> earliest_pending();
  void attempt(const DueRow& row);
  Result<void> send_guarded(const std::string& recipient, const std::string& message);
  std::int64_t now_ms() const;

  store::Database db_;
  store::Statement insert_;
  store::Statement select_due_;
  store::Statement select_earliest_;
  store::Statement mark_sent_;
  store::Statement mark_retry_;
  store::Statement mark_failed_;
  Mailer& mailer_;
  const Clock& clock_;
  MailOutboxOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<OutgoingEmail> queued_;
  bool stopping_ = false;
  MailOutboxStats stats_;
  std::once_flag joined_;
  std::thread thread_;
};

// An email_deliveries row as read back, for the CLI and the API (without the message).
struct EmailDelivery {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string kind;
  std::int64_t subject_id = 0;
  std::string recipient;
  std::string state;  // pending, sent, failed
  int attempts = 0;
  std::int64_t next_attempt_at_ms = 0;
  std::string last_error;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> sent_at_ms;
};

// The newest `limit` deliveries, newest first.
Result<std::vector<EmailDelivery>> list_email_deliveries(store::Database& db, std::size_t limit);

}  // namespace dzvin::notify
