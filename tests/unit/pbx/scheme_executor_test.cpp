// The scheme executor against a scripted CallControl and a fake clock, driven by an
// io_context: every ring() suspends for real (a post) before it answers.
#include "pbx/scheme_executor.hpp"

#include <gtest/gtest.h>

#include <utility>  // before Asio (Boost 1.74 + g++ 12)

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "pbx/memory_directory.hpp"
#include "pbx/schedule.hpp"

namespace dzvin::pbx {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;
using std::chrono::seconds;

WallTime utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}

// Monday 18 January 2027, 10:00 in Kyiv (UTC+2): office hours.
const WallTime kMondayMorning = utc(2027, 1, 18, 8);

// How a target behaves when rung: `result` after `after` (no_answer: at the timeout).
struct Behaviour {
  RingResult result = RingResult::no_answer;
  seconds after{0};
  int sip_status = 0;
};

struct RingCall {
  std::vector<std::string> targets;  // to_string of each
  RingStrategy strategy;
  std::chrono::milliseconds timeout;
  WallTime at;
};

// A CallControl whose targets follow a script; time moves only inside ring().
class FakeCall final : public CallControl {
 public:
  explicit FakeCall(WallTime start = kMondayMorning)
      : clock_(start), start_(start), origin_(clock_.wall_now()) {}

  std::map<std::string, Behaviour> behaviour;  // by "user:anna", "number:+380..."
  std::map<std::string, TargetState> states;   // default available
  std::optional<std::pair<std::size_t, seconds>> caller_hangs_up;  // during ring() call #n
  std::optional<std::size_t> throw_on_ring;                        // ring() call #n throws
  std::vector<RingCall> rings;
  std::vector<std::string> actions;  // "voicemail sales", "hangup 480 Temporarily Unavailable"
  std::vector<RingTarget> last_targets;

  TargetState target_state(const RingTarget& target) override {
    auto it = states.find(to_string(target));
    return it == states.end() ? TargetState::available : it->second;
  }

  awaitable<RingOutcome> ring(std::vector<RingTarget> targets, RingStrategy strategy,
                              std::chrono::milliseconds timeout) override {
    const std::size_t n = rings.size();
    RingCall call{{}, strategy, timeout, now()};
    for (const auto& t : targets)
      call.targets.push_back(to_string(t));
    rings.push_back(call);
    last_targets = targets;
    co_await boost::asio::post(co_await boost::asio::this_coro::executor,
                               boost::asio::use_awaitable);
    if (throw_on_ring == n) throw std::runtime_error("trunk exploded");

    RingOutcome outcome;
    const WallTime start = now();
    // The first to answer within the timeout wins.
    std::optional<std::size_t> winner;
    seconds answer_at{0};
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const Behaviour b = behaviour_of(targets[i]);
      if (b.result == RingResult::answered && b.after < timeout &&
          (!winner || b.after < answer_at)) {
        winner = i;
        answer_at = b.after;
      }
    }
    auto end_of = [&](const Behaviour& b) {
      return b.result == RingResult::no_answer ? std::chrono::duration_cast<seconds>(timeout)
                                               : b.after;
    };
    seconds elapsed{0};
    if (winner) {
      elapsed = answer_at;
    } else {
      for (const auto& t : targets)
        elapsed = std::max(elapsed, end_of(behaviour_of(t)));
    }
    if (caller_hangs_up && caller_hangs_up->first == n && caller_hangs_up->second < elapsed) {
      elapsed = caller_hangs_up->second;
      outcome.result = RingResult::caller_hung_up;
      for (std::size_t i = 0; i < targets.size(); ++i) {
        outcome.targets.push_back({RingResult::caller_hung_up, 487, start + elapsed});
      }
      clock_.advance(elapsed);
      co_return outcome;
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const Behaviour b = behaviour_of(targets[i]);
      TargetRingResult r{b.result, b.sip_status, start + end_of(b)};
      if (winner && i != *winner && end_of(b) >= elapsed) {
        r = {RingResult::no_answer, 487, start + elapsed};  // cancelled: someone else answered
      }
      if (b.result == RingResult::answered && !(winner && i == *winner)) {
        r = {RingResult::no_answer, 487, start + elapsed};
      }
      outcome.targets.push_back(r);
    }
    if (winner) {
      outcome.result = RingResult::answered;
      outcome.answered = winner;
    } else {
      std::vector<RingResult> results;
      for (const auto& r : outcome.targets)
        results.push_back(r.result);
      outcome.result = results.size() == 1 ? results[0] : RingResult::no_answer;
      if (outcome.result == RingResult::failed) outcome.reason = "503 from the trunk";
    }
    clock_.advance(elapsed);
    co_return outcome;
  }

  awaitable<void> voicemail(std::string box) override {
    actions.push_back("voicemail " + box);
    co_return;
  }

  awaitable<void> hangup(int sip_status, std::string reason) override {
    actions.push_back("hangup " + std::to_string(sip_status) + " " + reason);
    co_return;
  }

  std::vector<KeyInput> keys;  // what each ask_for_key() gets, in turn; then no key
  awaitable<KeyInput> ask_for_key(std::string prompt, std::chrono::milliseconds timeout) override {
    actions.push_back("ask " + prompt + " " + std::to_string(timeout.count()));
    clock_.advance(5s);
    KeyInput in;
    if (asked_ < keys.size()) in = keys[asked_];
    ++asked_;
    co_return in;
  }
  std::size_t asked_ = 0;

  std::optional<std::string> caller_leaves_during;  // a prompt: play() returns false
  awaitable<bool> play(std::string prompt) override {
    actions.push_back("play " + prompt);
    clock_.advance(3s);
    co_return caller_leaves_during != prompt;
  }

  WallTime now() override { return start_ + (clock_.wall_now() - origin_); }
  std::string caller = "+380501112233";
  std::string caller_number() override { return caller; }

 private:
  Behaviour behaviour_of(const RingTarget& t) const {
    auto it = behaviour.find(to_string(t));
    return it == behaviour.end() ? Behaviour{} : it->second;
  }

  FakeClock clock_;
  WallTime start_;
  WallTime origin_;  // FakeClock's wall time before any advance
};

