#pragma once
// A routing scheme: where an incoming call goes, as an ordered list of steps. Plain data; its
// JSON form (what the store and the web app hold) is described in docs/routing-schemes.md and
// implemented in routing_json.cpp. The scheme executor (scheme_executor.hpp) runs it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "pbx/phone_number.hpp"
#include "pbx/recording_policy.hpp"
#include "pbx/ring_target.hpp"

namespace dzvin::pbx {

class Directory;

enum class TargetKind : std::uint8_t { user, group, number, uri };

// A target as written in a scheme.
struct Target {
  TargetKind kind = TargetKind::user;
  std::string value;  // user or group name; E.164 number; the whole URI ("sip:bob@example.com")
  bool operator==(const Target&) const = default;
};

// "user:NAME", "group:NAME", "number:NUMBER" (normalised to E.164 with `plan`, so
// "number:050 111 22 33" becomes "number:+380501112233"), "sip:..." or "sips:...".
Result<Target> parse_target(std::string_view text, const NumberingPlan& plan = {});
std::string to_string(const Target& target);

inline constexpr std::chrono::seconds kDefaultRingTimeout{20};

struct Step;
using StepList = std::vector<Step>;

// What a ring or forward step does when it ends without an answer. A list that is present runs
// instead of the steps after this step (in its own list and in every list around it): the
// scheme ends when that list ends. An absent one lets execution go on with the next step.
// failed counts as unavailable here.
struct Fallbacks {
  std::optional<StepList> on_busy;
  std::optional<StepList> on_no_answer;
  std::optional<StepList> on_unavailable;
  bool operator==(const Fallbacks&) const = default;
};

struct RingStep {
  std::vector<Target> targets;
  RingStrategy strategy = RingStrategy::sequential;
  // simultaneous: for the whole step; sequential: for each target in turn.
  std::chrono::seconds timeout = kDefaultRingTimeout;
  bool skip_unavailable = true;  // skip targets that are busy or unregistered, not ring them
  Fallbacks fallbacks;
  bool operator==(const RingStep&) const = default;
};

// Sends the call to one external number or SIP URI, through a trunk.
struct ForwardStep {
  Target to;  // kind number or uri
  std::chrono::seconds timeout = kDefaultRingTimeout;
  std::string trunk;  // empty: the default trunk
  Fallbacks fallbacks;
  bool operator==(const ForwardStep&) const = default;
};

// Runs `open` or `closed` in place of itself, by the schedule at the moment it is reached,
// then goes on with the next step.
// Branches on the schedule (open / closed), or on the caller (caller_in: "listed" when the
// caller's number is on the list, "others" otherwise: a protected direct line). Exactly one of
// schedule and caller_in is set; `open` holds the first branch, `closed` the second.
struct WhenStep {
  std::string schedule;
  std::string caller_in;
  StepList open;
  StepList closed;
  bool operator==(const WhenStep&) const = default;
};

// Ends the scheme in voicemail box `box` (a placeholder outcome until voicemail lands).
struct VoicemailStep {
  std::string box;
  bool operator==(const VoicemailStep&) const = default;
};

// Ends the call unanswered with a final response.
struct HangupStep {
  int status = 480;    // 4xx-6xx; 480 Temporarily Unavailable
  std::string reason;  // reason phrase; empty: the status's default
  bool operator==(const HangupStep&) const = default;
};

// Answers the call (if nobody has yet) and plays a prompt to the caller; then the next step.
struct PlayStep {
  std::string prompt;  // a prompt of the routing document
  bool operator==(const PlayStep&) const = default;
};

// A voice menu: plays `prompt` (a key interrupts it), waits `timeout` for a key after it; a key
// with a branch runs that branch in place of the menu; an invalid key or none plays
// `invalid_prompt` / `no_input_prompt` (when given) and asks again, at most `retries` more
// times; then the scheme goes on after the menu.
struct MenuStep {
  std::string prompt;
  std::vector<std::pair<char, StepList>> options;  // keys '0'-'9', '*', '#', in the order written
  std::chrono::seconds timeout{5};
  int retries = 2;
  std::string invalid_prompt;   // may be empty
  std::string no_input_prompt;  // may be empty
  bool operator==(const MenuStep&) const = default;
};

struct Step {
  std::variant<RingStep, ForwardStep, WhenStep, VoicemailStep, HangupStep, PlayStep, MenuStep> body;
  bool operator==(const Step&) const = default;
};

// "ring", "forward", "when", "voicemail", "hangup", "play", "menu": the JSON "type".
std::string_view step_type(const Step& step);

struct RoutingScheme {
  std::string name;
  std::string description;
  StepList steps;
  // "record": recording mode of calls through this scheme, over the company's (and users')
  // policy (recording_policy.hpp); not set: theirs.
  std::optional<RecordingMode> record;
  bool operator==(const RoutingScheme&) const = default;
};

struct SchemeLimits {
  std::size_t max_depth = 4;              // lists nested in when branches and fallbacks
  std::size_t max_steps = 64;             // in the whole scheme, nested ones included
  std::size_t max_targets_per_step = 16;  // as written
  std::size_t max_ring_targets = 32;      // after groups are expanded
  std::chrono::seconds max_timeout{600};
};

struct SchemeRules {
  NumberingPlan numbering;
  SchemeLimits limits;
};

// Parses the JSON form of one scheme ({"name": ..., "steps": [...]}) and checks it
// (check_routing_scheme). Errors (code 400) name the field: `steps[1].timeout: ...`, prefixed
// by `path` when given.
Result<RoutingScheme> parse_routing_scheme(std::string_view json, const SchemeRules& rules = {},
                                           std::string_view path = "");
// Canonical JSON: every field of ring and forward steps written out, numbers in E.164.
// `indent` < 0: one line.
std::string to_json(const RoutingScheme& scheme, int indent = -1);

// Names of schemes, users, groups, schedules, voicemail boxes and trunks: 1 to 64 bytes, no
// control characters, no leading or trailing space. `what` ("user") is used in the message.
Result<void> check_routing_name(std::string_view name, std::string_view path,
                                std::string_view what);

// Checks that need no directory: names, limits, timeouts, target forms, statuses.
Result<void> check_routing_scheme(const RoutingScheme& scheme, const SchemeLimits& limits = {},
                                  std::string_view path = "");
// check_routing_scheme, then every user, group, schedule, voicemail box and trunk named must
// exist in `directory`, and no ring step may expand to more than max_ring_targets:
// `steps[1].targets[0]: unknown user "bob"`.
Result<void> validate_routing_scheme(const RoutingScheme& scheme, const Directory& directory,
                                     const SchemeLimits& limits = {}, std::string_view path = "");

}  // namespace dzvin::pbx
