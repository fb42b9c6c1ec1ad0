#include "pbx/scheme_executor.hpp"

#include <algorithm>
#include <exception>

#include "base/log.hpp"
#include "pbx/directory.hpp"
#include "pbx/field_path.hpp"
#include "pbx/schedule.hpp"

namespace dzvin::pbx {

namespace {

using boost::asio::awaitable;
using std::chrono::milliseconds;

constexpr int kUnansweredStatus = 480;
constexpr std::string_view kUnansweredReason = "Temporarily Unavailable";
constexpr int kFailedStatus = 500;
constexpr std::string_view kFailedReason = "Routing Failed";

// Whether the scheme goes on after a step: stop once the call has an outcome, or after a
// fallback list ran in place of the steps that follow.
enum class Flow { next, stop };

// The result of a step none of whose targets answered: somebody let it ring out, else somebody
// was busy, else nobody could be reached, else every attempt failed.
RingResult combine(const std::vector<RingResult>& results) {
  for (RingResult r : {RingResult::no_answer, RingResult::busy, RingResult::unavailable}) {
    if (std::find(results.begin(), results.end(), r) != results.end()) return r;
  }
  return results.empty() ? RingResult::unavailable : RingResult::failed;
}

RingTarget user_target(const DirectoryUser& user, std::string origin) {
  RingTarget t;
  t.kind = RingTargetKind::user;
  t.id = user.name;
  t.display = user.display_name.empty() ? user.name : user.display_name;
  t.extension = user.extension;
  t.origin = std::move(origin);
  return t;
}

RingTarget external_target(const Target& target, std::string trunk) {
  RingTarget t;
  t.kind = target.kind == TargetKind::uri ? RingTargetKind::uri : RingTargetKind::number;
  t.id = target.value;
  t.display = target.value;
  t.trunk = std::move(trunk);
  t.origin = to_string(target);
  return t;
}

// One run of one scheme for one call. Lives in the frame of run_scheme's coroutine.
class SchemeRun {
 public:
  SchemeRun(const RoutingScheme& scheme, const Directory& directory, CallControl& call,
            const SchemeLimits& limits)
      : scheme_(scheme), directory_(directory), call_(call), limits_(limits) {}

  awaitable<SchemeResult> run() {
    result_.started = call_.now();
    std::string error;
    try {
      co_await run_steps(scheme_.steps, "steps");
      if (!finished_) co_await end_unanswered();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown exception";
    }
    if (!finished_) {
      result_.reason = error.empty() ? "exception" : std::move(error);
      co_await end_failed();
    }
    result_.ended = call_.now();
    record(TimelineEvent::finished, result_.step, {}, {}, std::string(to_string(result_.outcome)));
    log(LogLevel::debug, "pbx.scheme_finished",
        {{"scheme", scheme_.name},
         {"outcome", to_string(result_.outcome)},
         {"step", result_.step},
         {"reason", result_.reason}});
    co_return std::move(result_);
  }

 private:
  awaitable<Flow> run_steps(const StepList& steps, const std::string& path) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Flow flow = co_await run_step(steps[i], field_path(path, i));
      if (flow == Flow::stop) co_return Flow::stop;
    }
    co_return Flow::next;
  }

  awaitable<Flow> run_step(const Step& step, const std::string& at) {
    current_step_ = at;
    record(TimelineEvent::step_started, at, {}, {}, std::string(step_type(step)));
    if (const auto* ring_step = std::get_if<RingStep>(&step.body)) {
      const RingResult result = co_await ring(*ring_step, at);
      co_return co_await after_dialling(result, ring_step->fallbacks, at);
    }
    if (const auto* forward_step = std::get_if<ForwardStep>(&step.body)) {
      const RingResult result = co_await forward(*forward_step, at);
      co_return co_await after_dialling(result, forward_step->fallbacks, at);
    }
    if (const auto* when = std::get_if<WhenStep>(&step.body)) {
      // The branch runs in place of the when step; the scheme goes on after it.
      if (!when->caller_in.empty()) {
        const bool listed = caller_is_listed(when->caller_in, at);
        co_return co_await run_steps(listed ? when->open : when->closed,
                                     field_path(at, listed ? "listed" : "others"));
      }
      const bool open = schedule_is_open(when->schedule, at);
      co_return co_await run_steps(open ? when->open : when->closed,
                                   field_path(at, open ? "open" : "closed"));
    }
    if (const auto* voicemail = std::get_if<VoicemailStep>(&step.body)) {
      record(TimelineEvent::voicemail, at, {}, {}, voicemail->box);
      co_await call_.voicemail(voicemail->box);
      result_.voicemail_box = voicemail->box;
      finish(Outcome::voicemail, at);
      co_return Flow::stop;
    }
    if (const auto* menu = std::get_if<MenuStep>(&step.body)) co_return co_await ask(*menu, at);
    if (const auto* play = std::get_if<PlayStep>(&step.body)) {
      const bool heard = co_await call_.play(play->prompt);
      record(TimelineEvent::prompt_played, at, {}, {}, play->prompt);
      if (!heard) {
        finish(Outcome::abandoned, at);  // the caller hung up during the prompt
        co_return Flow::stop;
      }
      co_return Flow::next;
    }
    const auto& hangup = std::get<HangupStep>(step.body);
    TimelineEntry& entry = record(TimelineEvent::hangup, at, {}, {}, hangup.reason);
    entry.sip_status = hangup.status;
    co_await call_.hangup(hangup.status, hangup.reason);
    result_.sip_status = hangup.status;
    result_.reason = hangup.reason;
    finish(Outcome::rejected, at);
    co_return Flow::stop;
  }

