#include "base/timer_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"

namespace dzvin {
namespace {

using std::chrono::milliseconds;

class TimerQueueTest : public ::testing::Test {
 protected:
  SteadyTime at(int ms) const { return start_ + milliseconds(ms); }

  FakeClock clock_;
  SteadyTime start_ = clock_.now();
  TimerQueue q_;
  std::vector<std::string> fired_;
};

TEST_F(TimerQueueTest, RunsDueTimersEarliestFirst) {
  q_.schedule(at(30), [&] { fired_.push_back("c"); });
  q_.schedule(at(10), [&] { fired_.push_back("a"); });
  q_.schedule(at(20), [&] { fired_.push_back("b"); });
  EXPECT_EQ(q_.run_due(at(25)), 2u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(q_.size(), 1u);
  EXPECT_EQ(q_.run_due(at(30)), 1u);
  EXPECT_EQ(fired_.back(), "c");
  EXPECT_EQ(q_.size(), 0u);
}

TEST_F(TimerQueueTest, SameDeadlineRunsInScheduleOrder) {
  for (int i = 0; i < 5; ++i)
    q_.schedule(at(10), [&, i] { fired_.push_back(std::to_string(i)); });
  q_.run_due(at(10));
  EXPECT_EQ(fired_, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST_F(TimerQueueTest, NothingRunsBeforeItsDeadline) {
  q_.schedule(at(10), [&] { fired_.push_back("a"); });
  EXPECT_EQ(q_.run_due(at(9)), 0u);
  EXPECT_TRUE(fired_.empty());
}

TEST_F(TimerQueueTest, CancelledTimerNeverRuns) {
  const TimerId a = q_.schedule(at(10), [&] { fired_.push_back("a"); });
  q_.schedule(at(20), [&] { fired_.push_back("b"); });
  q_.cancel(a);
  EXPECT_EQ(q_.size(), 1u);
  EXPECT_EQ(q_.run_due(at(100)), 1u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"b"}));
}

TEST_F(TimerQueueTest, CancelOfUnknownOrFinishedIdIsNoOp) {
  const TimerId a = q_.schedule(at(10), [&] { fired_.push_back("a"); });
  q_.run_due(at(10));
  q_.cancel(a);  // already ran
  q_.cancel(a);
  q_.cancel(987654);
  EXPECT_EQ(q_.size(), 0u);
  const TimerId b = q_.schedule(at(20), [&] { fired_.push_back("b"); });
  EXPECT_NE(a, b);
  EXPECT_NE(b, 0u);
  q_.run_due(at(20));
  EXPECT_EQ(fired_, (std::vector<std::string>{"a", "b"}));
}

TEST_F(TimerQueueTest, CallbackCanScheduleATimerThatIsAlreadyDue) {
  q_.schedule(at(10), [&] {
    fired_.push_back("a");
    q_.schedule(at(5), [&] { fired_.push_back("past"); });    // due now: same run
    q_.schedule(at(50), [&] { fired_.push_back("later"); });  // not yet
  });
  EXPECT_EQ(q_.run_due(at(20)), 2u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"a", "past"}));
  EXPECT_EQ(q_.next_deadline(), at(50));
}

TEST_F(TimerQueueTest, CallbackCanCancelAnotherDueTimer) {
  TimerId b = 0;
  q_.schedule(at(10), [&] {
    fired_.push_back("a");
    q_.cancel(b);
  });
  b = q_.schedule(at(15), [&] { fired_.push_back("b"); });
  EXPECT_EQ(q_.run_due(at(20)), 1u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"a"}));
}

TEST_F(TimerQueueTest, CallbackCanRescheduleItselfPeriodically) {
  int count = 0;
  std::function<void()> tick;
  SteadyTime next = at(10);
  tick = [&] {
    ++count;
    next += milliseconds(10);
    if (count < 3) q_.schedule(next, tick);
  };
  q_.schedule(next, tick);
  q_.run_due(at(15));
  EXPECT_EQ(count, 1);
  q_.run_due(at(100));
  EXPECT_EQ(count, 3);
  EXPECT_FALSE(q_.next_deadline().has_value());
}

TEST_F(TimerQueueTest, NextDeadlineSkipsCancelledTimers) {
  EXPECT_FALSE(q_.next_deadline().has_value());
  const TimerId a = q_.schedule(at(10), [] {});
  q_.schedule(at(40), [] {});
  EXPECT_EQ(q_.next_deadline(), at(10));
  q_.cancel(a);
  EXPECT_EQ(q_.next_deadline(), at(40));
}

TEST_F(TimerQueueTest, ManyTimersRunInDeadlineOrder) {
  std::vector<int> order;
  // A scrambled set of deadlines: 37 is coprime with 100, so i*37 % 100 visits each once.
  for (int i = 0; i < 100; ++i) {
    const int ms = (i * 37) % 100;
    q_.schedule(at(ms), [&order, ms] { order.push_back(ms); });
  }
  EXPECT_EQ(q_.run_due(at(1000)), 100u);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

}  // namespace
}  // namespace dzvin
