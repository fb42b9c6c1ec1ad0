#include "pbx/recording_policy.hpp"

#include <algorithm>

namespace dzvin::pbx {

namespace {

int strength(RecordingMode mode) {
  switch (mode) {
    case RecordingMode::none:
      return 0;
    case RecordingMode::on_demand:
      return 1;
    case RecordingMode::all:
      return 2;
  }
  return 0;
}

}  // namespace

std::string_view to_string(RecordingMode mode) {
  switch (mode) {
    case RecordingMode::none:
      return "none";
    case RecordingMode::all:
      return "all";
    case RecordingMode::on_demand:
      return "on_demand";
  }
  return "none";
}

Result<RecordingMode> parse_recording_mode(std::string_view text) {
  if (text == "none") return RecordingMode::none;
  if (text == "all") return RecordingMode::all;
  if (text == "on_demand") return RecordingMode::on_demand;
  return make_error(400,
                    "\"" + std::string(text) + "\" is not a recording mode (none, all, on_demand)");
}

RecordingMode RecordingPolicy::mode_for(std::optional<RecordingMode> scheme_mode,
                                        std::string_view caller,
                                        std::string_view answered_by) const {
  if (scheme_mode) return *scheme_mode;
  std::optional<RecordingMode> by_user;
  for (std::string_view user : {caller, answered_by}) {
    if (user.empty()) continue;
    if (auto it = users.find(user); it != users.end()) {
      if (!by_user || strength(it->second) > strength(*by_user)) by_user = it->second;
    }
  }
  return by_user.value_or(mode);
}

bool RecordingPolicy::announces(std::optional<RecordingMode> scheme_mode,
                                std::string_view caller) const {
  if (announcement.empty()) return false;
  if (scheme_mode) return *scheme_mode == RecordingMode::all;
  (void)caller;
  // Who answers is not known yet: announce whenever someone who may answer (or the caller) is
  // recorded in full, so that no call is recorded unannounced.
  if (mode == RecordingMode::all) return true;
  for (const auto& [user, user_mode] : users) {
    if (user_mode == RecordingMode::all) return true;
  }
  return false;
}

}  // namespace dzvin::pbx
