#pragma once
// Audio as the media services hold it: 8 kHz mono signed 16-bit PCM, the form every prompt
// (an uploaded WAV, a text spoken by espeak-ng, a tone) takes before it is encoded to G.711
// and sent in 20 ms RTP packets, and the form recordings and voicemails are written in.
#include <chrono>
#include <cstdint>
#include <vector>

namespace dzvin::media {

inline constexpr int kClipSampleRate = 8000;
inline constexpr std::size_t kSamplesPerPacket = 160;  // 20 ms at 8 kHz

struct AudioClip {
  std::vector<std::int16_t> samples;
  std::chrono::milliseconds duration() const {
    return std::chrono::milliseconds(samples.size() * 1000 / kClipSampleRate);
  }
  bool operator==(const AudioClip&) const = default;
};

}  // namespace dzvin::media
