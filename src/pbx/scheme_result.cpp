#include "pbx/scheme_result.hpp"

namespace dzvin::pbx {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::answered:
      return "answered";
    case Outcome::voicemail:
      return "voicemail";
    case Outcome::abandoned:
      return "abandoned";
    case Outcome::rejected:
      return "rejected";
    case Outcome::unanswered:
      return "unanswered";
    case Outcome::failed:
      return "failed";
  }
  return "?";
}

std::string_view to_string(TimelineEvent event) {
  switch (event) {
    case TimelineEvent::step_started:
      return "step_started";
    case TimelineEvent::schedule_checked:
      return "schedule_checked";
    case TimelineEvent::target_skipped:
      return "target_skipped";
    case TimelineEvent::ring_attempt:
      return "ring_attempt";
    case TimelineEvent::step_finished:
      return "step_finished";
    case TimelineEvent::fallback:
      return "fallback";
    case TimelineEvent::answered:
      return "answered";
    case TimelineEvent::voicemail:
      return "voicemail";
    case TimelineEvent::prompt_played:
      return "prompt_played";
    case TimelineEvent::menu_key:
      return "menu_key";
    case TimelineEvent::hangup:
      return "hangup";
    case TimelineEvent::finished:
      return "finished";
  }
  return "?";
}

std::string to_string(const TimelineEntry& entry) {
  std::string out = entry.step.empty() ? "-" : entry.step;
  out += ' ';
  out += to_string(entry.event);
  if (entry.target) {
    out += ' ';
    out += to_string(*entry.target);
  }
  if (entry.result) {
    out += ' ';
    out += to_string(*entry.result);
  }
  if (entry.sip_status != 0) {
    out += ' ';
    out += std::to_string(entry.sip_status);
  }
  if (!entry.detail.empty()) {
    out += " (";
    out += entry.detail;
    out += ')';
  }
  return out;
}

std::string describe(const SchemeResult& result) {
  std::string out(to_string(result.outcome));
  switch (result.outcome) {
    case Outcome::answered:
      if (result.answered_by) out += " by " + to_string(*result.answered_by);
      out += " at " + result.step;
      break;
    case Outcome::voicemail:
      out += " \"" + result.voicemail_box + "\" at " + result.step;
      break;
    case Outcome::abandoned:
      out += " at " + result.step + ": caller hung up";
      break;
    case Outcome::rejected:
      out += " at " + result.step + " with " + std::to_string(result.sip_status);
      if (!result.reason.empty()) out += " " + result.reason;
      break;
    case Outcome::unanswered:
      out += " after the last step";
      if (!result.step.empty() && result.last_result) {
        out += " (" + result.step + ": " + std::string(to_string(*result.last_result)) + ")";
      }
      break;
    case Outcome::failed:
      out += ": " + result.reason;
      break;
  }
  return out;
}

}  // namespace dzvin::pbx