  // A menu: the prompt, a key, the branch of that key in place of the menu; retries with their
  // own prompts; without a valid key in the end, the scheme goes on after the menu.
  awaitable<Flow> ask(const MenuStep& menu, const std::string& at) {
    for (int attempt = 0; attempt <= menu.retries; ++attempt) {
      const CallControl::KeyInput input = co_await call_.ask_for_key(
          menu.prompt, std::chrono::duration_cast<milliseconds>(menu.timeout));
      if (input.caller_hung_up) {
        finish(Outcome::abandoned, at);
        co_return Flow::stop;
      }
      const std::pair<char, StepList>* option = nullptr;
      for (const auto& o : menu.options) {
        if (input.key && o.first == *input.key) option = &o;
      }
      std::string detail = input.key ? std::string(1, *input.key) : std::string("no key");
      if (input.key && option == nullptr) detail += " (invalid)";
      record(TimelineEvent::menu_key, at, {}, {}, detail);
      if (option != nullptr) {
        co_return co_await run_steps(option->second, field_path(field_path(at, "options"), detail));
      }
      if (attempt == menu.retries) break;
      const std::string& again = input.key ? menu.invalid_prompt : menu.no_input_prompt;
      if (!again.empty()) {
        const bool heard = co_await call_.play(again);
        if (!heard) {
          finish(Outcome::abandoned, at);
          co_return Flow::stop;
        }
      }
    }
    co_return Flow::next;
  }

  // A ring step: its targets expanded, then rung one after another or all at once.
  awaitable<RingResult> ring(const RingStep& step, const std::string& at) {
    std::vector<RingResult> results;  // of targets that did not answer, skipped ones included
    std::vector<RingTarget> targets = expand(step.targets, at, results);
    const auto timeout = std::chrono::duration_cast<milliseconds>(step.timeout);
    RingResult result = RingResult::unavailable;
    if (step.strategy == RingStrategy::simultaneous) {
      std::vector<RingTarget> ringing;
      for (RingTarget& t : targets) {
        if (!step.skip_unavailable || reachable(t, at, results)) ringing.push_back(std::move(t));
      }
      if (!ringing.empty()) {
        result =
            co_await dial(std::move(ringing), RingStrategy::simultaneous, timeout, at, results);
      }
    } else {
      // Sequential: one ring() per target with the per-target timeout; each target's state is
      // asked just before its turn, as it may have changed while the previous one rang.
      for (RingTarget& t : targets) {
        if (step.skip_unavailable && !reachable(t, at, results)) continue;
        std::vector<RingTarget> one{std::move(t)};
        result = co_await dial(std::move(one), RingStrategy::sequential, timeout, at, results);
        if (result == RingResult::answered || result == RingResult::caller_hung_up) break;
      }
    }
    if (result != RingResult::answered && result != RingResult::caller_hung_up) {
      result = combine(results);
    }
    record(TimelineEvent::step_finished, at, {}, result);
    co_return result;
  }

  awaitable<RingResult> forward(const ForwardStep& step, const std::string& at) {
    std::vector<RingResult> results;
    std::vector<RingTarget> one{external_target(step.to, step.trunk)};
    RingResult result =
        co_await dial(std::move(one), RingStrategy::sequential,
                      std::chrono::duration_cast<milliseconds>(step.timeout), at, results);
    if (result != RingResult::answered && result != RingResult::caller_hung_up) {
      result = combine(results);
    }
    record(TimelineEvent::step_finished, at, {}, result);
    co_return result;
  }