MemoryDirectory company() {
  MemoryDirectory d;
  d.add_user({"duty", "1001", "Duty Manager"});
  d.add_user({"anna", "1002", "Anna Koval"});
  d.add_user({"bob", "1003", ""});
  d.add_user({"olena", "1004", "Olena Shevchenko"});
  d.add_group({"sales", {"anna", "bob"}});
  d.add_voicemail_box("sales");
  d.add_voicemail_box("duty");
  d.add_trunk("main");
  d.add_prompt("hours");
  d.add_prompt("menu");
  d.add_prompt("invalid");
  d.add_prompt("nothing");
  d.add_schedule(parse_schedule(R"({"time_zone": "Europe/Kyiv", "weekly": {
    "mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
    "thu": ["09:00-18:00"], "fri": ["09:00-18:00"], "sat": ["10:00-14:00"]}})",
                                "office")
                     .value());
  d.add_schedule(
      parse_schedule(R"({"time_zone": "Europe/Kyiv", "weekly": {"fri": ["22:00-06:00"]}})", "night")
          .value());
  d.add_schedule(
      parse_schedule(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["02:00-05:00"]}})",
                     "sunday-night")
          .value());
  return d;
}

RoutingScheme scheme(std::string_view json) {
  auto r = parse_routing_scheme(json);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *std::move(r) : RoutingScheme{};
}

SchemeResult run(const RoutingScheme& s, const Directory& d, FakeCall& call) {
  boost::asio::io_context io;
  std::optional<SchemeResult> out;
  boost::asio::co_spawn(io, run_scheme(s, d, call), [&](std::exception_ptr e, SchemeResult r) {
    EXPECT_FALSE(e) << "run_scheme threw";
    out = std::move(r);
  });
  io.run();
  EXPECT_TRUE(out.has_value());
  return out ? *std::move(out) : SchemeResult{};
}

// The timeline as lines, without times.
std::vector<std::string> lines(const SchemeResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.timeline)
    out.push_back(to_string(e));
  return out;
}

const TimelineEntry* find(const SchemeResult& r, TimelineEvent event, std::size_t nth = 0) {
  for (const auto& e : r.timeline) {
    if (e.event == event && nth-- == 0) return &e;
  }
  return nullptr;
}

constexpr std::string_view kDutyThenMobiles = R"({"name": "duty", "steps": [
  {"type": "ring", "targets": ["user:duty"], "timeout": 20},
  {"type": "ring", "targets": ["number:+380501112233", "number:+380671112233"],
   "strategy": "simultaneous", "timeout": 30},
  {"type": "voicemail", "box": "sales"}]})";

