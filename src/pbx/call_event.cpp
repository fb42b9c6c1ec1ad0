#include "pbx/call_event.hpp"

namespace dzvin::pbx {

std::string_view to_string(CallEventKind kind) {
  switch (kind) {
    case CallEventKind::started:
      return "started";
    case CallEventKind::ringing:
      return "ringing";
    case CallEventKind::attempt:
      return "attempt";
    case CallEventKind::answered:
      return "answered";
    case CallEventKind::ended:
      return "ended";
    case CallEventKind::voicemail_recorded:
      return "voicemail_recorded";
    case CallEventKind::recording_started:
      return "recording_started";
    case CallEventKind::recording_finished:
      return "recording_finished";
  }
  return "unknown";
}

}  // namespace dzvin::pbx
