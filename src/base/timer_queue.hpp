#pragma once
// TimerQueue: the timers of one event loop (SIP transaction timers, registration expiry).
// It never reads a clock itself: the loop calls run_due(clock.now()) when the earliest
// deadline has passed, so tests drive it with a FakeClock and no sleeping.
// Not thread-safe: owned by one loop.
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"

namespace dzvin {

using TimerId = std::uint64_t;  // 0 is never a valid id

class TimerQueue {
 public:
  using Callback = std::function<void()>;

  // Schedules cb to run at the first run_due(now) with now >= when.
  TimerId schedule(SteadyTime when, Callback cb);
  // Cancels a pending timer; a no-op for ids that already ran or were cancelled.
  void cancel(TimerId id);
  // Runs every timer due at `now`, earliest first (timers scheduled by a callback for a time
  // <= now run in the same call). Returns how many ran.
  std::size_t run_due(SteadyTime now);
  std::optional<SteadyTime> next_deadline() const;
  std::size_t size() const { return live_; }

 private:
  struct Entry {
    SteadyTime when;
    TimerId id;
    bool operator>(const Entry& o) const { return when != o.when ? when > o.when : id > o.id; }
  };
  void drop_cancelled_top() const;
  void shrink_after_peak();

  // A min-heap of (deadline, id) beside a map of live callbacks; a cancelled timer leaves its
  // heap entry behind and is dropped when it reaches the top.
  mutable std::vector<Entry> heap_;
  std::unordered_map<TimerId, Callback> live_callbacks_;
  TimerId next_id_ = 1;
  std::size_t live_ = 0;
};

}  // namespace dzvin
