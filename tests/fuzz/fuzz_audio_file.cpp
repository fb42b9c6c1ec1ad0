// libFuzzer target: decode_audio on any bytes, through libsndfile's format detection and every
// decoder it has (WAV and its codecs, AIFF, AU, CAF, FLAC, Ogg Vorbis/Opus, MP3...), the
// downmix and the resampler. Invariants: an accepted clip is not empty and no longer than the
// limit allows; a refusal is a 400, 413 or 415 with a message (500, an internal failure of the
// resampler, never happens).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "media/audio_file.hpp"

namespace {

using namespace dzvin::media;

constexpr auto kMaxDuration = std::chrono::seconds(20);

// The invariant a result breaks, or nullptr.
const char* broken_invariant(const dzvin::Result<AudioClip>& clip) {
  if (clip) {
    if (clip->samples.empty()) return "an empty clip was accepted";
    const std::size_t most = kMaxDuration.count() * kClipSampleRate + kSamplesPerPacket;
    return clip->samples.size() > most ? "a clip longer than the limit was accepted" : nullptr;
  }
  const int code = clip.error().code;
  if (code != 400 && code != 413 && code != 415) return "an unexpected error code";
  return clip.error().message.empty() ? "an error without a message" : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A short duration keeps each run quick: a few bytes of FLAC or GSM can claim minutes.
  static const AudioLimits limits{.max_bytes = 1 << 20, .max_duration = kMaxDuration};
  const auto clip = decode_audio(std::as_bytes(std::span(data, size)), limits);
  if (const char* broken = broken_invariant(clip)) {
    std::fprintf(stderr, "invariant broken: %s\n", broken);
    std::abort();
  }
  return 0;
}
