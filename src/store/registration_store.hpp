#pragma once
// SqliteBindingStore: persistence of registration bindings (sip::BindingStore). The
// signalling thread only appends to an in-memory queue (a short mutex hold, no I/O, no
// allocation once the queue's slots have grown); a writer thread commits the queued changes
// in one transaction every flush_interval or as soon as batch_size are waiting. stop() (and
// the destructor) flushes everything before returning.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "sip/binding.hpp"
#include "store/batch_writer.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct BindingStoreOptions {
  std::chrono::milliseconds flush_interval{50};
  std::size_t batch_size = 1000;
  // Changes beyond this many waiting are dropped (and counted): a stuck disk must not grow
  // the signalling process without bound. Bindings are refreshed by phones anyway.
  std::size_t max_queued = 200'000;
};

// written: changes committed; failed: their statement or batch failed; dropped: refused
// because the queue was full or stopped.
using BindingStoreStats = BatchWriterStats;

class SqliteBindingStore final : public sip::BindingStore {
 public:
  // Opens its own connection to the (already migrated) database at `path` and starts the
  // writer thread. `clock` decides which bindings load_all() considers expired.
  static Result<std::unique_ptr<SqliteBindingStore>> open(const std::string& path,
                                                          const Clock& clock,
                                                          BindingStoreOptions options = {});
  ~SqliteBindingStore() override;

  void save(const sip::Binding& binding) override;
  void remove(const std::string& aor, const std::string& contact) override;
  // Deletes expired rows, then returns the rest.
  std::vector<sip::Binding> load_all() override;

  // Writes everything queued and ends the writer thread; later changes are dropped.
  void stop();
  BindingStoreStats stats() const;

 private:
  SqliteBindingStore(Database db, const Clock& clock, BindingStoreOptions options);
  struct Change {
    bool remove = false;
    sip::Binding binding;  // for removals only aor and contact are set
  };
  Change* next_slot();  // under mutex_
  void run();
  void write_batch(std::vector<Change>& changes, std::size_t count);

  const Clock& clock_;
  BindingStoreOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Change> queued_;  // slots [0, queued_count_) hold changes; the rest are spare
  std::size_t queued_count_ = 0;
  bool stopping_ = false;
  BindingStoreStats stats_;

  std::mutex db_mutex_;  // the writer thread and load_all() share the connection
  Database db_;
  Statement upsert_;
  Statement delete_;
  std::thread writer_;
};

// Unexpired registrations as stored, ordered by AoR (for `dzvin registrations`; any thread,
// any connection, e.g. a read-only one).
Result<std::vector<sip::Binding>> list_registrations(Database& db, WallTime now);

// The registrations.source column: "udp:192.0.2.1:5060#0", "tcp:[2001:db8::1]:5070#17".
std::string format_source(const sip::Peer& peer);
Result<sip::Peer> parse_source(std::string_view text);

}  // namespace dzvin::store
