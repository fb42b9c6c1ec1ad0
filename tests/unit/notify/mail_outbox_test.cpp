#include "notify/mail_outbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "notify/notify_error.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::notify {
namespace {

using namespace std::chrono_literals;

// Conditions are awaited, never timed: generous for a loaded CI machine, and only reached
// when something is wrong.
constexpr auto kDeadline = 20s;

// Calls `behaviour` with the 1-based number of the call; records every recipient it was given.
class FakeMailer final : public Mailer {
 public:
  using Behaviour = std::function<Result<void>(int call)>;
  explicit FakeMailer(Behaviour behaviour = [](int) { return Result<void>{}; })
      : behaviour_(std::move(behaviour)) {}

  Result<void> send(const std::vector<std::string>& recipients, std::string_view message) override {
    int call = 0;
    {
      std::lock_guard lock(mutex_);
      call = ++calls_;
      for (const auto& r : recipients)
        recipients_.push_back(r);
      last_message_ = std::string(message);
    }
    changed_.notify_all();
    return behaviour_(call);
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<std::string> recipients() const {
    std::lock_guard lock(mutex_);
    return recipients_;
  }
  std::string last_message() const {
    std::lock_guard lock(mutex_);
    return last_message_;
  }
  bool wait_calls(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kDeadline, [&] { return calls_ >= n; });
  }

 private:
  Behaviour behaviour_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  std::vector<std::string> recipients_;
  std::string last_message_;
};

// A gate the fake mailer waits at until the test opens it.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    open_cv_.wait(lock, [&] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    open_cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable open_cv_;
  bool open_ = false;
};

Result<void> temporary_failure(int call) {
  return make_error(code(NotifyErrc::smtp_failed),
                    "451 try again later (call " + std::to_string(call) + ")");
}

// Log lines, captured to check what failures say.
std::mutex g_lines_mutex;
std::vector<std::string> g_lines;
void capture(std::string_view line) {
  std::lock_guard lock(g_lines_mutex);
  g_lines.emplace_back(line);
}

class MailOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("dzvin.db");
    auto db = store::Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::migrate(*db));
    options.first_retry = 10ms;
    options.max_retry = 40ms;
    options.max_attempts = 4;
  }

  std::unique_ptr<MailOutbox> open(Mailer& mailer) {
    auto outbox = MailOutbox::open(path, mailer, clock, options);
    EXPECT_TRUE(outbox) << (outbox ? "" : outbox.error().message);
    return outbox ? std::move(*outbox) : nullptr;
  }

  static OutgoingEmail email(std::vector<std::string> recipients, std::int64_t subject_id = 42) {
    return OutgoingEmail{7, "voicemail", subject_id, std::move(recipients),
                         "Subject: voicemail " + std::to_string(subject_id) + "\r\n\r\nhi\r\n"};
  }

  std::vector<EmailDelivery> deliveries() {
    auto db = store::Database::open(path, store::DatabaseOptions{5000, true});
    EXPECT_TRUE(db);
    if (!db) return {};
    auto list = list_email_deliveries(*db, 1000);
    EXPECT_TRUE(list) << (list ? "" : list.error().message);
    return list ? *list : std::vector<EmailDelivery>{};
  }

  // Polls the table until every one of `count` rows satisfies `done`.
  bool wait_rows(std::size_t count, const std::function<bool(const EmailDelivery&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto rows = deliveries();
      if (rows.size() == count && std::all_of(rows.begin(), rows.end(), done)) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  static bool is_sent(const EmailDelivery& d) { return d.state == "sent"; }

  testing::TempDir dir;
  std::string path;
  SystemClock clock;
  MailOutboxOptions options;
};

TEST_F(MailOutboxTest, EveryRecipientGetsARowThatBecomesSent) {
  FakeMailer mailer;
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  EXPECT_TRUE(outbox->enqueue(email({"anna@acme.test", "bob@acme.test"})));
  ASSERT_TRUE(wait_rows(2, is_sent));
  for (const EmailDelivery& d : deliveries()) {
    EXPECT_EQ(d.tenant_id, 7);
    EXPECT_EQ(d.kind, "voicemail");
    EXPECT_EQ(d.subject_id, 42);
    EXPECT_EQ(d.attempts, 1);
    EXPECT_TRUE(d.sent_at_ms);
    EXPECT_GT(d.created_at_ms, 0);
  }
  outbox->stop();
  auto sent_to = mailer.recipients();
  std::sort(sent_to.begin(), sent_to.end());
  EXPECT_EQ(sent_to, (std::vector<std::string>{"anna@acme.test", "bob@acme.test"}));
  EXPECT_EQ(mailer.last_message(), email({}).message);
  EXPECT_EQ(outbox->stats().sent, 2u);
}

TEST_F(MailOutboxTest, RetriesAfterFailuresUntilSent) {
  FakeMailer mailer([](int call) { return call <= 2 ? temporary_failure(call) : Result<void>{}; });
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  outbox->enqueue(email({"anna@acme.test"}));
  ASSERT_TRUE(wait_rows(1, is_sent));
  const auto rows = deliveries();
  EXPECT_EQ(rows[0].attempts, 3);
  // Why the earlier attempts failed stays visible.
  EXPECT_NE(rows[0].last_error.find("451"), std::string::npos) << rows[0].last_error;
  outbox->stop();
  EXPECT_EQ(mailer.calls(), 3);
  EXPECT_EQ(outbox->stats().failed_attempts, 2u);
}

TEST_F(MailOutboxTest, GivesUpAfterMaxAttemptsAndLogsEveryFailure) {
  {
    std::lock_guard lock(g_lines_mutex);
    g_lines.clear();
  }
  set_log_sink(capture);
  FakeMailer mailer(temporary_failure);
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  outbox->enqueue(email({"anna@acme.test"}));
  ASSERT_TRUE(wait_rows(1, [](const EmailDelivery& d) { return d.state == "failed"; }));
  outbox->stop();
  set_log_sink(nullptr);
  const auto rows = deliveries();
  EXPECT_EQ(rows[0].attempts, 4);
  EXPECT_NE(rows[0].last_error.find("call 4"), std::string::npos) << rows[0].last_error;
  EXPECT_FALSE(rows[0].sent_at_ms);
  EXPECT_EQ(mailer.calls(), 4);
  EXPECT_EQ(outbox->stats().given_up, 1u);

  std::lock_guard lock(g_lines_mutex);
  int failures = 0;
  for (const std::string& line : g_lines) {
    if (line.find("event=email.failed") == std::string::npos) continue;
    ++failures;
    EXPECT_NE(line.find("level=warn"), std::string::npos) << line;
    EXPECT_NE(line.find("delivery=" + std::to_string(rows[0].id)), std::string::npos) << line;
    EXPECT_NE(line.find("recipient=anna@acme.test"), std::string::npos) << line;
    EXPECT_NE(line.find("attempt=" + std::to_string(failures)), std::string::npos) << line;
    EXPECT_NE(line.find("451 try again later"), std::string::npos) << line;
  }
  EXPECT_EQ(failures, 4);
}

TEST_F(MailOutboxTest, RetryDelayDoublesUpToTheMaximum) {
  MailOutboxOptions o;
  o.first_retry = 1min;
  o.max_retry = 10min;
  EXPECT_EQ(retry_delay(o, 1), 1min);
  EXPECT_EQ(retry_delay(o, 2), 2min);
  EXPECT_EQ(retry_delay(o, 3), 4min);
  EXPECT_EQ(retry_delay(o, 4), 8min);
  EXPECT_EQ(retry_delay(o, 5), 10min);
  EXPECT_EQ(retry_delay(o, 1000), 10min);
  EXPECT_EQ(retry_delay(MailOutboxOptions{}, 7), 1h);  // 64 min capped at the default 1 h
}

TEST_F(MailOutboxTest, EnqueueNeverWaitsForTheMailer) {
  Gate gate;
  FakeMailer mailer([&](int) {
    gate.wait();
    return Result<void>{};
  });
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  outbox->enqueue(email({"first@acme.test"}, 1));
  ASSERT_TRUE(mailer.wait_calls(1));  // the thread is now inside the mailer, held at the gate
  auto enqueued = std::async(std::launch::async, [&] {
    for (int i = 2; i <= 50; ++i)
      outbox->enqueue(email({"more@acme.test"}, i));
  });
  const bool returned = enqueued.wait_for(kDeadline) == std::future_status::ready;
  gate.open();
  ASSERT_TRUE(returned) << "enqueue waited for the mailer";
  ASSERT_TRUE(wait_rows(50, is_sent));
}

TEST_F(MailOutboxTest, StopFinishesTheAttemptAndKeepsTheQueueForTheNextOutbox) {
  Gate gate;
  FakeMailer failing([&](int call) {
    gate.wait();
    return temporary_failure(call);
  });
  auto first = open(failing);
  ASSERT_TRUE(first);
  first->enqueue(email({"anna@acme.test"}, 1));
  ASSERT_TRUE(failing.wait_calls(1));
  // Queued while the thread is busy: only in memory until stop() writes it.
  first->enqueue(email({"bob@acme.test"}, 2));
  auto stopped = std::async(std::launch::async, [&] { first->stop(); });
  gate.open();
  ASSERT_EQ(stopped.wait_for(kDeadline), std::future_status::ready);
  EXPECT_FALSE(first->enqueue(email({"late@acme.test"}, 3)));
  EXPECT_EQ(first->stats().dropped, 1u);

  // Whether the thread saw the stop before or after one more try is a race; that the attempt
  // in progress was recorded and that nothing queued was lost is not.
  auto rows = deliveries();
  ASSERT_EQ(rows.size(), 2u);
  for (const EmailDelivery& d : rows) {
    EXPECT_EQ(d.state, "pending") << d.recipient;
    if (d.subject_id == 1) {
      EXPECT_GE(d.attempts, 1);
    }
  }

  FakeMailer working;
  auto second = open(working);
  ASSERT_TRUE(second);
  ASSERT_TRUE(wait_rows(2, is_sent));
  second->stop();
  auto sent_to = working.recipients();
  std::sort(sent_to.begin(), sent_to.end());
  EXPECT_EQ(sent_to, (std::vector<std::string>{"anna@acme.test", "bob@acme.test"}));
}

TEST_F(MailOutboxTest, PicksUpRowsLeftPendingByACrashedProcess) {
  {
    auto db = store::Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute(
        "INSERT INTO email_deliveries (tenant_id, kind, subject_id, recipient, message, state, "
        "attempts, next_attempt_at, created_at) VALUES "
        "(1, 'voicemail', 9, 'anna@acme.test', 'Subject: x\r\n\r\n', 'pending', 2, 0, 0), "
        "(1, 'voicemail', 8, 'bob@acme.test', 'Subject: y\r\n\r\n', 'sent', 1, 0, 0)"));
  }
  FakeMailer mailer;
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  ASSERT_TRUE(wait_rows(2, is_sent));
  outbox->stop();
  EXPECT_EQ(mailer.recipients(), std::vector<std::string>{"anna@acme.test"});
  for (const EmailDelivery& d : deliveries()) {
    if (d.subject_id == 9) {
      EXPECT_EQ(d.attempts, 3);
    }
  }
}

