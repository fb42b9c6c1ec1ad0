#pragma once
// Which calls are recorded (issue: per number, user and scheme). The routing document's
// "recording" section sets the company's default and per-user modes; a scheme may set its own
// "record" mode, which wins for calls through it (a number's scheme is that number's policy).
// The mode applies when a person answers: `all` records from then on, `on_demand` only once
// someone asks (the web app, or *1 pressed by a participant), `none` never.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::pbx {

enum class RecordingMode : std::uint8_t { none, all, on_demand };
std::string_view to_string(RecordingMode mode);
Result<RecordingMode> parse_recording_mode(std::string_view text);

struct RecordingPolicy {
  RecordingMode mode = RecordingMode::none;  // the company default
  bool stereo = false;                       // caller left, callee right; else mixed mono
  std::string announcement;  // prompt played to the caller before a recorded call; empty: none
  std::map<std::string, RecordingMode, std::less<>> users;  // per user, over the default
  std::chrono::days retention{90};  // recordings older than this are deleted; 0: kept
  bool operator==(const RecordingPolicy&) const = default;

  // The mode of a call through a scheme with `scheme_mode` (if it sets one), between `caller`
  // and `answered_by` (user names, or empty for outside numbers). A scheme's mode wins, then
  // the stricter of the users' (all > on_demand > none), then the default.
  RecordingMode mode_for(std::optional<RecordingMode> scheme_mode, std::string_view caller,
                         std::string_view answered_by) const;
  // Whether calls through a scheme with `scheme_mode` get the announcement before anything
  // else: when they may be recorded in full (the callee is not known before the call is
  // answered, so any user recorded in full counts).
  bool announces(std::optional<RecordingMode> scheme_mode, std::string_view caller) const;
};

}  // namespace dzvin::pbx
