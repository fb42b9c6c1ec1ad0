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
  return ran;
}

std::optional<SteadyTime> TimerQueue::next_deadline() const {
  drop_cancelled_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().when;
}

}  // namespace dzvin
