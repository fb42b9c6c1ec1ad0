#pragma once
// Time is injected: production code asks a Clock, tests drive a FakeClock.
#include <chrono>
#include <cstdint>

namespace dzvin {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

// Seconds since the Unix epoch, as stored in the database.
inline std::int64_t unix_seconds(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
// Milliseconds since the Unix epoch, as stored in the database.
inline std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;
  virtual WallTime wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to; wall time moves with it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime wall_start = WallTime{std::chrono::seconds{1'800'000'000}})
      : wall_start_(wall_start) {}
  SteadyTime now() const override { return now_; }
  WallTime wall_now() const override {
    return wall_start_ + std::chrono::duration_cast<WallTime::duration>(now_ - SteadyTime{});
  }
  void advance(Duration d) { now_ += d; }

 private:
  SteadyTime now_{std::chrono::hours{1}};
  WallTime wall_start_;
};

}  // namespace dzvin
