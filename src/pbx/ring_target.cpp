#include "pbx/ring_target.hpp"

namespace dzvin::pbx {

std::string to_string(const RingTarget& target) {
  if (target.kind == RingTargetKind::uri) return target.id;
  std::string out(to_string(target.kind));
  out += ':';
  out += target.id;
  return out;
}

std::string_view to_string(RingTargetKind kind) {
  switch (kind) {
    case RingTargetKind::user:
      return "user";
    case RingTargetKind::number:
      return "number";
    case RingTargetKind::uri:
      return "uri";
  }
  return "?";
}

std::string_view to_string(RingStrategy strategy) {
  return strategy == RingStrategy::simultaneous ? "simultaneous" : "sequential";
}

std::string_view to_string(TargetState state) {
  switch (state) {
    case TargetState::available:
      return "available";
    case TargetState::busy:
      return "busy";
    case TargetState::unregistered:
      return "unregistered";
  }
  return "?";
}

std::string_view to_string(RingResult result) {
  switch (result) {
    case RingResult::answered:
      return "answered";
    case RingResult::no_answer:
      return "no_answer";
    case RingResult::busy:
      return "busy";
    case RingResult::unavailable:
      return "unavailable";
    case RingResult::caller_hung_up:
      return "caller_hung_up";
    case RingResult::failed:
      return "failed";
  }
  return "?";
}

}  // namespace dzvin::pbx
