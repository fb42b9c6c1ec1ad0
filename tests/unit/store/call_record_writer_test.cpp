#include "store/call_record_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

using namespace std::chrono_literals;
using pbx::CallEvent;
using pbx::CallEventKind;

class CallRecordWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("dzvin.db");
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
  }
  CallEvent event(std::string uid, std::uint32_t seq, CallEventKind kind, WallTime at,
                  std::string target = {}, std::string detail = {}, int status = 0) {
    CallEvent e;
    e.kind = kind;
    e.call_uid = std::move(uid);
    e.seq = seq;
    e.tenant_id = 1;
    e.at = at;
    e.caller = "1001";
    e.called = "500";
    e.target = std::move(target);
    e.detail = std::move(detail);
    e.sip_status = status;
    return e;
  }
  std::vector<CallRecord> records() {
    auto db = Database::open(path, DatabaseOptions{1000, true});
    EXPECT_TRUE(db);
    auto list = list_call_records(*db, 10);
    EXPECT_TRUE(list) << (list ? "" : list.error().message);
    return list ? *list : std::vector<CallRecord>{};
  }

  testing::TempDir dir;
  std::string path;
  const WallTime t0 = WallTime{std::chrono::seconds{1'800'000'000}};
};

TEST_F(CallRecordWriterTest, OneRecordPerCallWithItsTimeline) {
  auto writer = CallRecordWriter::open(path);
  ASSERT_TRUE(writer) << writer.error().message;
  (*writer)->on_call_event(event("c1", 0, CallEventKind::started, t0, {}, "duty"));
  (*writer)->on_call_event(event("c1", 1, CallEventKind::ringing, t0 + 100ms, "1002@x"));
  (*writer)->on_call_event(
      event("c1", 2, CallEventKind::attempt, t0 + 20s, "1002@x", "no answer", 408));
  (*writer)->on_call_event(event("c1", 3, CallEventKind::answered, t0 + 25s, "1003@x"));
  (*writer)->on_call_event(
      event("c1", 4, CallEventKind::ended, t0 + 85s, {}, "answered: caller hung up"));
  (*writer)->on_call_event(event("c2", 0, CallEventKind::started, t0 + 90s));
  (*writer)->on_call_event(event("c2", 1, CallEventKind::ended, t0 + 91s, {}, "missed: busy", 486));
  (*writer)->stop();  // writes what is queued
  EXPECT_EQ((*writer)->stats().written, 7u);

  const auto calls = records();
  ASSERT_EQ(calls.size(), 2u);
  const CallRecord& missed = calls[0];  // newest first
  EXPECT_EQ(missed.id, "c2");
  EXPECT_EQ(missed.outcome, "missed: busy");
  EXPECT_EQ(missed.sip_status, 486);
  EXPECT_FALSE(missed.answered_at_ms.has_value());
  EXPECT_EQ(missed.talk_ms, 0);

  const CallRecord& answered = calls[1];
  EXPECT_EQ(answered.caller, "1001");
  EXPECT_EQ(answered.called, "500");
  EXPECT_EQ(answered.answered_by, "1003@x");
  EXPECT_EQ(answered.outcome, "answered: caller hung up");
  EXPECT_EQ(answered.talk_ms, 60'000);
  ASSERT_EQ(answered.timeline.size(), 5u);
  EXPECT_EQ(answered.timeline[0].kind, "started");
  EXPECT_EQ(answered.timeline[2].kind, "attempt");
  EXPECT_EQ(answered.timeline[2].target, "1002@x");
  EXPECT_EQ(answered.timeline[2].sip_status, 408);
  EXPECT_EQ(answered.timeline[2].at_ms - answered.started_at_ms, 20'000);
  EXPECT_EQ(answered.timeline[4].kind, "ended");
}

TEST_F(CallRecordWriterTest, CallsFromOutsideAreFirstContactsOrClients) {
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute(
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'a.test', 1);"
        "INSERT INTO contacts (id, tenant_id, name, created_at, updated_at) VALUES "
        "(1, 1, 'Known', 1, 1);"
        "INSERT INTO contact_phones (tenant_id, number, contact_id) VALUES "
        "(1, '+380671112244', 1);"));
  }
  auto writer = CallRecordWriter::open(path);
  const auto started = [&](std::string uid, std::string caller, WallTime at) {
    CallEvent e = event(std::move(uid), 0, CallEventKind::started, at);
    e.caller = std::move(caller);
    (*writer)->on_call_event(e);
  };
  started("first", "+380501112233", t0);          // never called, no contact
  started("again", "+380501112233", t0 + 60s);    // called before
  started("client", "+380671112244", t0 + 120s);  // a contact's number
  started("inside", "1001", t0 + 180s);           // the company's own phone
  (*writer)->stop();
  auto db = Database::open(path);
  ASSERT_TRUE(db);
  for (const auto& [uid, kind] :
       {std::pair{"first", "primary"}, std::pair{"again", "secondary"},
        std::pair{"client", "secondary"}, std::pair{"inside", "<null>"}}) {
    auto stmt = db->prepare("SELECT coalesce(caller_kind, '<null>') FROM calls WHERE id = ?1");
    ASSERT_TRUE(stmt);
    stmt->bind(1, std::string_view(uid));
    auto row = stmt->step();
    ASSERT_TRUE(row && *row) << uid;
    EXPECT_EQ(stmt->column_text(0), kind) << uid;
  }
}

TEST_F(CallRecordWriterTest, EventsAreWrittenWithoutWaitingForStop) {
  auto writer = CallRecordWriter::open(path, BatchWriterOptions{10ms, 1000, 1000});
  ASSERT_TRUE(writer);
  (*writer)->on_call_event(event("c1", 0, CallEventKind::started, t0));
  // The flush interval bounds what a kill -9 can lose: the row shows up without stop().
  for (int i = 0; i < 500 && records().empty(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(records().size(), 1u);
  (*writer)->stop();
}

TEST_F(CallRecordWriterTest, AFullQueueDropsAndCounts) {
  auto writer = CallRecordWriter::open(path, BatchWriterOptions{10s, 1000, 2});
  ASSERT_TRUE(writer);
  for (std::uint32_t i = 0; i < 5; ++i)
    (*writer)->on_call_event(event("c" + std::to_string(i), 0, CallEventKind::started, t0));
  (*writer)->stop();
  EXPECT_EQ((*writer)->stats().dropped, 3u);
  EXPECT_EQ((*writer)->stats().written, 2u);
  EXPECT_EQ(records().size(), 2u);
}

}  // namespace
}  // namespace dzvin::store
