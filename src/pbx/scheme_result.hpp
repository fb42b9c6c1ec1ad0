#pragma once
// How a routing scheme ended for one call, and what happened on the way (the timeline the call
// record and the call events are built from). No Asio here: readers of results include it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "pbx/ring_target.hpp"

namespace dzvin::pbx {

// ARCHITECTURE.md, "Routing schemes": every call ends in a known outcome.
enum class Outcome : std::uint8_t {
  answered,    // a target answered: `answered_by`; the call stays up
  voicemail,   // a voicemail step ran: `voicemail_box`
  abandoned,   // the caller hung up while `step` was ringing
  rejected,    // a hangup step ended the call: `sip_status`, `reason`
  unanswered,  // the steps ran out (or a fallback list ended) without an answer
  failed,      // the executor could not go on: `reason` (an exception from CallControl)
};

std::string_view to_string(Outcome outcome);

enum class TimelineEvent : std::uint8_t {
  step_started,      // `step` began; `detail` = its type
  schedule_checked,  // a when step: `detail` = "office open" / "office closed"
  target_skipped,    // `target` not rung: `detail` = busy / unregistered / not in directory /
                     // over the target limit; `result` = busy or unavailable
  ring_attempt,      // `target` rang from `at` to `ended` with `result` (`sip_status`)
  step_finished,     // a ring or forward step ended with `result`
  fallback,          // `detail` = on_busy / on_no_answer / on_unavailable runs instead
  answered,          // `target` answered
  voicemail,         // `detail` = box
  prompt_played,     // `detail` = the prompt (the call was answered by Dzvin for it)
  menu_key,          // `detail` = the key pressed ("2", "7 (invalid)") or "no key"
  hangup,            // the call was ended with `sip_status` and `detail` as reason
  finished,          // `detail` = outcome
};

std::string_view to_string(TimelineEvent event);

struct TimelineEntry {
  TimelineEvent event = TimelineEvent::step_started;
  WallTime at{};
  std::optional<WallTime> ended;  // ring_attempt only
  std::string step;               // path of the step in the scheme: "steps[1].on_busy[0]"
  std::optional<RingTarget> target;
  std::optional<RingResult> result;
  int sip_status = 0;
  std::string detail;
};

// One line for logs and tests: "steps[0] ring_attempt user:duty no_answer".
std::string to_string(const TimelineEntry& entry);

struct SchemeResult {
  Outcome outcome = Outcome::unanswered;
  std::optional<RingTarget> answered_by;
  std::string voicemail_box;
  // Where the call ended (answered, voicemail, abandoned, rejected); for unanswered the last
  // ring or forward step that ran, if any.
  std::string step;
  // The ring/forward result that sent the call on last (unanswered: why nobody answered).
  std::optional<RingResult> last_result;
  int sip_status = 0;  // rejected, unanswered, failed: the final response sent to the caller
  std::string reason;  // rejected: reason phrase; failed: what went wrong
  WallTime started{};
  WallTime ended{};
  std::vector<TimelineEntry> timeline;
};

// "answered by user:anna at steps[1]", "abandoned at steps[0]: caller hung up", ...
std::string describe(const SchemeResult& result);

}  // namespace dzvin::pbx
