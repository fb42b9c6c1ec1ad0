#pragma once
// What the scheme executor and the B2BUA say to each other about ringing, without Asio:
// resolved ring targets, their state, and the results of ringing them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"

namespace dzvin::pbx {

enum class RingStrategy : std::uint8_t {
  sequential,    // one target after another, each for the step's timeout
  simultaneous,  // all at once; the first to answer wins, the others are cancelled
};

enum class RingTargetKind : std::uint8_t {
  user,    // a user of the company: ring the phones registered for `id`
  number,  // an external number (E.164) through a trunk
  uri,     // a SIP URI, called directly
};

// A target after expansion: groups become their members, users carry their extension.
struct RingTarget {
  RingTargetKind kind = RingTargetKind::user;
  std::string id;         // user: user name (the AoR user part); number: E.164; uri: the URI
  std::string display;    // user: display name; otherwise the id
  std::string extension;  // user: internal extension, may be empty
  std::string trunk;      // number/uri: trunk to call through; empty = the default trunk
  std::string origin;     // the scheme's target this came from: "group:sales"
  bool operator==(const RingTarget&) const = default;
};

// "user:anna", "number:+380501112233", "sip:bob@example.com".
std::string to_string(const RingTarget& target);

enum class TargetState : std::uint8_t { available, busy, unregistered };

enum class RingResult : std::uint8_t {
  answered,
  no_answer,       // rang until the timeout
  busy,            // 486/600 from the target, or skipped as busy
  unavailable,     // not registered, unknown, 480/404, or nothing left to ring
  caller_hung_up,  // the caller left while ringing: the scheme stops (abandoned)
  failed,          // could not ring: trunk down, 5xx, no route
};

std::string_view to_string(RingTargetKind kind);
std::string_view to_string(RingStrategy strategy);
std::string_view to_string(TargetState state);
std::string_view to_string(RingResult result);

// The result of ringing one target inside a ring() call.
struct TargetRingResult {
  RingResult result = RingResult::no_answer;
  int sip_status = 0;             // final response from the target's leg, 0 if none
  std::optional<WallTime> ended;  // when this target stopped ringing; unset: when ring() returned
};

// What CallControl::ring returns.
struct RingOutcome {
  // answered if any target answered; caller_hung_up if the caller left first; otherwise the
  // overall result (no_answer when the timeout ran out).
  RingResult result = RingResult::no_answer;
  std::optional<std::size_t> answered;    // index into the targets given to ring()
  std::vector<TargetRingResult> targets;  // one per target given, same order; may be empty
  std::string reason;                     // for failed: why, for the call record
};

}  // namespace dzvin::pbx
