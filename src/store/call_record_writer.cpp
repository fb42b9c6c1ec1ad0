#include "store/call_record_writer.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>
#include <vector>

#include "base/log.hpp"

namespace dzvin::store {

namespace {

constexpr std::string_view kInsertCall =
    "INSERT OR IGNORE INTO calls (id, tenant_id, caller, called, started_at, caller_kind) "
    "VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN substr(?3, 1, 1) <> '+' THEN NULL "
    "WHEN EXISTS (SELECT 1 FROM contact_phones WHERE tenant_id = ?2 AND number = ?3) OR "
    "EXISTS (SELECT 1 FROM calls WHERE tenant_id = ?2 AND caller = ?3 AND started_at < ?5) "
    "THEN 'secondary' ELSE 'primary' END)";
constexpr std::string_view kAnswerCall =
    "UPDATE calls SET answered_at = ?2, answered_by = ?3 WHERE id = ?1 AND answered_at IS NULL";
constexpr std::string_view kEndCall =
    "UPDATE calls SET ended_at = ?2, outcome = ?3, sip_status = ?4, "
    "talk_ms = CASE WHEN answered_at IS NULL THEN 0 ELSE ?2 - answered_at END WHERE id = ?1";
// The call's hour in `call_hours` (migration 4): one row for the number dialled and one for
// all the tenant's numbers together (called = ''), which the all-numbers heatmap reads
// instead of one row per number and hour (outgoing calls make a row per external number).
// Counted once: before the `ended` update, and only while the row is not ended yet (a
// repeated `ended` event does not count twice). Missed = no person answered (voicemail,
// abandoned and failed calls included).
constexpr std::string_view kCountCallHour =
    "INSERT INTO call_hours (tenant_id, called, hour_start, total, missed) "
    "SELECT c.tenant_id, CASE WHEN k.all_numbers THEN '' ELSE c.called END, "
    "(c.started_at / 3600000) * 3600, 1, CASE WHEN c.answered_at IS NULL THEN 1 ELSE 0 END "
    "FROM calls c JOIN (SELECT 0 AS all_numbers UNION ALL SELECT 1) k "
    "WHERE c.id = ?1 AND c.ended_at IS NULL AND (k.all_numbers OR c.called != '') "
    "ON CONFLICT (tenant_id, called, hour_start) DO UPDATE SET total = total + excluded.total, "
    "missed = missed + excluded.missed";
constexpr std::string_view kInsertVoicemail =
    "INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at, "
    "duration_ms, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kInsertRecording =
    "INSERT INTO recordings (id, tenant_id, call_id, started_at, channels, path, state) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'recording')";
constexpr std::string_view kFinishRecording =
    "UPDATE recordings SET duration_ms = ?2, state = ?3 WHERE id = ?1 AND state = 'recording'";
constexpr std::string_view kInsertEvent =
    "INSERT OR REPLACE INTO call_events (call_id, seq, at, kind, target, detail, sip_status) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

}  // namespace

Result<std::unique_ptr<CallRecordWriter>> CallRecordWriter::open(const std::string& path,
                                                                 BatchWriterOptions options) {
  auto db = Database::open(path);
  if (!db) return db.error();
  std::unique_ptr<CallRecordWriter> w(new CallRecordWriter(std::move(*db)));
  for (auto [stmt, sql] :
       {std::pair{&w->insert_call_, kInsertCall}, std::pair{&w->answer_call_, kAnswerCall},
        std::pair{&w->end_call_, kEndCall}, std::pair{&w->count_call_hour_, kCountCallHour},
        std::pair{&w->insert_event_, kInsertEvent},
        std::pair{&w->insert_voicemail_, kInsertVoicemail},
        std::pair{&w->insert_recording_, kInsertRecording},
        std::pair{&w->finish_recording_, kFinishRecording}}) {
    auto prepared = w->db_.prepare(sql);
    if (!prepared) return prepared.error();
    *stmt = std::move(*prepared);
  }
  CallRecordWriter* self = w.get();
  w->writer_ = std::make_unique<BatchWriter<pbx::CallEvent>>(
      [self](std::span<const pbx::CallEvent> events) { return self->write(events); }, options);
  return w;
}

CallRecordWriter::CallRecordWriter(Database db) : db_(std::move(db)) {}

CallRecordWriter::~CallRecordWriter() {
  stop();
}

void CallRecordWriter::stop() {
  if (writer_) writer_->stop();
}

void CallRecordWriter::on_call_event(const pbx::CallEvent& event) {
  writer_->push(event);
}

BatchResult CallRecordWriter::write(std::span<const pbx::CallEvent> events) {
  BatchResult result;
  auto tx = Transaction::begin(db_);
  if (!tx) {
    log(LogLevel::error, "store.call_records_write_failed", {{"error", tx.error().message}});
    result.failed = events.size();
    return result;
  }
  for (const pbx::CallEvent& e : events) {
    const std::int64_t at = unix_ms(e.at);
    Result<void> r;
    switch (e.kind) {
      case pbx::CallEventKind::started:
        insert_call_.reset();
        insert_call_.bind(1, e.call_uid).bind(2, e.tenant_id).bind(3, e.caller).bind(4, e.called);
        insert_call_.bind(5, at);
        r = insert_call_.run();
        break;
      case pbx::CallEventKind::answered:
        answer_call_.reset();
        answer_call_.bind(1, e.call_uid).bind(2, at).bind(3, e.target);
        r = answer_call_.run();
        break;
      case pbx::CallEventKind::ended:
        count_call_hour_.reset();
        count_call_hour_.bind(1, e.call_uid);
        r = count_call_hour_.run();
        if (!r) break;
        end_call_.reset();
        end_call_.bind(1, e.call_uid).bind(2, at).bind(3, e.detail);
        end_call_.bind(4, std::int64_t{e.sip_status});
        r = end_call_.run();
        break;
      case pbx::CallEventKind::voicemail_recorded:
        insert_voicemail_.reset();
        insert_voicemail_.bind(1, e.media_id).bind(2, e.tenant_id).bind(3, e.target);
        insert_voicemail_.bind(4, e.call_uid).bind(5, e.caller).bind(6, e.called);
        insert_voicemail_.bind(7, at - e.duration_ms).bind(8, e.duration_ms).bind(9, e.file);
        r = insert_voicemail_.run();
        break;
      case pbx::CallEventKind::recording_started:
        insert_recording_.reset();
        insert_recording_.bind(1, e.media_id).bind(2, e.tenant_id).bind(3, e.call_uid);
        insert_recording_.bind(4, at).bind(5, std::int64_t{e.channels}).bind(6, e.file);
        r = insert_recording_.run();
        break;
      case pbx::CallEventKind::recording_finished:
        finish_recording_.reset();
        finish_recording_.bind(1, e.media_id).bind(2, e.duration_ms);
        finish_recording_.bind(3, e.complete ? "complete" : "incomplete");
        r = finish_recording_.run();
        break;
      default:
        break;
    }
    if (r) {
      insert_event_.reset();
      insert_event_.bind(1, e.call_uid).bind(2, std::int64_t{e.seq}).bind(3, at);
      // The timeline names the file of voicemails and recordings.
      const std::string detail = e.file.empty()     ? e.detail
                                 : e.detail.empty() ? e.file
                                                    : e.file + ": " + e.detail;
      insert_event_.bind(4, pbx::to_string(e.kind)).bind(5, e.target).bind(6, detail);
      insert_event_.bind(7, std::int64_t{e.sip_status});
      r = insert_event_.run();
    }
    if (r) {
      ++result.written;
    } else {
      ++result.failed;
      log(LogLevel::warn, "store.call_record_write_failed",
          {{"call", e.call_uid}, {"error", r.error().message}});
    }
  }
  if (auto r = tx->commit(); !r) {
    log(LogLevel::error, "store.call_records_write_failed", {{"error", r.error().message}});
    result.failed += result.written;
    result.written = 0;
  }
  return result;
}

Result<int> reconcile_recordings(Database& db, const std::string& data_dir) {
  auto select = db.prepare("SELECT id, path, channels FROM recordings WHERE state = 'recording'");
  if (!select) return select.error();
  struct Found {
    std::int64_t id;
    bool complete;
    std::int64_t duration_ms;
  };
  std::vector<Found> found;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    std::error_code ec;
    const std::string path = data_dir + "/" + select->column_text(1);
    const bool complete = std::filesystem::is_regular_file(path, ec);
    // The length from the size: 8 kHz 16-bit PCM after a 44-byte header (close enough for
    // the call log; the file itself is what counts).
    const auto size = std::filesystem::file_size(complete ? path : path + ".part", ec);
    const std::int64_t channels = std::max<std::int64_t>(1, select->column_int(2));
    const std::int64_t duration =
        ec || size < 44 ? 0 : static_cast<std::int64_t>(size - 44) / (16 * channels);
    found.push_back(Found{select->column_int(0), complete, duration});
  }
  auto update = db.prepare("UPDATE recordings SET state = ?2, duration_ms = ?3 WHERE id = ?1");
  if (!update) return update.error();
  for (const Found& f : found) {
    update->reset();
    update->bind(1, f.id).bind(2, f.complete ? "complete" : "incomplete").bind(3, f.duration_ms);
    if (auto r = update->run(); !r) return r.error();
  }
  return static_cast<int>(found.size());
}