TEST(SchemeExecutor, AnsweredAtTheFirstStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["user:duty"] = {RingResult::answered, 5s};
  const SchemeResult r = run(scheme(kDutyThenMobiles), d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  ASSERT_TRUE(r.answered_by);
  EXPECT_EQ(r.answered_by->id, "duty");
  EXPECT_EQ(r.answered_by->extension, "1001");
  EXPECT_EQ(r.answered_by->display, "Duty Manager");
  EXPECT_EQ(r.answered_by->origin, "user:duty");
  EXPECT_EQ(r.step, "steps[0]");
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, std::vector<std::string>{"user:duty"});
  EXPECT_EQ(call.rings[0].timeout, 20000ms);
  EXPECT_TRUE(call.actions.empty());  // the call stays up
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "steps[0] step_started (ring)",
                          "steps[0] ring_attempt user:duty answered",
                          "steps[0] answered user:duty answered",
                          "steps[0] step_finished answered",
                          "steps[0] finished (answered)",
                      }));
  const TimelineEntry* attempt = find(r, TimelineEvent::ring_attempt);
  ASSERT_NE(attempt, nullptr);
  EXPECT_EQ(attempt->at, kMondayMorning);
  EXPECT_EQ(attempt->ended, kMondayMorning + 5s);
  EXPECT_EQ(r.started, kMondayMorning);
  EXPECT_EQ(r.ended, kMondayMorning + 5s);
  EXPECT_EQ(describe(r), "answered by user:duty at steps[0]");
}

TEST(SchemeExecutor, PlayThenRing) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["user:duty"] = {RingResult::answered, 5s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "play", "prompt": "hours"},
      {"type": "ring", "targets": ["user:duty"], "timeout": 20}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(call.actions, std::vector<std::string>{"play hours"});
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].at, kMondayMorning + 3s) << "the ring starts after the prompt";
  const TimelineEntry* played = find(r, TimelineEvent::prompt_played);
  ASSERT_NE(played, nullptr);
  EXPECT_EQ(played->detail, "hours");
}

TEST(SchemeExecutor, CallerHangingUpDuringAPromptAbandonsTheCall) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.caller_leaves_during = "hours";
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "play", "prompt": "hours"},
      {"type": "ring", "targets": ["user:duty"]}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::abandoned);
  EXPECT_EQ(r.step, "steps[0]");
  EXPECT_TRUE(call.rings.empty());
}

TEST(SchemeExecutor, AnUnknownPromptIsRefusedWhenTheSchemeIsSaved) {
  const MemoryDirectory d = company();
  auto r = validate_routing_scheme(
      scheme(R"({"name": "s", "steps": [{"type": "play", "prompt": "nope"}]})"), d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "steps[0].prompt: unknown prompt \"nope\"");
}

constexpr std::string_view kMenu = R"({"name": "ivr", "steps": [
  {"type": "menu", "prompt": "menu", "timeout": 4, "retries": 2,
   "invalid_prompt": "invalid", "no_input_prompt": "nothing",
   "options": {"1": [{"type": "ring", "targets": ["group:sales"], "strategy": "simultaneous"}],
               "2": [{"type": "voicemail", "box": "sales"}]}},
  {"type": "hangup", "status": 480}]})";

TEST(SchemeExecutor, MenuKeyRunsItsBranch) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.keys = {{'2', false}};
  const SchemeResult r = run(scheme(kMenu), d, call);
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.step, "steps[0].options.2[0]");
  EXPECT_EQ(call.actions, (std::vector<std::string>{"ask menu 4000", "voicemail sales"}));
  const TimelineEntry* key = find(r, TimelineEvent::menu_key);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->detail, "2");
}

TEST(SchemeExecutor, MenuRetriesWithItsPromptsThenGoesOn) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.keys = {{'7', false}, {std::nullopt, false}, {'9', false}};
  const SchemeResult r = run(scheme(kMenu), d, call);
  EXPECT_EQ(call.actions,
            (std::vector<std::string>{"ask menu 4000", "play invalid", "ask menu 4000",
                                      "play nothing", "ask menu 4000", "hangup 480 "}))
      << "three asks (retries 2), each miss with its own prompt, then the step after the menu";
  EXPECT_EQ(r.outcome, Outcome::rejected);
  std::vector<std::string> keys;
  for (const auto& e : r.timeline)
    if (e.event == TimelineEvent::menu_key) keys.push_back(e.detail);
  EXPECT_EQ(keys, (std::vector<std::string>{"7 (invalid)", "no key", "9 (invalid)"}));
}

TEST(SchemeExecutor, MenuInvalidThenValidAndCallerHangingUp) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.keys = {{'5', false}, {'1', false}};
  call.behaviour["user:anna"] = {RingResult::answered, 2s};
  const SchemeResult r = run(scheme(kMenu), d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, (std::vector<std::string>{"user:anna", "user:bob"}));

  FakeCall gone;
  gone.keys = {{std::nullopt, true}};
  const SchemeResult g = run(scheme(kMenu), d, gone);
  EXPECT_EQ(g.outcome, Outcome::abandoned);
  EXPECT_EQ(g.step, "steps[0]");
}

