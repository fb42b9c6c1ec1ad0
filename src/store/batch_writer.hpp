#pragma once
// BatchWriter<Item>: the way the signalling thread hands rows to the database without waiting
// for it. push() appends to a queue under a short mutex hold; a writer thread takes the whole
// queue every flush_interval (or as soon as batch_size items wait) and gives it to `write`,
// which commits it in one transaction. stop() (and the destructor) writes what is queued
// before returning, so a graceful shutdown loses nothing; a kill -9 loses at most the last
// flush_interval.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <utility>
#include <vector>

namespace dzvin::store {

struct BatchWriterOptions {
  std::chrono::milliseconds flush_interval{200};
  std::size_t batch_size = 1000;
  // Items beyond this many waiting are dropped (and counted): a stuck disk must not grow the
  // process without bound.
  std::size_t max_queued = 200'000;
};

struct BatchWriterStats {
  std::uint64_t written = 0;
  std::uint64_t failed = 0;
  std::uint64_t dropped = 0;
  std::uint64_t batches = 0;
};

// What one write did: items committed and items that failed.
struct BatchResult {
  std::uint64_t written = 0;
  std::uint64_t failed = 0;
};

template <class Item>
class BatchWriter {
 public:
  using WriteFn = std::function<BatchResult(std::span<const Item>)>;

  BatchWriter(WriteFn write, BatchWriterOptions options = {})
      : write_(std::move(write)), options_(options) {
    thread_ = std::thread([this] { run(); });
  }
  ~BatchWriter() { stop(); }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // False when the item was dropped (queue full or stopped).
  bool push(Item item) {
    std::lock_guard lock(mutex_);
    if (stopping_ || queued_.size() >= options_.max_queued) {
      ++stats_.dropped;
      return false;
    }
    queued_.push_back(std::move(item));
    if (queued_.size() == options_.batch_size) wake_.notify_one();
    return true;
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  BatchWriterStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  void run() {
    std::vector<Item> writing;
    for (;;) {
      bool stop = false;
      {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, options_.flush_interval,
                       [&] { return stopping_ || queued_.size() >= options_.batch_size; });
        std::swap(queued_, writing);
        stop = stopping_;
      }
      if (!writing.empty()) {
        const BatchResult r = write_(writing);
        writing.clear();
        std::lock_guard lock(mutex_);
        stats_.written += r.written;
        stats_.failed += r.failed;
        ++stats_.batches;
      }
      if (stop) {
        std::lock_guard lock(mutex_);
        if (queued_.empty()) return;
      }
    }
  }

  WriteFn write_;
  BatchWriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Item> queued_;
  bool stopping_ = false;
  BatchWriterStats stats_;
  std::thread thread_;
};

}  // namespace dzvin::store
