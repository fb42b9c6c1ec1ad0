#include "notify/mail_outbox.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

#include "base/log.hpp"
#include "notify/email_message.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {

namespace {

using std::chrono::milliseconds;

// A database that keeps failing (disk full, locked) is retried at least this often, and a
// waiting thread looks again at least this often, so a wall-clock jump delays mail by at most
// this much.
constexpr milliseconds kMaxWait{std::chrono::minutes{1}};
constexpr std::size_t kMaxErrorText = 1000;

constexpr std::string_view kInsert =
    "INSERT INTO email_deliveries (tenant_id, kind, subject_id, recipient, message, state, "
    "attempts, next_attempt_at, last_error, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?7)";
constexpr std::string_view kSelectDue =
    "SELECT id, recipient, message, attempts FROM email_deliveries "
    "WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1";
constexpr std::string_view kSelectEarliest =
    "SELECT MIN(next_attempt_at) FROM email_deliveries WHERE state = 'pending'";
constexpr std::string_view kMarkSent =
    "UPDATE email_deliveries SET state = 'sent', attempts = ?2, sent_at = ?3 WHERE id = ?1";
constexpr std::string_view kMarkRetry =
    "UPDATE email_deliveries SET attempts = ?2, last_error = ?3, next_attempt_at = ?4 "
    "WHERE id = ?1";
constexpr std::string_view kMarkFailed =
    "UPDATE email_deliveries SET state = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1";

std::string clipped(std::string text) {
  if (text.size() > kMaxErrorText) text.resize(kMaxErrorText);
  return text;
}

}  // namespace

struct MailOutbox::DueRow {
  std::int64_t id = 0;
  std::string recipient;
  std::string message;
  int attempts = 0;
};

milliseconds retry_delay(const MailOutboxOptions& options, int failed_attempts) {
  milliseconds delay = std::max(options.first_retry, milliseconds{1});
  for (int i = 1; i < failed_attempts && delay < options.max_retry; ++i)
    delay *= 2;
  return std::min(delay, std::max(options.max_retry, milliseconds{1}));
}

Result<std::unique_ptr<MailOutbox>> MailOutbox::open(const std::string& path, Mailer& mailer,
                                                     const Clock& clock,
                                                     MailOutboxOptions options) {
  auto db = store::Database::open(path);
  if (!db) return db.error();
  std::unique_ptr<MailOutbox> outbox(new MailOutbox(std::move(*db), mailer, clock, options));
  MailOutbox& o = *outbox;
  for (auto [stmt, sql] :
       {std::pair{&o.insert_, kInsert}, std::pair{&o.select_due_, kSelectDue},
        std::pair{&o.select_earliest_, kSelectEarliest}, std::pair{&o.mark_sent_, kMarkSent},
        std::pair{&o.mark_retry_, kMarkRetry}, std::pair{&o.mark_failed_, kMarkFailed}}) {
    auto prepared = o.db_.prepare(sql);
    if (!prepared) return prepared.error();
    *stmt = std::move(*prepared);
  }
  auto pending = o.db_.prepare("SELECT COUNT(*) FROM email_deliveries WHERE state = 'pending'");
  if (!pending) return pending.error();
  if (auto row = pending->step(); !row) return row.error();
  if (const std::int64_t n = pending->column_int(0); n > 0) {
    log(LogLevel::info, "email.outbox_resumed", {{"pending", n}});
  }
  o.thread_ = std::thread([&o] { o.run(); });
  return outbox;
}

MailOutbox::MailOutbox(store::Database db, Mailer& mailer, const Clock& clock,
                       MailOutboxOptions options)
    : db_(std::move(db)), mailer_(mailer), clock_(clock), options_(options) {
  options_.max_attempts = std::max(options_.max_attempts, 1);
}

MailOutbox::~MailOutbox() {
  stop();
}

bool MailOutbox::enqueue(OutgoingEmail email) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queued_.size() < options_.max_queued) {
      queued_.push_back(std::move(email));
      wake_.notify_one();
      return true;
    }
    ++stats_.dropped;
  }
  log(LogLevel::error, "email.dropped",
      {{"kind", email.kind}, {"subject", email.subject_id}, {"tenant", email.tenant_id}});
  return false;
}

void MailOutbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::call_once(joined_, [this] {
    if (thread_.joinable()) thread_.join();
  });
}

MailOutboxStats MailOutbox::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::int64_t MailOutbox::now_ms() const {
  return std::chrono::duration_cast<milliseconds>(clock_.wall_now().time_since_epoch()).count();
}

void MailOutbox::run() {
  // Taken from the queue but not yet in the table (the database failed): kept and retried,
  // never dropped while the process lives.
  std::vector<OutgoingEmail> unsaved;
  for (;;) {
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      std::move(queued_.begin(), queued_.end(), std::back_inserter(unsaved));
      queued_.clear();
      stopping = stopping_;
    }
    const bool saved = unsaved.empty() || save(unsaved).ok();
    if (stopping) {
      if (!saved) {
        log(LogLevel::error, "email.lost_at_stop", {{"emails", unsaved.size()}});
      }
      return;
    }
    milliseconds wait = kMaxWait;
    if (!saved) wait = std::min(wait, options_.first_retry);
    const std::int64_t now = now_ms();
    auto due = next_due(now);
    if (due && *due) {
      attempt(**due);
      continue;  // look at the queue again before the next send
    }
    if (!due) {
      log(LogLevel::error, "email.outbox_read_failed", {{"error", due.error().message}});
      wait = std::min(wait, options_.first_retry);
    } else if (auto earliest = earliest_pending(); !earliest) {
      log(LogLevel::error, "email.outbox_read_failed", {{"error", earliest.error().message}});
      wait = std::min(wait, options_.first_retry);
    } else if (*earliest) {
      wait = std::min(wait, milliseconds{std::max<std::int64_t>(**earliest - now, 1)});
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return stopping_ || !queued_.empty(); });
  }
}

Result<void> MailOutbox::save(std::vector<OutgoingEmail>& unsaved) {
  auto tx = store::Transaction::begin(db_);
  if (!tx) {
    log(LogLevel::error, "email.outbox_write_failed", {{"error", tx.error().message}});
    return tx.error();
  }
  const std::int64_t now = now_ms();
  struct Refused {
    std::int64_t id;
    const std::string* recipient;
    std::string error;
  };
  std::vector<Refused> refused;
  for (const OutgoingEmail& email : unsaved) {
    if (email.recipients.empty()) {
      log(LogLevel::warn, "email.no_recipient",
          {{"kind", email.kind}, {"subject", email.subject_id}, {"tenant", email.tenant_id}});
    }
    for (const std::string& recipient : email.recipients) {
      // An address that can never work is recorded as failed right away instead of being
      // retried for hours.
      const Result<void> valid = check_address(recipient);
      const std::string error = valid ? std::string() : clipped(valid.error().message);
      insert_.reset();
      insert_.bind(1, email.tenant_id).bind(2, email.kind).bind(3, email.subject_id);
      insert_.bind(4, recipient).bind(5, email.message);
      insert_.bind(6, valid ? "pending" : "failed").bind(7, now).bind(8, error);
      if (auto r = insert_.run(); !r) {
        log(LogLevel::error, "email.outbox_write_failed", {{"error", r.error().message}});
        return r.error();  // the transaction rolls back; everything is tried again
      }
      if (!valid) refused.push_back(Refused{db_.last_insert_id(), &recipient, error});
    }
  }
  if (auto r = tx->commit(); !r) {
    log(LogLevel::error, "email.outbox_write_failed", {{"error", r.error().message}});
    return r.error();
  }
  for (const Refused& f : refused) {
    log(LogLevel::warn, "email.failed",
        {{"delivery", f.id},
         {"recipient", *f.recipient},
         {"attempt", 0},
         {"error", f.error},
         {"state", "failed"}});
  }
  {
    std::lock_guard lock(mutex_);
    stats_.given_up += refused.size();
  }
  unsaved.clear();
  return {};
}