TEST(SchemeExecutor, MenuErrorsNameTheField) {
  const MemoryDirectory d = company();
  const auto error = [&](std::string_view json) {
    auto parsed = parse_routing_scheme(json);
    if (!parsed) return parsed.error().message;
    auto valid = validate_routing_scheme(*parsed, d);
    return valid ? std::string("ok") : valid.error().message;
  };
  EXPECT_EQ(error(R"({"name": "s", "steps": [{"type": "menu", "prompt": "menu",
                     "options": {"x": []}}]})"),
            "steps[0].options: \"x\" is not a key (0-9, *, #)");
  EXPECT_EQ(error(R"({"name": "s", "steps": [{"type": "menu", "prompt": "menu",
                     "options": {}}]})"),
            "steps[0].options: must be an object of keys (\"1\": [steps])");
  EXPECT_EQ(error(R"({"name": "s", "steps": [{"type": "menu", "prompt": "nope",
                     "options": {"1": [{"type": "hangup"}]}}]})"),
            "steps[0].prompt: unknown prompt \"nope\"");
  EXPECT_EQ(error(R"({"name": "s", "steps": [{"type": "menu", "prompt": "menu", "retries": 9,
                     "options": {"1": [{"type": "hangup"}]}}]})"),
            "steps[0].retries: 9 is outside 0..5");
  EXPECT_EQ(error(R"({"name": "s", "steps": [{"type": "menu", "prompt": "menu",
                     "options": {"1": [{"type": "voicemail", "box": "nobox"}]}}]})"),
            "steps[0].options.1[0].box: unknown voicemail box \"nobox\"");
}

TEST(SchemeExecutor, NoAnswerGoesToTheNextStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["number:+380671112233"] = {RingResult::answered, 3s};
  const SchemeResult r = run(scheme(kDutyThenMobiles), d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(r.answered_by->id, "+380671112233");
  EXPECT_EQ(r.answered_by->kind, RingTargetKind::number);
  EXPECT_EQ(r.step, "steps[1]");
  ASSERT_EQ(call.rings.size(), 2U);
  EXPECT_EQ(call.rings[1].at, kMondayMorning + 20s);  // after the duty manager's 20 s
  const TimelineEntry* first = find(r, TimelineEvent::ring_attempt, 0);
  EXPECT_EQ(first->result, RingResult::no_answer);
  EXPECT_EQ(first->ended, kMondayMorning + 20s);
  EXPECT_EQ(find(r, TimelineEvent::step_finished, 0)->result, RingResult::no_answer);
  EXPECT_EQ(r.ended, kMondayMorning + 23s);
}

TEST(SchemeExecutor, SimultaneousRingAnsweredByTheSecondTarget) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["user:bob"] = {RingResult::answered, 4s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["user:anna", "user:bob"], "strategy": "simultaneous", "timeout": 30}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);  // one ring() with both targets
  EXPECT_EQ(call.rings[0].targets, (std::vector<std::string>{"user:anna", "user:bob"}));
  EXPECT_EQ(call.rings[0].strategy, RingStrategy::simultaneous);
  EXPECT_EQ(call.rings[0].timeout, 30000ms);
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(r.answered_by->id, "bob");
  EXPECT_EQ(r.answered_by->display, "bob");  // no display name in the directory
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "steps[0] step_started (ring)",
                          "steps[0] ring_attempt user:anna no_answer 487",
                          "steps[0] ring_attempt user:bob answered",
                          "steps[0] answered user:bob answered",
                          "steps[0] step_finished answered",
                          "steps[0] finished (answered)",
                      }));
  EXPECT_EQ(find(r, TimelineEvent::ring_attempt, 0)->ended, kMondayMorning + 4s);
}

TEST(SchemeExecutor, SequentialRingsOneTargetAtATimeWithThePerTargetTimeout) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["user:bob"] = {RingResult::answered, 2s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["group:sales"], "timeout": 15}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 2U);
  EXPECT_EQ(call.rings[0].targets, std::vector<std::string>{"user:anna"});
  EXPECT_EQ(call.rings[0].strategy, RingStrategy::sequential);
  EXPECT_EQ(call.rings[0].timeout, 15000ms);
  EXPECT_EQ(call.rings[1].targets, std::vector<std::string>{"user:bob"});
  EXPECT_EQ(call.rings[1].at, kMondayMorning + 15s);
  EXPECT_EQ(r.answered_by->origin, "group:sales");
  EXPECT_EQ(r.ended, kMondayMorning + 17s);
}

TEST(SchemeExecutor, BusyTargetIsSkipped) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.states["user:duty"] = TargetState::busy;
  call.behaviour["user:anna"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["user:duty", "user:anna"]}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, std::vector<std::string>{"user:anna"});
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(lines(r)[1], "steps[0] target_skipped user:duty busy (busy)");
}

TEST(SchemeExecutor, UnregisteredTargetIsSkipped) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.states["user:anna"] = TargetState::unregistered;
  call.behaviour["user:bob"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["group:sales"], "strategy": "simultaneous"}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, std::vector<std::string>{"user:bob"});
  EXPECT_EQ(lines(r)[1], "steps[0] target_skipped user:anna unavailable (unregistered)");
}

