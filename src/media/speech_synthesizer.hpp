#pragma once
// Text-to-speech prompts: a text in Ukrainian, Russian or English spoken by espeak-ng (the
// library, in this process) and kept as an AudioClip, in memory and optionally on disk.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "media/audio_clip.hpp"

namespace dzvin::media {

struct SpeechConfig {
  // Where synthesized prompts are kept as WAV files (created if missing) so that a restart
  // does not speak them again; empty: memory only.
  std::string cache_dir = {};
  std::size_t memory_cache_bytes = std::size_t{64} << 20;  // least recently used go first
  std::size_t max_text_bytes = 4000;
  int words_per_minute = 160;  // espeak-ng accepts 80..450; part of the cache key
};

// One synthesis thread owns espeak-ng (which is neither thread-safe nor reentrant and speaks
// at 22,050 Hz): requests are queued to it, spoken, resampled to 8 kHz and cached. Every
// member function may be called from any thread.
//
// Error::code: 400 for a request refused (unknown language, empty, too long or not UTF-8
// text), 500 when espeak-ng fails, 503 for requests still queued when the synthesizer is
// destroyed.
class SpeechSynthesizer {
 public:
  // Loads espeak-ng and checks that every supported language has its voice; throws
  // std::runtime_error when it cannot (a start-up failure: espeak-ng-data missing, a bad
  // words_per_minute, a cache directory that cannot be created).
  explicit SpeechSynthesizer(SpeechConfig config);
  // Waits for the request being spoken; those still queued get a 503.
  ~SpeechSynthesizer();
  SpeechSynthesizer(const SpeechSynthesizer&) = delete;
  SpeechSynthesizer& operator=(const SpeechSynthesizer&) = delete;

  // "uk", "ru", "en".
  static bool supports_language(std::string_view language);

  // Queues a request and returns at once. `done` runs on the synthesis thread, exactly once,
  // and must neither throw nor block for long (post the result to your own loop); it must not
  // destroy the synthesizer. Requests are served in order.
  void synthesize(std::string text, std::string language,
                  std::function<void(Result<AudioClip>)> done);
  // Blocks until the clip is ready (start-up, tests). Refused with a 500 when called from a
  // `done` callback, which would wait for itself.
  Result<AudioClip> synthesize_now(std::string text, std::string language);

  struct Stats {
    std::uint64_t synthesized = 0;  // spoken by espeak-ng
    std::uint64_t memory_hits = 0;
    std::uint64_t disk_hits = 0;
    std::size_t memory_bytes = 0;  // held by the memory cache now
  };
  Stats stats() const;

 private:
  class Worker;
  std::unique_ptr<Worker> worker_;
};

}  // namespace dzvin::media
