#include "store/media_retention.hpp"

#include <filesystem>
#include <utility>
#include <vector>

#include "base/log.hpp"

namespace dzvin::store {

Result<int> delete_expired_recordings(Database& db, const std::string& data_dir,
                                      std::chrono::days retention, WallTime now) {
  const std::int64_t cutoff_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>((now - retention).time_since_epoch())
          .count();
  auto select = db.prepare(
      "SELECT id, path, state FROM recordings WHERE started_at < ?1 "
      "AND state IN ('complete', 'incomplete') LIMIT 10000");
  if (!select) return select.error();
  select->bind(1, cutoff_ms);
  std::vector<std::int64_t> deleted;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    std::string path = data_dir + "/" + select->column_text(1);
    if (select->column_text(2) == "incomplete") path += ".part";
    std::error_code ec;
    std::filesystem::remove(path, ec);  // false without error: already gone
    if (ec) {
      log(LogLevel::warn, "store.retention_delete_failed",
          {{"file", path}, {"error", ec.message()}});
      continue;
    }
    deleted.push_back(select->column_int(0));
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto mark = db.prepare("UPDATE recordings SET state = 'deleted', deleted_at = ?2 WHERE id = ?1");
  if (!mark) return mark.error();
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  for (std::int64_t id : deleted) {
    mark->reset();
    mark->bind(1, id).bind(2, now_ms);
    if (auto r = mark->run(); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return static_cast<int>(deleted.size());
}

MediaRetention::MediaRetention(std::string database_path, std::string data_dir,
                               std::chrono::days retention, std::chrono::minutes interval)
    : database_path_(std::move(database_path)),
      data_dir_(std::move(data_dir)),
      retention_(retention),
      interval_(interval) {
  if (retention_.count() > 0) thread_ = std::thread([this] { run(); });
}

MediaRetention::~MediaRetention() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MediaRetention::run() {
  auto db = Database::open(database_path_);
  if (!db) {
    log(LogLevel::error, "store.retention_failed", {{"error", db.error().message}});
    return;
  }
  for (;;) {
    auto n =
        delete_expired_recordings(*db, data_dir_, retention_, std::chrono::system_clock::now());
    if (!n) {
      log(LogLevel::error, "store.retention_failed", {{"error", n.error().message}});
    } else if (*n > 0) {
      log(LogLevel::info, "store.recordings_expired",
          {{"recordings", *n}, {"retention_days", retention_.count()}});
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace dzvin::store