TEST(SchemeExecutor, SkippingCanBeTurnedOff) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.states["user:duty"] = TargetState::busy;
  call.behaviour["user:duty"] = {RingResult::busy, 0s, 486};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["user:duty"], "skip_unavailable": false}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);  // rung although busy: call waiting may take it
  EXPECT_EQ(r.last_result, RingResult::busy);
  EXPECT_EQ(find(r, TimelineEvent::ring_attempt)->sip_status, 486);
}

TEST(SchemeExecutor, NothingLeftToRingGoesToTheNextStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.states["user:anna"] = TargetState::unregistered;
  call.states["user:bob"] = TargetState::unregistered;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "ring", "targets": ["group:sales"], "strategy": "simultaneous"},
      {"type": "voicemail", "box": "sales"}]})"),
                             d, call);
  EXPECT_TRUE(call.rings.empty());
  EXPECT_EQ(find(r, TimelineEvent::step_finished)->result, RingResult::unavailable);
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.voicemail_box, "sales");
  EXPECT_EQ(r.step, "steps[1]");
  EXPECT_EQ(call.actions, std::vector<std::string>{"voicemail sales"});
  EXPECT_EQ(describe(r), "voicemail \"sales\" at steps[1]");
}

TEST(SchemeExecutor, EverybodySkippedAsBusyMakesTheStepBusy) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.states["user:duty"] = TargetState::busy;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "ring", "targets": ["user:duty"],
       "on_busy": [{"type": "voicemail", "box": "duty"}]},
      {"type": "voicemail", "box": "sales"}]})"),
                             d, call);
  EXPECT_TRUE(call.rings.empty());
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.voicemail_box, "duty");
  EXPECT_EQ(r.step, "steps[0].on_busy[0]");
}

TEST(SchemeExecutor, CallerHangsUpMidStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.caller_hangs_up = {1, 7s};
  const SchemeResult r = run(scheme(kDutyThenMobiles), d, call);
  EXPECT_EQ(r.outcome, Outcome::abandoned);
  EXPECT_EQ(r.step, "steps[1]");
  EXPECT_EQ(r.ended, kMondayMorning + 27s);
  EXPECT_TRUE(call.actions.empty());  // no voicemail, no hangup: the caller is gone
  EXPECT_EQ(describe(r), "abandoned at steps[1]: caller hung up");
  EXPECT_EQ(find(r, TimelineEvent::ring_attempt, 1)->result, RingResult::caller_hung_up);
}

TEST(SchemeExecutor, UnansweredAfterTheLastStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "ring", "targets": ["user:duty"]},
      {"type": "ring", "targets": ["user:anna"], "timeout": 10}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::unanswered);
  EXPECT_EQ(r.step, "steps[1]");
  EXPECT_EQ(r.last_result, RingResult::no_answer);
  EXPECT_EQ(r.sip_status, 480);
  EXPECT_EQ(call.actions, std::vector<std::string>{"hangup 480 Temporarily Unavailable"});
  EXPECT_EQ(r.ended, kMondayMorning + 30s);
  EXPECT_EQ(describe(r), "unanswered after the last step (steps[1]: no_answer)");
}

TEST(SchemeExecutor, FallbackRunsInsteadOfTheFollowingSteps) {
  const MemoryDirectory d = company();
  FakeCall call;
  const RoutingScheme s = scheme(R"({"name": "s", "steps": [
      {"type": "when", "schedule": "office", "open": [
        {"type": "ring", "targets": ["user:duty"],
         "on_no_answer": [{"type": "ring", "targets": ["user:olena"]}]},
        {"type": "voicemail", "box": "duty"}]},
      {"type": "voicemail", "box": "sales"}]})");
  const SchemeResult r = run(s, d, call);
  // Olena did not answer either: the fallback list ended, and with it the scheme; neither
  // voicemail after the ring step ran.
  ASSERT_EQ(call.rings.size(), 2U);
  EXPECT_EQ(call.rings[1].targets, std::vector<std::string>{"user:olena"});
  EXPECT_EQ(r.outcome, Outcome::unanswered);
  EXPECT_EQ(r.step, "steps[0].open[0].on_no_answer[0]");
  EXPECT_EQ(call.actions, std::vector<std::string>{"hangup 480 Temporarily Unavailable"});
  const std::vector<std::string> timeline = lines(r);
  EXPECT_NE(std::find(timeline.begin(), timeline.end(),
                      "steps[0].open[0] fallback no_answer (on_no_answer)"),
            timeline.end());
}

TEST(SchemeExecutor, AFallbackForAnotherResultIsNotUsed) {
  const MemoryDirectory d = company();
  FakeCall call;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "ring", "targets": ["user:duty"], "on_busy": [{"type": "hangup"}]},
      {"type": "voicemail", "box": "sales"}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::voicemail);  // no_answer: on to the next step
}

