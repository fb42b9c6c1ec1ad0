#pragma once
// CallRecordWriter: turns the call engine's events into call records (tables `calls` and
// `call_events`, migration 2) and keeps the hourly counts of `call_hours` (migration 4) as
// calls end. Subscribed to the engine on the signalling thread, it only queues (BatchWriter);
// its own connection writes in batches, so nothing on the call path waits for the disk.
// stop() writes everything queued.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "pbx/call_event.hpp"
#include "store/batch_writer.hpp"
#include "store/database.hpp"

namespace dzvin::store {

class CallRecordWriter final : public pbx::CallEventSink {
 public:
  // Opens its own connection to the (migrated) database at `path`.
  static Result<std::unique_ptr<CallRecordWriter>> open(const std::string& path,
                                                        BatchWriterOptions options = {});
  ~CallRecordWriter() override;

  void on_call_event(const pbx::CallEvent& event) override;
  void stop();
  BatchWriterStats stats() const { return writer_->stats(); }

 private:
  explicit CallRecordWriter(Database db);
  BatchResult write(std::span<const pbx::CallEvent> events);

  Database db_;
  Statement insert_call_;
  Statement answer_call_;
  Statement end_call_;
  Statement count_call_hour_;
  Statement insert_event_;
  Statement insert_voicemail_;
  Statement insert_recording_;
  Statement finish_recording_;
  std::unique_ptr<BatchWriter<pbx::CallEvent>> writer_;
};

// A call record as read back (the `calls` listing and the REST API to come).
struct CallRecordEvent {
  std::int64_t at_ms = 0;
  std::string kind;
  std::string target;
  std::string detail;
  int sip_status = 0;
};
struct CallRecord {
  std::string id;
  std::int64_t tenant_id = 0;
  std::string caller;
  std::string called;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::string answered_by;
  std::optional<std::int64_t> ended_at_ms;
  std::string outcome;
  int sip_status = 0;
  std::int64_t talk_ms = 0;
  std::vector<CallRecordEvent> timeline;
};

// Recordings a previous process left in state 'recording' (it stopped before their end was
// stored: a crash, or calls still up at shutdown): 'complete' when the file is under its final
// name in `data_dir` (the writer renames only after the file is synced), else 'incomplete'
// (the audio so far is in "<path>.part"). Returns how many were changed.
Result<int> reconcile_recordings(Database& db, const std::string& data_dir);

// The newest `limit` calls, newest first, with their timelines.
Result<std::vector<CallRecord>> list_call_records(Database& db, std::size_t limit);

}  // namespace dzvin::store
