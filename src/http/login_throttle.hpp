#pragma once
// Failed-login throttling, in memory: after `per_email` failures for one e-mail or
// `per_address` failures from one remote address within `window` (counted from the first
// failure), further attempts are refused until the window ends. A success clears the e-mail's
// count (not the address's: one address trying many accounts stays throttled). The maps are
// bounded: expired entries are pruned when one fills, then the oldest entry goes.
// For the HTTP thread only (no locking).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"

namespace dzvin::http {

struct LoginThrottleSettings {
  int per_email = 5;
  int per_address = 20;
  std::chrono::seconds window{15 * 60};
  std::size_t max_entries = 10'000;  // per map
};

class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock, LoginThrottleSettings settings = {});

  // How long until an attempt for this e-mail from this address may be made (rounded up to a
  // second, at least 1); nullopt when one may be made now. `email` normalised by the caller.
  std::optional<std::chrono::seconds> retry_after(std::string_view email,
                                                  std::string_view address) const;
  void record_failure(std::string_view email, std::string_view address);
  void record_success(std::string_view email);

  std::size_t entries() const { return emails_.size() + addresses_.size(); }

 private:
  struct Entry {
    SteadyTime first;
    int failures = 0;
  };
  using Map = std::unordered_map<std::string, Entry>;

  std::optional<Duration> remaining(const Map& map, std::string_view key, int limit) const;
  void count(Map& map, std::string_view key);

  const Clock& clock_;
  LoginThrottleSettings settings_;
  Map emails_;
  Map addresses_;
};

}  // namespace dzvin::http