TEST(SchemeExecutor, FailedRingUsesOnUnavailable) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["number:+380501112233"] = {RingResult::failed, 1s, 503};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "forward", "to": "+380501112233", "trunk": "main",
       "on_unavailable": [{"type": "voicemail", "box": "sales"}]}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.last_targets[0].trunk, "main");
  EXPECT_EQ(call.last_targets[0].kind, RingTargetKind::number);
  const TimelineEntry* attempt = find(r, TimelineEvent::ring_attempt);
  EXPECT_EQ(attempt->result, RingResult::failed);
  EXPECT_EQ(attempt->sip_status, 503);
  EXPECT_EQ(attempt->detail, "503 from the trunk");
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.step, "steps[0].on_unavailable[0]");
}

TEST(SchemeExecutor, ForwardToAUri) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.behaviour["sip:night@callcentre.example.com"] = {RingResult::answered, 8s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "forward", "to": "sip:night@callcentre.example.com", "timeout": 45}]})"),
                             d, call);
  EXPECT_EQ(call.rings[0].timeout, 45000ms);
  EXPECT_EQ(call.last_targets[0].kind, RingTargetKind::uri);
  EXPECT_EQ(call.last_targets[0].trunk, "");
  EXPECT_EQ(r.outcome, Outcome::answered);
}

TEST(SchemeExecutor, HangupStepRejectsTheCall) {
  const MemoryDirectory d = company();
  FakeCall call;
  const SchemeResult r = run(
      scheme(R"({"name": "s", "steps": [{"type": "hangup", "status": 486, "reason": "Closed"}]})"),
      d, call);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.sip_status, 486);
  EXPECT_EQ(r.reason, "Closed");
  EXPECT_EQ(call.actions, std::vector<std::string>{"hangup 486 Closed"});
  EXPECT_EQ(describe(r), "rejected at steps[0] with 486 Closed");
}

constexpr std::string_view kOfficeHours = R"({"name": "s", "steps": [
    {"type": "when", "schedule": "office",
     "open": [{"type": "ring", "targets": ["user:duty"]}],
     "closed": [{"type": "voicemail", "box": "sales"}]},
    {"type": "hangup", "reason": "after the when"}]})";

TEST(SchemeExecutor, WhenOpen) {
  const MemoryDirectory d = company();
  FakeCall call(kMondayMorning);
  call.behaviour["user:duty"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(kOfficeHours), d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(r.step, "steps[0].open[0]");
  EXPECT_EQ(lines(r)[1], "steps[0] schedule_checked (office open)");
}

TEST(SchemeExecutor, WhenClosed) {
  const MemoryDirectory d = company();
  FakeCall call(utc(2027, 1, 24, 10));  // Sunday
  const SchemeResult r = run(scheme(kOfficeHours), d, call);
  EXPECT_TRUE(call.rings.empty());
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.step, "steps[0].closed[0]");
  EXPECT_EQ(lines(r)[1], "steps[0] schedule_checked (office closed)");
}

constexpr std::string_view kProtectedLine = R"({"name": "olena-direct", "steps": [
    {"type": "when", "caller_in": "vip",
     "listed": [{"type": "ring", "targets": ["user:olena"]}],
     "others": [{"type": "ring", "targets": ["user:duty"]}]}]})";

MemoryDirectory company_with_vips() {
  MemoryDirectory d = company();
  d.add_caller_list(CallerList{"vip", {"+380501112233", "1001"}});
  return d;
}

TEST(SchemeExecutor, AProtectedLineRingsTheManagerForListedCallers) {
  const MemoryDirectory d = company_with_vips();
  FakeCall call(kMondayMorning);
  call.behaviour["user:olena"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(kProtectedLine), d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
  EXPECT_EQ(r.step, "steps[0].listed[0]");
  EXPECT_EQ(lines(r)[1], "steps[0] schedule_checked (vip: listed)");
}

TEST(SchemeExecutor, AProtectedLineSendsOthersToTheSecretary) {
  const MemoryDirectory d = company_with_vips();
  for (const std::string caller : {"+380671112244", "", "anonymous", "1002"}) {
    FakeCall call(kMondayMorning);
    call.caller = caller;
    call.behaviour["user:duty"] = {RingResult::answered, 1s};
    const SchemeResult r = run(scheme(kProtectedLine), d, call);
    EXPECT_EQ(r.outcome, Outcome::answered) << caller;
    EXPECT_EQ(r.step, "steps[0].others[0]") << caller;
  }
}

TEST(SchemeExecutor, AnExtensionOnTheListIsListed) {
  const MemoryDirectory d = company_with_vips();
  FakeCall call(kMondayMorning);
  call.caller = "1001";
  call.behaviour["user:olena"] = {RingResult::answered, 1s};
  EXPECT_EQ(run(scheme(kProtectedLine), d, call).step, "steps[0].listed[0]");
}

TEST(SchemeExecutor, AMissingCallerListMeansOthers) {
  const MemoryDirectory d = company();  // validated elsewhere, the list deleted since
  FakeCall call(kMondayMorning);
  call.behaviour["user:duty"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(kProtectedLine), d, call);
  EXPECT_EQ(r.step, "steps[0].others[0]");
  EXPECT_EQ(lines(r)[1], "steps[0] schedule_checked (vip not found: others)");
}

TEST(SchemeExecutor, AnUnknownCallerListIsRefusedWhenTheSchemeIsSaved) {
  const MemoryDirectory d = company();
  auto valid = validate_routing_scheme(scheme(kProtectedLine), d);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.error().message, "steps[0].caller_in: unknown caller list \"vip\"");
  EXPECT_TRUE(validate_routing_scheme(scheme(kProtectedLine), company_with_vips()).ok());
}

