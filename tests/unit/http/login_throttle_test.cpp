#include "http/login_throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::http {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(LoginThrottleTest, FiveFailuresForOneEmailBlockItUntilTheWindowEnds) {
  FakeClock clock;
  LoginThrottle throttle(clock);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(throttle.retry_after("a@example.com", "192.0.2.1")) << i;
    throttle.record_failure("a@example.com", "192.0.2.1");
    clock.advance(seconds(10));
  }
  // The first failure was 50 s ago: the window of 15 minutes ends in 850 s.
  EXPECT_EQ(throttle.retry_after("a@example.com", "192.0.2.1"), seconds(850));
  EXPECT_EQ(throttle.retry_after("a@example.com", "198.51.100.7"), seconds(850));
  EXPECT_FALSE(throttle.retry_after("b@example.com", "198.51.100.7"));
  clock.advance(seconds(849));
  EXPECT_EQ(throttle.retry_after("a@example.com", "192.0.2.1"), seconds(1));
  clock.advance(seconds(1));
  EXPECT_FALSE(throttle.retry_after("a@example.com", "192.0.2.1"));
  // A new window starts with the next failure.
  throttle.record_failure("a@example.com", "192.0.2.1");
  EXPECT_FALSE(throttle.retry_after("a@example.com", "192.0.2.1"));
}

TEST(LoginThrottleTest, TwentyFailuresFromOneAddressBlockIt) {
  FakeClock clock;
  LoginThrottle throttle(clock);
  for (int i = 0; i < 20; ++i)
    throttle.record_failure("user" + std::to_string(i) + "@example.com", "203.0.113.9");
  EXPECT_EQ(throttle.retry_after("new@example.com", "203.0.113.9"), seconds(900));
  EXPECT_FALSE(throttle.retry_after("new@example.com", "203.0.113.10"));
}

TEST(LoginThrottleTest, ASuccessClearsTheEmailButNotTheAddress) {
  FakeClock clock;
  LoginThrottle throttle(clock, {.per_email = 2, .per_address = 3});
  throttle.record_failure("a@example.com", "192.0.2.1");
  throttle.record_success("a@example.com");
  throttle.record_failure("a@example.com", "192.0.2.1");
  EXPECT_FALSE(throttle.retry_after("a@example.com", "192.0.2.2"));
  throttle.record_failure("b@example.com", "192.0.2.1");
  EXPECT_TRUE(throttle.retry_after("c@example.com", "192.0.2.1"));
}

TEST(LoginThrottleTest, TheMapsStayBounded) {
  FakeClock clock;
  LoginThrottle throttle(clock, {.max_entries = 3});
  for (int i = 0; i < 100; ++i) {
    throttle.record_failure("user" + std::to_string(i) + "@example.com",
                            "192.0.2." + std::to_string(i));
    clock.advance(seconds(1));
  }
  EXPECT_LE(throttle.entries(), 6u);
  // The newest entries are the ones kept.
  for (int i = 0; i < 4; ++i)
    throttle.record_failure("user99@example.com", "192.0.2.99");
  EXPECT_TRUE(throttle.retry_after("user99@example.com", "192.0.2.1"));
  clock.advance(minutes(16));
  throttle.record_failure("late@example.com", "198.51.100.1");  // prunes the expired ones
  EXPECT_LE(throttle.entries(), 2u);
}

}  // namespace
}  // namespace dzvin::http
