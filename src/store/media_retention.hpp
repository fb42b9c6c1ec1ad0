#pragma once
// Recordings are kept for the company's retention period (RecordingPolicy::retention) and then
// deleted: the file (or the ".part" of an incomplete one) first, then the row is marked
// 'deleted' with deleted_at, so the call log still shows that there was a recording. A
// MediaRetention thread runs the sweep at start and every hour on its own connection.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

// Deletes the recordings that started before now - `retention`; returns how many. A file that
// cannot be removed (other than already gone) keeps its row unchanged for the next sweep.
Result<int> delete_expired_recordings(Database& db, const std::string& data_dir,
                                      std::chrono::days retention, WallTime now);

class MediaRetention {
 public:
  // retention 0: keeps everything (no thread).
  MediaRetention(std::string database_path, std::string data_dir, std::chrono::days retention,
                 std::chrono::minutes interval = std::chrono::minutes(60));
  ~MediaRetention();
  MediaRetention(const MediaRetention&) = delete;
  MediaRetention& operator=(const MediaRetention&) = delete;

 private:
  void run();
  std::string database_path_;
  std::string data_dir_;
  std::chrono::days retention_;
  std::chrono::minutes interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dzvin::store