TEST(SchemeExecutor, WhenBranchEndsThenTheNextStepRuns) {
  const MemoryDirectory d = company();
  FakeCall call(kMondayMorning);
  const SchemeResult r = run(scheme(kOfficeHours), d, call);
  EXPECT_EQ(r.outcome, Outcome::rejected);  // the open branch's ring went unanswered
  EXPECT_EQ(r.step, "steps[1]");
  EXPECT_EQ(r.reason, "after the when");
}

TEST(SchemeExecutor, ScheduleReadsTheCallsClockWhenTheStepIsReached) {
  const MemoryDirectory d = company();
  // Monday 17:59:50 in Kyiv: open when the call arrives, closed when the when step is reached
  // after 20 s of ringing.
  FakeCall call(utc(2027, 1, 18, 15, 59) + 50s);
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "ring", "targets": ["user:anna"]},
      {"type": "when", "schedule": "office", "open": [{"type": "ring", "targets": ["user:bob"]}],
       "closed": [{"type": "voicemail", "box": "sales"}]}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(call.rings.size(), 1U);
}

TEST(SchemeExecutor, ScheduleAcrossMidnight) {
  const MemoryDirectory d = company();
  FakeCall call(utc(2027, 1, 23, 1));  // Saturday 03:00 in Kyiv: Friday's 22:00-06:00
  call.behaviour["user:duty"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "when", "schedule": "night", "open": [{"type": "ring", "targets": ["user:duty"]}],
       "closed": [{"type": "voicemail", "box": "sales"}]}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::answered);
}

TEST(SchemeExecutor, ScheduleOnTheDstNights) {
  const MemoryDirectory d = company();
  const RoutingScheme s = scheme(R"({"name": "s", "steps": [
      {"type": "when", "schedule": "sunday-night", "open": [{"type": "hangup", "reason": "open"}],
       "closed": [{"type": "hangup", "reason": "closed"}]}]})");
  auto reason_at = [&](WallTime t) {
    FakeCall call(t);
    return run(s, d, call).reason;
  };
  // Spring forward, 28 March 2027: 02:00 EET (00:00 UTC) to 05:00 EEST (02:00 UTC).
  EXPECT_EQ(reason_at(utc(2027, 3, 28, 0, 30)), "open");   // 02:30 EET
  EXPECT_EQ(reason_at(utc(2027, 3, 28, 1, 30)), "open");   // 04:30 EEST
  EXPECT_EQ(reason_at(utc(2027, 3, 28, 2, 0)), "closed");  // 05:00 EEST
  // Fall back, 31 October 2027: 02:00 EEST (23:00 UTC) to 05:00 EET (03:00 UTC).
  EXPECT_EQ(reason_at(utc(2027, 10, 30, 22, 59)), "closed");
  EXPECT_EQ(reason_at(utc(2027, 10, 31, 0, 30)), "open");  // the first 03:30
  EXPECT_EQ(reason_at(utc(2027, 10, 31, 1, 30)), "open");  // the second 03:30
  EXPECT_EQ(reason_at(utc(2027, 10, 31, 3, 0)), "closed");
}

TEST(SchemeExecutor, MissingScheduleCountsAsClosed) {
  MemoryDirectory d = company();
  FakeCall call;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [
      {"type": "when", "schedule": "deleted", "open": [{"type": "ring", "targets": ["user:duty"]}],
       "closed": [{"type": "voicemail", "box": "sales"}]}]})"),
                             d, call);
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(lines(r)[1], "steps[0] schedule_checked (deleted not found: closed)");
}

