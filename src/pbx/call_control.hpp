#pragma once
// The narrow interface between the routing layer and one call of the B2BUA. The scheme
// executor decides where the call goes; CallControl makes it happen.
// Includes Asio's awaitable: include this header only where coroutines are written.
#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including <utility>

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "pbx/ring_target.hpp"

namespace dzvin::pbx {

// Implemented by the B2BUA for one incoming call; every method is called on the signalling
// thread, from the coroutine that runs the call's scheme.
class CallControl {
 public:
  virtual ~CallControl() = default;

  // Whether `target` can be rung now. Called just before ringing it when its step skips busy
  // and unregistered targets. For number/uri targets return available unless known otherwise.
  virtual TargetState target_state(const RingTarget& target) = 0;

  // Rings `targets` (never empty) until one answers, the caller hangs up, every target has
  // failed or refused, or `timeout` runs out; then cancels whatever still rings.
  // The executor calls it with one target for each turn of a sequential step, and with
  // RingStrategy::simultaneous and all targets for a simultaneous step (first answer wins).
  // An answered call stays connected: the caller is bridged to the answering leg.
  virtual boost::asio::awaitable<RingOutcome> ring(std::vector<RingTarget> targets,
                                                   RingStrategy strategy,
                                                   std::chrono::milliseconds timeout) = 0;

  // Connects the caller to voicemail box `box` and returns when that is over. Placeholder
  // until the voicemail issue: an implementation may answer and end the call.
  virtual boost::asio::awaitable<void> voicemail(std::string box) = 0;

  // Answers the call if nobody has yet (Dzvin's own answer, the caller's audio anchored) and
  // plays prompt `prompt` to the caller. Returns when it has been played: true, or false when
  // the caller hung up meanwhile.
  virtual boost::asio::awaitable<bool> play(std::string prompt) = 0;

  // What ask_for_key got: a key, none within the time, or the caller gone.
  struct KeyInput {
    std::optional<char> key;
    bool caller_hung_up = false;
  };
  // Plays `prompt` like play() and returns the first key the caller presses: during the prompt
  // (which stops it) or within `timeout` after it.
  virtual boost::asio::awaitable<KeyInput> ask_for_key(std::string prompt,
                                                       std::chrono::milliseconds timeout) = 0;

  // Ends the call: a final response `sip_status` (4xx-6xx) with `reason` as reason phrase
  // (empty: the status's default) while it is unanswered.
  virtual boost::asio::awaitable<void> hangup(int sip_status, std::string reason) = 0;

  // Wall-clock time for schedules and the timeline (tests drive it by hand).
  virtual WallTime now() = 0;
  // The caller's number as the call has it (E.164 from a trunk, the username from a phone):
  // what `when` steps with `caller_in` look up. "" when unknown.
  virtual std::string caller_number() { return {}; }
};

}  // namespace dzvin::pbx
