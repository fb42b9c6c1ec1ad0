#pragma once
// What to record of a relay and where (MediaEngine::start_recording).
#include <cstdint>
#include <string>

#include "base/clock.hpp"

namespace dzvin::media {

enum class RecordingLayout : std::uint8_t {
  caller_only,  // leg A, mono (voicemail)
  mixed,        // both legs summed, mono
  stereo,       // leg A left, leg B right
};

struct RecordingOptions {
  // The finished file: WAV, 8 kHz, 16-bit. It is written as "<path>.part" and renamed when
  // complete, so a crash leaves at most a ".part" file, never a truncated one under `path`.
  // Missing directories are created.
  std::string path;
  RecordingLayout layout = RecordingLayout::mixed;
  // Report a recording_silence event once leg A has sent no voice for this long (0: never).
  // Only packets that arrive are judged: a phone that stops sending is not seen as quiet.
  Duration silence_timeout{0};
};

}  // namespace dzvin::media