TEST(SchemeExecutor, TargetsGoneFromTheDirectoryAreSkipped) {
  MemoryDirectory d = company();
  d.remove_user("anna");
  FakeCall call;
  call.behaviour["user:bob"] = {RingResult::answered, 1s};
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["user:duty", "group:sales", "group:gone"], "strategy": "simultaneous"}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, (std::vector<std::string>{"user:duty", "user:bob"}));
  EXPECT_EQ(lines(r)[1], "steps[0] target_skipped unavailable (user:anna not in directory)");
  EXPECT_EQ(lines(r)[2], "steps[0] target_skipped unavailable (group:gone not in directory)");
}

TEST(SchemeExecutor, ATargetIsRungOncePerStep) {
  const MemoryDirectory d = company();
  FakeCall call;
  const SchemeResult r = run(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["user:anna", "group:sales", "user:bob"], "strategy": "simultaneous"}]})"),
                             d, call);
  ASSERT_EQ(call.rings.size(), 1U);
  EXPECT_EQ(call.rings[0].targets, (std::vector<std::string>{"user:anna", "user:bob"}));
}

TEST(SchemeExecutor, RingTargetLimit) {
  const MemoryDirectory d = company();
  FakeCall call;
  SchemeLimits limits;
  limits.max_ring_targets = 1;
  boost::asio::io_context io;
  std::optional<SchemeResult> out;
  boost::asio::co_spawn(io,
                        run_scheme(scheme(R"({"name": "s", "steps": [{"type": "ring",
      "targets": ["group:sales"], "strategy": "simultaneous"}]})"),
                                   d, call, limits),
                        [&](std::exception_ptr, SchemeResult r) { out = std::move(r); });
  io.run();
  ASSERT_TRUE(out);
  EXPECT_EQ(call.rings[0].targets, std::vector<std::string>{"user:anna"});
  EXPECT_EQ(lines(*out)[1], "steps[0] target_skipped user:bob (over the limit of 1 targets)");
}

TEST(SchemeExecutor, AnExceptionFromTheCallFailsTheScheme) {
  const MemoryDirectory d = company();
  FakeCall call;
  call.throw_on_ring = 1;
  const SchemeResult r = run(scheme(kDutyThenMobiles), d, call);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_EQ(r.reason, "trunk exploded");
  EXPECT_EQ(r.step, "steps[1]");  // where it happened
  EXPECT_EQ(r.sip_status, 500);
  EXPECT_EQ(call.actions, std::vector<std::string>{"hangup 500 Routing Failed"});
  EXPECT_EQ(describe(r), "failed: trunk exploded");
}

// The seed's scheme (docs/routing-schemes.md): in office hours ring the duty manager 20 s,
// then two colleagues' mobiles at once 30 s, then voicemail "sales"; outside them voicemail.
TEST(SchemeExecutor, TheSeedScheme) {
  const MemoryDirectory d = company();
  const RoutingScheme s = scheme(R"({"name": "sales-line", "steps": [
    {"type": "when", "schedule": "office",
     "open": [
       {"type": "ring", "targets": ["user:duty"], "timeout": 20},
       {"type": "ring", "targets": ["number:+380501112233", "number:+380671112233"],
        "strategy": "simultaneous", "timeout": 30},
       {"type": "voicemail", "box": "sales"}],
     "closed": [{"type": "voicemail", "box": "sales"}]}]})");
  FakeCall call(utc(2027, 1, 23, 9));  // Saturday 11:00: open
  call.states["user:duty"] = TargetState::available;
  const SchemeResult r = run(s, d, call);
  EXPECT_EQ(r.outcome, Outcome::voicemail);
  EXPECT_EQ(r.step, "steps[0].open[2]");
  ASSERT_EQ(call.rings.size(), 2U);
  EXPECT_EQ(call.rings[1].strategy, RingStrategy::simultaneous);
  EXPECT_EQ(call.rings[1].at, utc(2027, 1, 23, 9) + 20s);
  EXPECT_EQ(call.actions, std::vector<std::string>{"voicemail sales"});
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "steps[0] step_started (when)",
                          "steps[0] schedule_checked (office open)",
                          "steps[0].open[0] step_started (ring)",
                          "steps[0].open[0] ring_attempt user:duty no_answer",
                          "steps[0].open[0] step_finished no_answer",
                          "steps[0].open[1] step_started (ring)",
                          "steps[0].open[1] ring_attempt number:+380501112233 no_answer",
                          "steps[0].open[1] ring_attempt number:+380671112233 no_answer",
                          "steps[0].open[1] step_finished no_answer",
                          "steps[0].open[2] step_started (voicemail)",
                          "steps[0].open[2] voicemail (sales)",
                          "steps[0].open[2] finished (voicemail)",
                      }));
  EXPECT_EQ(r.timeline.back().at, utc(2027, 1, 23, 9) + 50s);
}

}  // namespace
}  // namespace dzvin::pbx