Result<std::optional<MailOutbox::DueRow>> MailOutbox::next_due(std::int64_t now) {
  select_due_.reset();
  select_due_.bind(1, now);
  auto row = select_due_.step();
  if (!row) return row.error();
  if (!*row) return std::optional<DueRow>{};
  DueRow due;
  due.id = select_due_.column_int(0);
  due.recipient = select_due_.column_text(1);
  due.message = select_due_.column_text(2);
  due.attempts = static_cast<int>(select_due_.column_int(3));
  select_due_.reset();  // ends the read before the send, which may take a while
  return std::optional<DueRow>(std::move(due));
}

Result<std::optional<std::int64_t>> MailOutbox::earliest_pending() {
  select_earliest_.reset();
  auto row = select_earliest_.step();
  if (!row) return row.error();
  std::optional<std::int64_t> earliest;
  if (*row && !select_earliest_.column_is_null(0)) earliest = select_earliest_.column_int(0);
  select_earliest_.reset();
  return earliest;
}

Result<void> MailOutbox::send_guarded(const std::string& recipient, const std::string& message) {
  // An exception must not end the thread: every later e-mail would wait forever.
  try {
    return mailer_.send({recipient}, message);
  } catch (const std::exception& e) {
    return make_error(code(NotifyErrc::smtp_failed), std::string("mailer threw: ") + e.what());
  } catch (...) {
    return make_error(code(NotifyErrc::smtp_failed), "mailer threw");
  }
}

void MailOutbox::attempt(const DueRow& row) {
  const Result<void> sent = send_guarded(row.recipient, row.message);
  const int attempt_number = row.attempts + 1;
  const std::int64_t now = now_ms();
  Result<void> written;
  if (sent) {
    mark_sent_.reset();
    mark_sent_.bind(1, row.id).bind(2, std::int64_t{attempt_number}).bind(3, now);
    written = mark_sent_.run();
    log(LogLevel::info, "email.sent",
        {{"delivery", row.id}, {"recipient", row.recipient}, {"attempt", attempt_number}});
    std::lock_guard lock(mutex_);
    ++stats_.sent;
  } else {
    const bool give_up = attempt_number >= options_.max_attempts;
    const std::string error = clipped(sent.error().message);
    if (give_up) {
      mark_failed_.reset();
      mark_failed_.bind(1, row.id).bind(2, std::int64_t{attempt_number}).bind(3, error);
      written = mark_failed_.run();
    } else {
      const milliseconds delay = retry_delay(options_, attempt_number);
      mark_retry_.reset();
      mark_retry_.bind(1, row.id).bind(2, std::int64_t{attempt_number}).bind(3, error);
      mark_retry_.bind(4, now + delay.count());
      written = mark_retry_.run();
    }
    log(LogLevel::warn, "email.failed",
        {{"delivery", row.id},
         {"recipient", row.recipient},
         {"attempt", attempt_number},
         {"error", error},
         {"state", give_up ? "failed" : "pending"}});
    std::lock_guard lock(mutex_);
    ++stats_.failed_attempts;
    if (give_up) ++stats_.given_up;
  }
  if (!written) {
    // The row stays as it was: it is attempted again (a sent one possibly twice).
    log(LogLevel::error, "email.outbox_write_failed",
        {{"delivery", row.id}, {"error", written.error().message}});
  }
}

Result<std::vector<EmailDelivery>> list_email_deliveries(store::Database& db, std::size_t limit) {
  auto stmt = db.prepare(
      "SELECT id, tenant_id, kind, subject_id, recipient, state, attempts, next_attempt_at, "
      "last_error, created_at, sent_at FROM email_deliveries "
      "ORDER BY created_at DESC, id DESC LIMIT ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, static_cast<std::int64_t>(limit));
  std::vector<EmailDelivery> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    EmailDelivery d;
    d.id = stmt->column_int(0);
    d.tenant_id = stmt->column_int(1);
    d.kind = stmt->column_text(2);
    d.subject_id = stmt->column_int(3);
    d.recipient = stmt->column_text(4);
    d.state = stmt->column_text(5);
    d.attempts = static_cast<int>(stmt->column_int(6));
    d.next_attempt_at_ms = stmt->column_int(7);
    d.last_error = stmt->column_text(8);
    d.created_at_ms = stmt->column_int(9);
    if (!stmt->column_is_null(10)) d.sent_at_ms = stmt->column_int(10);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace dzvin::notify
