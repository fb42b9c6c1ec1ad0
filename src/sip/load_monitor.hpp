#pragma once
// LoadMonitor: is the signalling loop keeping up? The transports report how long each
// datagram waited in the kernel's receive queue before the loop read it (kernel receive
// timestamps). When that wait passes `enter`, the loop is behind: new out-of-dialog requests
// are answered 503 + Retry-After (RFC 3261 §21.5.4) before any work is done for them, so that
// goodput stays near the peak instead of collapsing into a retransmission storm; dialogs in
// progress and retransmissions of known transactions are still served. Below `leave` the
// loop has caught up again (hysteresis: no flapping at the boundary).
#include <chrono>
#include <cstdint>

#include "base/clock.hpp"

namespace dzvin::sip {

struct OverloadConfig {
  bool enabled = true;
  Duration enter = std::chrono::milliseconds(100);
  Duration leave = std::chrono::milliseconds(20);
  std::uint32_t retry_after_seconds = 2;
};

class LoadMonitor {
 public:
  explicit LoadMonitor(OverloadConfig config = {}) : config_(config) {}

  // The queueing delay of the datagram just read.
  void observe_queue_delay(Duration delay) {
    if (!config_.enabled) return;
    if (delay > config_.enter) {
      if (!overloaded_) ++episodes_;
      overloaded_ = true;
    } else if (delay < config_.leave) {
      overloaded_ = false;
    }
    if (delay > max_delay_) max_delay_ = delay;
  }
  bool overloaded() const { return overloaded_; }
  void count_rejected() { ++rejected_; }

  const OverloadConfig& config() const { return config_; }
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t episodes() const { return episodes_; }
  Duration max_delay() const { return max_delay_; }

 private:
  OverloadConfig config_;
  bool overloaded_ = false;
  std::uint64_t rejected_ = 0;
  std::uint64_t episodes_ = 0;
  Duration max_delay_{};
};

}  // namespace dzvin::sip