Result<std::vector<CallRecord>> list_call_records(Database& db, std::size_t limit) {
  auto calls = db.prepare(
      "SELECT id, tenant_id, caller, called, started_at, answered_at, answered_by, ended_at, "
      "outcome, sip_status, talk_ms FROM calls ORDER BY started_at DESC, id LIMIT ?1");
  if (!calls) return calls.error();
  calls->bind(1, static_cast<std::int64_t>(limit));
  std::vector<CallRecord> out;
  for (;;) {
    auto row = calls->step();
    if (!row) return row.error();
    if (!*row) break;
    CallRecord c;
    c.id = calls->column_text(0);
    c.tenant_id = calls->column_int(1);
    c.caller = calls->column_text(2);
    c.called = calls->column_text(3);
    c.started_at_ms = calls->column_int(4);
    if (!calls->column_is_null(5)) c.answered_at_ms = calls->column_int(5);
    c.answered_by = calls->column_text(6);
    if (!calls->column_is_null(7)) c.ended_at_ms = calls->column_int(7);
    c.outcome = calls->column_text(8);
    c.sip_status = static_cast<int>(calls->column_int(9));
    c.talk_ms = calls->column_int(10);
    out.push_back(std::move(c));
  }
  auto events = db.prepare(
      "SELECT at, kind, target, detail, sip_status FROM call_events WHERE call_id = ?1 "
      "ORDER BY seq");
  if (!events) return events.error();
  for (CallRecord& c : out) {
    events->reset();
    events->bind(1, c.id);
    for (;;) {
      auto row = events->step();
      if (!row) return row.error();
      if (!*row) break;
      c.timeline.push_back(CallRecordEvent{events->column_int(0), events->column_text(1),
                                           events->column_text(2), events->column_text(3),
                                           static_cast<int>(events->column_int(4))});
    }
  }
  return out;
}

}  // namespace dzvin::store
