// Voicemails and call recordings as the call record writer stores them (tables `voicemails`
// and `recordings`, migration 3).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/call_record_writer.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

using namespace std::chrono_literals;
using pbx::CallEvent;
using pbx::CallEventKind;

struct VoicemailRow {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string box;
  std::string call_id;
  std::string caller;
  std::string called;
  std::int64_t recorded_at = 0;
  std::int64_t duration_ms = 0;
  std::string path;
  std::int64_t heard = -1;
  bool deleted = true;
};

struct RecordingRow {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string call_id;
  std::int64_t started_at = 0;
  std::int64_t duration_ms = -1;
  std::int64_t channels = 0;
  std::string path;
  std::string state;
  bool deleted = true;
};

class MediaRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("dzvin.db");
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
    auto w = CallRecordWriter::open(path);
    ASSERT_TRUE(w) << w.error().message;
    writer = std::move(*w);
  }

  CallEvent event(const std::string& uid, CallEventKind kind, WallTime at) {
    CallEvent e;
    e.kind = kind;
    e.call_uid = uid;
    e.seq = next_seq[uid]++;
    e.tenant_id = 7;
    e.at = at;
    e.caller = "+380501112233";
    e.called = "500";
    return e;
  }
  void send(const CallEvent& e) { writer->on_call_event(e); }
  // started at `at`, ended a minute later.
  void call(const std::string& uid, WallTime at) {
    send(event(uid, CallEventKind::started, at));
    CallEvent ended = event(uid, CallEventKind::ended, at + 60s);
    ended.detail = "missed: no answer";
    send(ended);
  }
  void voicemail(const std::string& uid, WallTime at, std::int64_t media_id, std::string box,
                 std::string file, std::int64_t duration_ms) {
    CallEvent e = event(uid, CallEventKind::voicemail_recorded, at);
    e.media_id = media_id;
    e.target = std::move(box);
    e.file = std::move(file);
    e.duration_ms = duration_ms;
    send(e);
  }
  void recording_started(const std::string& uid, WallTime at, std::int64_t media_id,
                         std::string file, int channels) {
    CallEvent e = event(uid, CallEventKind::recording_started, at);
    e.media_id = media_id;
    e.file = std::move(file);
    e.channels = channels;
    send(e);
  }
  void recording_finished(const std::string& uid, WallTime at, std::int64_t media_id,
                          std::string file, bool complete, std::int64_t duration_ms,
                          std::string error = {}) {
    CallEvent e = event(uid, CallEventKind::recording_finished, at);
    e.media_id = media_id;
    e.file = std::move(file);
    e.complete = complete;
    e.duration_ms = duration_ms;
    e.detail = std::move(error);
    send(e);
  }

  Database reader() {
    auto db = Database::open(path);
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    return db ? std::move(*db) : Database{};
  }

  std::vector<VoicemailRow> voicemails() {
    Database db = reader();
    auto stmt = db.prepare(
        "SELECT id, tenant_id, box, call_id, caller, called, recorded_at, duration_ms, path, "
        "heard, deleted_at FROM voicemails ORDER BY id");
    EXPECT_TRUE(stmt) << (stmt ? "" : stmt.error().message);
    std::vector<VoicemailRow> rows;
    if (!stmt) return rows;
    while (true) {
      auto row = stmt->step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      rows.push_back(VoicemailRow{stmt->column_int(0), stmt->column_int(1), stmt->column_text(2),
                                  stmt->column_text(3), stmt->column_text(4), stmt->column_text(5),
                                  stmt->column_int(6), stmt->column_int(7), stmt->column_text(8),
                                  stmt->column_int(9), !stmt->column_is_null(10)});
    }
    return rows;
  }

  std::vector<RecordingRow> recordings() {
    Database db = reader();
    auto stmt = db.prepare(
        "SELECT id, tenant_id, call_id, started_at, duration_ms, channels, path, state, "
        "deleted_at FROM recordings ORDER BY id");
    EXPECT_TRUE(stmt) << (stmt ? "" : stmt.error().message);
    std::vector<RecordingRow> rows;
    if (!stmt) return rows;
    while (true) {
      auto row = stmt->step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      rows.push_back(RecordingRow{stmt->column_int(0), stmt->column_int(1), stmt->column_text(2),
                                  stmt->column_int(3), stmt->column_int(4), stmt->column_int(5),
                                  stmt->column_text(6), stmt->column_text(7),
                                  !stmt->column_is_null(8)});
    }
    return rows;
  }

  std::optional<CallRecord> record(const std::string& uid) {
    Database db = reader();
    auto list = list_call_records(db, 100);
    EXPECT_TRUE(list) << (list ? "" : list.error().message);
    if (!list) return std::nullopt;
    for (CallRecord& c : *list) {
      if (c.id == uid) return std::move(c);
    }
    return std::nullopt;
  }

  static std::int64_t ms(WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }

  testing::TempDir dir;
  std::string path;
  std::unique_ptr<CallRecordWriter> writer;
  std::map<std::string, std::uint32_t> next_seq;
  const WallTime t0 = WallTime{std::chrono::seconds{1'800'000'000}};
  // Ids as the engine makes them: random, positive, below 2^53.
  static constexpr std::int64_t kVoicemailId = 4'503'599'627'370'495;  // 2^52 - 1
  static constexpr std::int64_t kRecordingId = 9'007'199'254'740'991;  // 2^53 - 1
};

TEST_F(MediaRowsTest, AVoicemailIsARow) {
  call("c1", t0);
  // The file is finished after the call is over: the message began duration_ms before `at`.
  voicemail("c1", t0 + 61s, kVoicemailId, "sales", "voicemail/2027/01/15/c1.wav", 25'300);
  writer->stop();
  EXPECT_EQ(writer->stats().written, 3u);
  EXPECT_EQ(writer->stats().failed, 0u);

  const auto rows = voicemails();
  ASSERT_EQ(rows.size(), 1u);
  const VoicemailRow& vm = rows[0];
  EXPECT_EQ(vm.id, kVoicemailId);
  EXPECT_EQ(vm.tenant_id, 7);
  EXPECT_EQ(vm.box, "sales");
  EXPECT_EQ(vm.call_id, "c1");
  EXPECT_EQ(vm.caller, "+380501112233");
  EXPECT_EQ(vm.called, "500");
  EXPECT_EQ(vm.recorded_at, ms(t0 + 61s) - 25'300);
  EXPECT_EQ(vm.duration_ms, 25'300);
  EXPECT_EQ(vm.path, "voicemail/2027/01/15/c1.wav");
  EXPECT_EQ(vm.heard, 0) << "a new message is unheard";
  EXPECT_FALSE(vm.deleted);
  EXPECT_TRUE(recordings().empty());
}

TEST_F(MediaRowsTest, ACompleteRecordingIsARow) {
  send(event("c2", CallEventKind::started, t0));
  CallEvent answered = event("c2", CallEventKind::answered, t0 + 5s);
  answered.target = "anna@example.ua";
  send(answered);
  recording_started("c2", t0 + 5s, kRecordingId, "recordings/2027/01/15/c2.wav", 2);
  send(event("c2", CallEventKind::ended, t0 + 65s));
  recording_finished("c2", t0 + 65s, kRecordingId, "recordings/2027/01/15/c2.wav", true, 60'000);
  writer->stop();
  EXPECT_EQ(writer->stats().written, 5u);
  EXPECT_EQ(writer->stats().failed, 0u);

  const auto rows = recordings();
  ASSERT_EQ(rows.size(), 1u);
  const RecordingRow& r = rows[0];
  EXPECT_EQ(r.id, kRecordingId);
  EXPECT_EQ(r.tenant_id, 7);
  EXPECT_EQ(r.call_id, "c2");
  EXPECT_EQ(r.started_at, ms(t0 + 5s));
  EXPECT_EQ(r.duration_ms, 60'000);
  EXPECT_EQ(r.channels, 2);
  EXPECT_EQ(r.path, "recordings/2027/01/15/c2.wav");
  EXPECT_EQ(r.state, "complete");
  EXPECT_FALSE(r.deleted);
  EXPECT_TRUE(voicemails().empty());
}

TEST_F(MediaRowsTest, VoicemailAndRecordingOfDifferentCallsAreKeptApart) {
  call("c1", t0);
  voicemail("c1", t0 + 61s, 11, "sales", "voicemail/c1.wav", 4'000);
  send(event("c2", CallEventKind::started, t0 + 100s));
  recording_started("c2", t0 + 105s, 22, "recordings/c2.wav", 1);
  recording_finished("c2", t0 + 130s, 22, "recordings/c2.wav", true, 25'000);
  send(event("c2", CallEventKind::ended, t0 + 130s));
  writer->stop();

  const auto vms = voicemails();
  ASSERT_EQ(vms.size(), 1u);
  EXPECT_EQ(vms[0].id, 11);
  EXPECT_EQ(vms[0].call_id, "c1");
  const auto recs = recordings();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].id, 22);
  EXPECT_EQ(recs[0].call_id, "c2");
  EXPECT_EQ(recs[0].channels, 1);
  EXPECT_EQ(recs[0].state, "complete");
  EXPECT_EQ(recs[0].duration_ms, 25'000);
}

TEST_F(MediaRowsTest, AnUnfinishedFileIsIncomplete) {
  send(event("c3", CallEventKind::started, t0));
  recording_started("c3", t0 + 2s, 33, "recordings/c3.wav", 1);
  send(event("c3", CallEventKind::ended, t0 + 20s));
  recording_finished("c3", t0 + 20s, 33, "recordings/c3.wav", false, 17'500, "disk full");
  writer->stop();

  const auto rows = recordings();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "incomplete");
  EXPECT_EQ(rows[0].duration_ms, 17'500) << "what was recorded before it failed";
}

TEST_F(MediaRowsTest, AFinishedRecordingIsNotFinishedAgain) {
  send(event("c4", CallEventKind::started, t0));
  recording_started("c4", t0 + 1s, 44, "recordings/c4.wav", 1);
  recording_finished("c4", t0 + 31s, 44, "recordings/c4.wav", true, 30'000);
  recording_finished("c4", t0 + 40s, 44, "recordings/c4.wav", false, 1'000);
  writer->stop();

  const auto rows = recordings();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "complete");
  EXPECT_EQ(rows[0].duration_ms, 30'000);
}

// A crash leaves rows in state 'recording'. The writer renames a file to its final name only
// once it is synced, so a file under the final name is complete; otherwise only the ".part"
// (or nothing) is there and the recording is incomplete.
TEST_F(MediaRowsTest, RecordingsLeftInProgressAreReconciledWithTheFiles) {
  send(event("c5", CallEventKind::started, t0));
  recording_started("c5", t0 + 1s, 55, "recordings/c5.wav", 2);  // the process died here
  send(event("c6", CallEventKind::started, t0 + 10s));
  recording_started("c6", t0 + 11s, 66, "recordings/c6.wav", 1);
  recording_finished("c6", t0 + 20s, 66, "recordings/c6.wav", true, 9'000);
  send(event("c9", CallEventKind::started, t0 + 30s));
  recording_started("c9", t0 + 31s, 99, "recordings/c9.wav", 1);  // renamed, then the crash
  writer->stop();
  {
    const auto rows = recordings();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].state, "recording");
    EXPECT_EQ(rows[0].duration_ms, 0);
    EXPECT_EQ(rows[2].state, "recording");
  }
  const std::filesystem::path data = dir.path() / "data";
  std::filesystem::create_directories(data / "recordings");
  // A 44-byte header and then 8 kHz 16-bit PCM: 2 s of stereo, 1.5 s of mono.
  std::ofstream(data / "recordings" / "c5.wav.part") << std::string(44 + 2 * 32'000, 'x');
  std::ofstream(data / "recordings" / "c9.wav") << std::string(44 + 24'000, 'x');

  Database db = reader();
  auto changed = reconcile_recordings(db, data.string());
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(*changed, 2);
  const auto rows = recordings();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, 55);
  EXPECT_EQ(rows[0].state, "incomplete") << "only the .part is there";
  EXPECT_EQ(rows[0].duration_ms, 2'000) << "the length from the .part's size";
  EXPECT_EQ(rows[1].id, 66);
  EXPECT_EQ(rows[1].state, "complete") << "a finished recording is left alone";
  EXPECT_EQ(rows[1].duration_ms, 9'000);
  EXPECT_EQ(rows[2].id, 99);
  EXPECT_EQ(rows[2].state, "complete") << "the file is under its final name";
  EXPECT_EQ(rows[2].duration_ms, 1'500);

  auto again = reconcile_recordings(db, data.string());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(MediaRowsTest, AFinishedRecordingWhoseFileIsGoneIsNotReconciled) {
  send(event("c4", CallEventKind::started, t0));
  recording_started("c4", t0 + 1s, 44, "recordings/c4.wav", 1);
  recording_finished("c4", t0 + 31s, 44, "recordings/c4.wav", true, 30'000);
  writer->stop();
  Database db = reader();
  auto changed = reconcile_recordings(db, (dir.path() / "no-such-dir").string());
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(*changed, 0);
  const auto rows = recordings();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "complete");
}

TEST_F(MediaRowsTest, NothingToReconcileInAFreshDatabase) {
  writer->stop();
  Database db = reader();
  auto changed = reconcile_recordings(db, dir.path().string());
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(*changed, 0);
}

TEST_F(MediaRowsTest, TheTimelineNamesTheFiles) {
  call("c7", t0);
  voicemail("c7", t0 + 61s, 77, "sales", "voicemail/c7.wav", 5'000);
  send(event("c8", CallEventKind::started, t0 + 100s));
  recording_started("c8", t0 + 101s, 88, "recordings/c8.wav", 2);
  send(event("c8", CallEventKind::ended, t0 + 130s));
  recording_finished("c8", t0 + 130s, 88, "recordings/c8.wav", false, 29'000, "disk full");
  writer->stop();

  const auto vm_call = record("c7");
  ASSERT_TRUE(vm_call.has_value());
  ASSERT_EQ(vm_call->timeline.size(), 3u);
  const CallRecordEvent& vm = vm_call->timeline[2];
  EXPECT_EQ(vm.kind, "voicemail_recorded");
  EXPECT_EQ(vm.target, "sales");
  EXPECT_EQ(vm.detail, "voicemail/c7.wav");
  EXPECT_EQ(vm.at_ms, ms(t0 + 61s));
  EXPECT_EQ(vm_call->outcome, "missed: no answer") << "the late event leaves the call's outcome";

  const auto rec_call = record("c8");
  ASSERT_TRUE(rec_call.has_value());
  ASSERT_EQ(rec_call->timeline.size(), 4u);
  EXPECT_EQ(rec_call->timeline[1].kind, "recording_started");
  EXPECT_EQ(rec_call->timeline[1].detail, "recordings/c8.wav");
  EXPECT_EQ(rec_call->timeline[1].at_ms, ms(t0 + 101s));
  EXPECT_EQ(rec_call->timeline[2].kind, "ended");
  EXPECT_EQ(rec_call->timeline[3].kind, "recording_finished");
  // An incomplete recording keeps its reason beside the file.
  EXPECT_EQ(rec_call->timeline[3].detail, "recordings/c8.wav: disk full");
}

}  // namespace
}  // namespace dzvin::store
