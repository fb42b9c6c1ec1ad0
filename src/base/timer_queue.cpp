#include "base/timer_queue.hpp"

#include <algorithm>

namespace dzvin {

namespace {
const auto kLater = [](const auto& a, const auto& b) { return a > b; };
}

TimerId TimerQueue::schedule(SteadyTime when, Callback cb) {
  const TimerId id = next_id_++;
  live_callbacks_.emplace(id, std::move(cb));
  heap_.push_back(Entry{when, id});
  std::push_heap(heap_.begin(), heap_.end(), kLater);
  ++live_;
  return id;
}

void TimerQueue::cancel(TimerId id) {
  if (live_callbacks_.erase(id) > 0) --live_;
}

void TimerQueue::drop_cancelled_top() const {
  while (!heap_.empty() && !live_callbacks_.contains(heap_.front().id)) {
    std::pop_heap(heap_.begin(), heap_.end(), kLater);
    heap_.pop_back();
  }
}

std::size_t TimerQueue::run_due(SteadyTime now) {
  std::size_t ran = 0;
  for (;;) {
    drop_cancelled_top();
    if (heap_.empty() || heap_.front().when > now) break;
    const TimerId id = heap_.front().id;
    std::pop_heap(heap_.begin(), heap_.end(), kLater);
    heap_.pop_back();
    auto it = live_callbacks_.find(id);
    Callback cb = std::move(it->second);
    live_callbacks_.erase(it);
    --live_;
    cb();  // may schedule or cancel other timers
    ++ran;
  }
  if (ran > 0) shrink_after_peak();
  return ran;
}

// After a burst (tens of thousands of transaction timers) the heap's array and the map's
// buckets stay at their peak size; give the memory back once they are mostly empty.
void TimerQueue::shrink_after_peak() {
  constexpr std::size_t kSmall = 4096;
  if (heap_.capacity() > kSmall && heap_.size() < heap_.capacity() / 8) heap_.shrink_to_fit();
  if (live_callbacks_.bucket_count() > kSmall &&
      live_callbacks_.size() < live_callbacks_.bucket_count() / 8) {
    live_callbacks_.rehash(0);  // to the size the elements need
  }
}

std::optional<SteadyTime> TimerQueue::next_deadline() const {
  drop_cancelled_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().when;
}

}  // namespace dzvin