  // One ring() call; records an attempt per target and, on an answer, the outcome. Results of
  // targets that did not answer are appended to `results`.
  awaitable<RingResult> dial(std::vector<RingTarget> targets, RingStrategy strategy,
                             milliseconds timeout, const std::string& at,
                             std::vector<RingResult>& results) {
    const WallTime started = call_.now();
    const RingOutcome outcome = co_await call_.ring(targets, strategy, timeout);
    const WallTime ended = call_.now();
    const bool answered = outcome.result == RingResult::answered;
    const bool hung_up = outcome.result == RingResult::caller_hung_up;

    std::optional<std::size_t> winner = outcome.answered;
    if (answered && !winner) {
      for (std::size_t i = 0; i < outcome.targets.size() && !winner; ++i) {
        if (outcome.targets[i].result == RingResult::answered) winner = i;
      }
      if (!winner && targets.size() == 1) winner = 0;
    }
    if (winner && *winner >= targets.size()) winner.reset();

    for (std::size_t i = 0; i < targets.size(); ++i) {
      TargetRingResult r;
      if (i < outcome.targets.size()) {
        r = outcome.targets[i];
      } else if (winner == i) {
        r.result = RingResult::answered;
      } else {
        // No per-target detail: the others were cancelled when someone answered.
        r.result = answered ? RingResult::no_answer : outcome.result;
      }
      TimelineEntry& entry = record(TimelineEvent::ring_attempt, at, targets[i], r.result,
                                    r.result == RingResult::failed ? outcome.reason : "");
      entry.at = started;
      entry.ended = r.ended.value_or(ended);
      entry.sip_status = r.sip_status;
      if (!answered && !hung_up) results.push_back(r.result);
    }
    if (answered) {
      if (winner) result_.answered_by = targets[*winner];
      record(TimelineEvent::answered, at, result_.answered_by, RingResult::answered);
      finish(Outcome::answered, at);
    }
    co_return outcome.result;
  }

  awaitable<Flow> after_dialling(RingResult result, const Fallbacks& fallbacks,
                                 const std::string& at) {
    if (result == RingResult::answered) co_return Flow::stop;
    if (result == RingResult::caller_hung_up) {
      finish(Outcome::abandoned, at);
      co_return Flow::stop;
    }
    result_.last_result = result;
    result_.step = at;
    const std::optional<StepList>* list = &fallbacks.on_unavailable;  // failed too
    std::string_view name = "on_unavailable";
    if (result == RingResult::busy) {
      list = &fallbacks.on_busy;
      name = "on_busy";
    } else if (result == RingResult::no_answer) {
      list = &fallbacks.on_no_answer;
      name = "on_no_answer";
    }
    if (!*list) co_return Flow::next;
    record(TimelineEvent::fallback, at, {}, result, std::string(name));
    co_await run_steps(**list, field_path(at, name));
    co_return Flow::stop;  // the fallback ran instead of the steps after this one
  }

  // Targets as written -> what to ring: groups become their members, the same user or number
  // is rung once per step, and at most max_ring_targets are kept.
  std::vector<RingTarget> expand(const std::vector<Target>& targets, const std::string& at,
                                 std::vector<RingResult>& results) {
    std::vector<RingTarget> out;
    auto add = [&](RingTarget t) {
      for (const RingTarget& o : out) {
        if (o.kind == t.kind && o.id == t.id) return;
      }
      if (out.size() >= limits_.max_ring_targets) {
        record(TimelineEvent::target_skipped, at, t, {},
               "over the limit of " + std::to_string(limits_.max_ring_targets) + " targets");
        return;
      }
      out.push_back(std::move(t));
    };
    // Deleted from the directory after the scheme was validated: skipped, not fatal.
    auto missing = [&](std::string what) {
      record(TimelineEvent::target_skipped, at, {}, RingResult::unavailable,
             std::move(what) + " not in directory");
      results.push_back(RingResult::unavailable);
    };
    for (const Target& target : targets) {
      if (target.kind == TargetKind::user) {
        if (const DirectoryUser* user = directory_.find_user(target.value)) {
          add(user_target(*user, to_string(target)));
        } else {
          missing(to_string(target));
        }
      } else if (target.kind == TargetKind::group) {
        const DirectoryGroup* group = directory_.find_group(target.value);
        if (group == nullptr) {
          missing(to_string(target));
          continue;
        }
        for (const std::string& member : group->members) {
          if (const DirectoryUser* user = directory_.find_user(member)) {
            add(user_target(*user, to_string(target)));
          } else {
            missing("user:" + member);
          }
        }
      } else {
        add(external_target(target, ""));
      }
    }
    return out;
  }

