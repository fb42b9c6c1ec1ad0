#pragma once
// Audio files in and out of the media services: an uploaded prompt in any common format
// (WAV in any encoding, FLAC, Ogg, MP3: whatever libsndfile reads) becomes an AudioClip, and a
// clip (a recording, a synthesized prompt) is written as an 8 kHz 16-bit WAV.
//
// Error::code of the Results is the HTTP status an upload is answered with: 415 (not audio, or
// a format libsndfile cannot read), 413 (too many bytes, too long), 400 (an audio file this
// module refuses: channels, sample rate, damaged data, no samples); for files of our own 404
// (no such file) and 500 (an I/O failure).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.hpp"
#include "media/audio_clip.hpp"

namespace dzvin::media {

struct AudioLimits {
  std::size_t max_bytes = std::size_t{50} << 20;  // the encoded file
  std::chrono::seconds max_duration = std::chrono::minutes(10);
  int max_channels = 8;
  int min_sample_rate = 8000;
  int max_sample_rate = 192000;
};

// Decodes an audio file held in memory: any channel count (mixed down to mono, the channels
// averaged), any sample rate (resampled to 8 kHz with libsamplerate's medium-quality sinc
// converter), clipped to 16 bits. Any bytes give a clip or an Error (fuzzed; libsndfile and
// its codec libraries decode in this process, see README), and memory stays bounded by the
// limits whatever the header claims. Thread-safe; blocking and CPU-bound (~0.55 s per minute
// of 44.1 kHz audio): call it from a worker, not from the signalling loop.
Result<AudioClip> decode_audio(std::span<const std::byte> bytes, const AudioLimits& limits = {});

// Reads the file at `path` (refused with 413 before reading when it is over limits.max_bytes),
// then decode_audio.
Result<AudioClip> read_audio_file(const std::string& path, const AudioLimits& limits = {});

// Mono 16-bit samples at `sample_rate` (8,000..192,000 Hz) as a clip: resampled like
// decode_audio (copied unchanged at 8 kHz). Used for audio that does not come from a file,
// e.g. espeak-ng's 22,050 Hz output.
Result<AudioClip> resample_to_clip(std::span<const std::int16_t> samples, int sample_rate);

// Writes `clip` as an 8 kHz mono 16-bit PCM WAV: to "<path>.tmp", fsync, then renamed over
// `path` (and the directory fsynced), so a crash leaves either the old file or the whole new
// one under `path`, never a truncated one. On failure the temporary file is removed.
Result<void> write_wav_file(const std::string& path, const AudioClip& clip);

}  // namespace dzvin::media