TEST_F(MailOutboxTest, InvalidRecipientFailsAtOnceWithoutBlockingTheOthers) {
  FakeMailer mailer;
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  outbox->enqueue(email({"not an address", "anna@acme.test"}));
  ASSERT_TRUE(wait_rows(2, [](const EmailDelivery& d) { return d.state != "pending"; }));
  outbox->stop();
  for (const EmailDelivery& d : deliveries()) {
    if (d.recipient == "anna@acme.test") {
      EXPECT_EQ(d.state, "sent");
    } else {
      EXPECT_EQ(d.state, "failed");
      EXPECT_EQ(d.attempts, 0);
      EXPECT_NE(d.last_error.find("invalid e-mail address"), std::string::npos) << d.last_error;
    }
  }
  EXPECT_EQ(mailer.recipients(), std::vector<std::string>{"anna@acme.test"});
}

TEST_F(MailOutboxTest, AThrowingMailerCountsAsAFailedAttempt) {
  FakeMailer mailer([](int call) -> Result<void> {
    if (call == 1) throw std::runtime_error("boom");
    return {};
  });
  auto outbox = open(mailer);
  ASSERT_TRUE(outbox);
  outbox->enqueue(email({"anna@acme.test"}));
  ASSERT_TRUE(wait_rows(1, is_sent));
  outbox->stop();
  const auto rows = deliveries();
  EXPECT_EQ(rows[0].attempts, 2);
  EXPECT_NE(rows[0].last_error.find("boom"), std::string::npos);
}

TEST_F(MailOutboxTest, ListsNewestFirstUpToTheLimit) {
  {
    auto db = store::Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute(
        "INSERT INTO email_deliveries (tenant_id, kind, subject_id, recipient, message, state, "
        "attempts, next_attempt_at, last_error, created_at, sent_at) VALUES "
        "(1, 'voicemail', 1, 'a@x.test', 'm', 'sent', 1, 100, '', 100, 150), "
        "(1, 'voicemail', 2, 'b@x.test', 'm', 'failed', 8, 300, '550 no', 300, NULL), "
        "(1, 'voicemail', 3, 'c@x.test', 'm', 'pending', 0, 200, '', 200, NULL)"));
    auto list = list_email_deliveries(*db, 2);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].subject_id, 2);
    EXPECT_EQ((*list)[0].state, "failed");
    EXPECT_EQ((*list)[0].attempts, 8);
    EXPECT_EQ((*list)[0].last_error, "550 no");
    EXPECT_FALSE((*list)[0].sent_at_ms);
    EXPECT_EQ((*list)[1].subject_id, 3);
    auto all = list_email_deliveries(*db, 10);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[2].sent_at_ms, 150);
    EXPECT_EQ((*all)[2].recipient, "a@x.test");
  }
}

TEST_F(MailOutboxTest, OpenFailsWithoutTheSchema) {
  FakeMailer mailer;
  auto outbox = MailOutbox::open(dir.file("empty.db"), mailer, clock, options);
  EXPECT_FALSE(outbox);
}

}  // namespace
}  // namespace dzvin::notify
