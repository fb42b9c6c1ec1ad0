#include "http/login_throttle.hpp"

#include <algorithm>

namespace dzvin::http {

LoginThrottle::LoginThrottle(const Clock& clock, LoginThrottleSettings settings)
    : clock_(clock), settings_(settings) {}

std::optional<Duration> LoginThrottle::remaining(const Map& map, std::string_view key,
                                                 int limit) const {
  const auto it = map.find(std::string(key));
  if (it == map.end() || it->second.failures < limit) return std::nullopt;
  const Duration left = it->second.first + settings_.window - clock_.now();
  if (left <= Duration::zero()) return std::nullopt;
  return left;
}

std::optional<std::chrono::seconds> LoginThrottle::retry_after(std::string_view email,
                                                               std::string_view address) const {
  const auto by_email = remaining(emails_, email, settings_.per_email);
  const auto by_address = remaining(addresses_, address, settings_.per_address);
  if (!by_email && !by_address) return std::nullopt;
  const Duration left =
      std::max(by_email.value_or(Duration::zero()), by_address.value_or(Duration::zero()));
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  return std::max(seconds, std::chrono::seconds(1));
}

void LoginThrottle::count(Map& map, std::string_view key) {
  const SteadyTime now = clock_.now();
  auto it = map.find(std::string(key));
  if (it == map.end()) {
    if (map.size() >= settings_.max_entries) {
      std::erase_if(
          map, [&](const auto& entry) { return entry.second.first + settings_.window <= now; });
    }
    if (map.size() >= settings_.max_entries) {
      const auto oldest = std::min_element(
          map.begin(), map.end(),
          [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
      map.erase(oldest);
    }
    it = map.emplace(std::string(key), Entry{now, 0}).first;
  } else if (it->second.first + settings_.window <= now) {
    it->second = Entry{now, 0};  // the window has passed: count afresh
  }
  ++it->second.failures;
}

void LoginThrottle::record_failure(std::string_view email, std::string_view address) {
  count(emails_, email);
  count(addresses_, address);
}

void LoginThrottle::record_success(std::string_view email) {
  emails_.erase(std::string(email));
}

}  // namespace dzvin::http
