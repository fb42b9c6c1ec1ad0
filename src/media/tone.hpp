#pragma once
// Call-progress tones as clips, to play where the caller has no other audio: the ringback
// tone while a ring step waits after Dzvin has answered the call for a prompt.
#include <chrono>
#include <memory>
#include <vector>

#include "media/audio_clip.hpp"

namespace dzvin::media {

struct ToneSpec {
  std::vector<double> frequencies_hz;  // mixed, equal levels
  std::chrono::milliseconds on{1000};
  std::chrono::milliseconds off{4000};
  double level_dbfs = -13;  // of the mix's peak
};

// One cadence period: `on` of the tone (with 5 ms ramps, so it does not click), then `off` of
// silence. Looped by the player.
AudioClip make_tone(const ToneSpec& spec);

// The European (and Ukrainian, DSTU/ETSI) ringback: 425 Hz, 1 s on, 4 s off.
inline ToneSpec ringback_tone() {
  return ToneSpec{{425.0}, std::chrono::milliseconds(1000), std::chrono::milliseconds(4000), -13};
}

// The voicemail beep: 1 kHz for 400 ms, then 100 ms of silence before recording starts.
inline ToneSpec beep_tone() {
  return ToneSpec{{1000.0}, std::chrono::milliseconds(400), std::chrono::milliseconds(100), -10};
}
// beep_tone() made once and shared.
std::shared_ptr<const AudioClip> beep_clip();

}  // namespace dzvin::media