  // Whether to ring `t` in a step that skips busy and unregistered targets.
  bool reachable(const RingTarget& t, const std::string& at, std::vector<RingResult>& results) {
    const TargetState state = call_.target_state(t);
    if (state == TargetState::available) return true;
    const RingResult result =
        state == TargetState::busy ? RingResult::busy : RingResult::unavailable;
    record(TimelineEvent::target_skipped, at, t, result, std::string(to_string(state)));
    results.push_back(result);
    return false;
  }

  bool caller_is_listed(const std::string& name, const std::string& at) {
    const std::string caller = call_.caller_number();
    const CallerList* list = directory_.find_caller_list(name);
    if (list == nullptr) {
      // Deleted after the scheme was validated: nobody is listed (the protected person is not
      // disturbed; the others' branch usually rings a secretary).
      log(LogLevel::warn, "pbx.caller_list_missing", {{"scheme", scheme_.name}, {"list", name}});
      record(TimelineEvent::schedule_checked, at, {}, {}, name + " not found: others");
      return false;
    }
    const bool listed = !caller.empty() && std::find(list->numbers.begin(), list->numbers.end(),
                                                     caller) != list->numbers.end();
    record(TimelineEvent::schedule_checked, at, {}, {},
           name + (listed ? ": listed" : ": not listed"));
    return listed;
  }

  bool schedule_is_open(const std::string& name, const std::string& at) {
    const Schedule* schedule = directory_.find_schedule(name);
    if (schedule == nullptr) {
      // Deleted after the scheme was validated. Closed is the branch that must not lose the
      // call (it usually ends in voicemail).
      log(LogLevel::warn, "pbx.schedule_missing", {{"scheme", scheme_.name}, {"schedule", name}});
      record(TimelineEvent::schedule_checked, at, {}, {}, name + " not found: closed");
      return false;
    }
    const bool open = schedule->is_open(call_.now());
    record(TimelineEvent::schedule_checked, at, {}, {}, name + (open ? " open" : " closed"));
    return open;
  }

  awaitable<void> end_unanswered() {
    TimelineEntry& entry =
        record(TimelineEvent::hangup, result_.step, {}, {}, std::string(kUnansweredReason));
    entry.sip_status = kUnansweredStatus;
    co_await call_.hangup(kUnansweredStatus, std::string(kUnansweredReason));
    result_.sip_status = kUnansweredStatus;
    finish(Outcome::unanswered, result_.step);
  }

  // `result_.reason` says what went wrong.
  awaitable<void> end_failed() {
    finish(Outcome::failed, current_step_);
    try {
      TimelineEntry& entry =
          record(TimelineEvent::hangup, current_step_, {}, {}, std::string(kFailedReason));
      entry.sip_status = kFailedStatus;
      co_await call_.hangup(kFailedStatus, std::string(kFailedReason));
      result_.sip_status = kFailedStatus;
    } catch (...) {
      // The call may be gone already; the outcome stays failed.
    }
  }

  void finish(Outcome outcome, const std::string& at) {
    result_.outcome = outcome;
    result_.step = at;
    finished_ = true;
  }

  TimelineEntry& record(TimelineEvent event, const std::string& at,
                        std::optional<RingTarget> target = {},
                        std::optional<RingResult> result = {}, std::string detail = {}) {
    TimelineEntry& entry = result_.timeline.emplace_back();
    entry.event = event;
    entry.at = call_.now();
    entry.step = at;
    entry.target = std::move(target);
    entry.result = result;
    entry.detail = std::move(detail);
    return entry;
  }

  const RoutingScheme& scheme_;
  const Directory& directory_;
  CallControl& call_;
  const SchemeLimits& limits_;
  SchemeResult result_;
  std::string current_step_;  // the step running now, for a failure's location
  bool finished_ = false;
};

}  // namespace

awaitable<SchemeResult> run_scheme(RoutingScheme scheme, const Directory& directory,
                                   CallControl& call, SchemeLimits limits) {
  SchemeRun run(scheme, directory, call, limits);
  co_return co_await run.run();
}

}  // namespace dzvin::pbx
