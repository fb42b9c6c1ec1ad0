#include "media/audio_file.hpp"

#include <fcntl.h>
#include <samplerate.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "media/unique_fd.hpp"

namespace dzvin::media {
namespace {

constexpr int kBadRequest = 400;
constexpr int kNotFound = 404;
constexpr int kTooLarge = 413;
constexpr int kNotAudio = 415;
constexpr int kInternalError = 500;

constexpr std::size_t kChunkFrames = 4096;

// sf_open_virtual and sf_open_fd leave the reason of a failure in a process-wide variable
// (sf_strerror(nullptr)): opening is serialised so that each caller reads its own reason.
// Everything after the open works on the caller's own SNDFILE.
std::mutex g_sndfile_open_mutex;

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

struct SrcDeleter {
  void operator()(SRC_STATE* state) const { src_delete(state); }
};

// libsndfile reads the upload through these callbacks, straight from the caller's buffer.
struct MemoryFile {
  std::span<const std::byte> bytes;
  sf_count_t position = 0;

  sf_count_t size() const { return static_cast<sf_count_t>(bytes.size()); }
};

MemoryFile& as_file(void* user) {
  return *static_cast<MemoryFile*>(user);
}

sf_count_t memory_length(void* user) {
  return as_file(user).size();
}

sf_count_t memory_seek(sf_count_t offset, int whence, void* user) {
  MemoryFile& file = as_file(user);
  sf_count_t base = 0;
  switch (whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = file.position;
      break;
    case SEEK_END:
      base = file.size();
      break;
    default:
      return -1;
  }
  // A header may ask for any offset: like lseek, a position past the end is allowed (reads
  // there return nothing), a negative or overflowing one is not.
  sf_count_t target = 0;
  if (__builtin_add_overflow(base, offset, &target) || target < 0) return -1;
  file.position = target;
  return target;
}

sf_count_t memory_read(void* out, sf_count_t count, void* user) {
  MemoryFile& file = as_file(user);
  if (count <= 0 || file.position >= file.size()) return 0;
  const sf_count_t n = std::min(count, file.size() - file.position);
  std::memcpy(out, file.bytes.data() + file.position, static_cast<std::size_t>(n));
  file.position += n;
  return n;
}

sf_count_t memory_write(const void*, sf_count_t, void*) {
  return 0;
}

sf_count_t memory_tell(void* user) {
  return as_file(user).position;
}

std::string describe_bytes(std::size_t bytes) {
  char text[32];
  if (bytes >= (std::size_t{1} << 20)) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%zu bytes", bytes);
  }
  return text;
}

std::string describe_duration(double seconds) {
  char text[48];
  if (seconds >= 60) {
    const auto whole = static_cast<long long>(seconds);
    if (whole % 60 == 0) {
      std::snprintf(text, sizeof text, "%lld min", whole / 60);
    } else {
      std::snprintf(text, sizeof text, "%lld min %lld s", whole / 60, whole % 60);
    }
  } else {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  }
  return text;
}

// libsndfile's reasons end with a full stop; ours are embedded in a longer message.
std::string reason(const char* text) {
  std::string r = text != nullptr ? text : "unknown error";
  while (!r.empty() && (r.back() == '.' || r.back() == '\n' || r.back() == ' '))
    r.pop_back();
  return r;
}

std::int16_t to_int16(float sample) {
  const float scaled = sample * 32768.0f;
  if (std::isnan(scaled)) return 0;
  if (scaled <= -32768.0f) return -32768;
  if (scaled >= 32767.0f) return 32767;
  return static_cast<std::int16_t>(std::lrint(scaled));
}

// A float file may hold anything, NaN and infinities included: they would spread through the
// resampler's filter (and a NaN cannot be converted to an integer), so they become silence,
// and whatever is beyond full scale is clipped here rather than after resampling.
float sanitize(float sample) {
  if (std::isnan(sample)) return 0.0f;
  return std::clamp(sample, -1.0f, 1.0f);
}

// Mono float samples at any rate in, 8 kHz 16-bit out, piece by piece, so that a long file is
// never held in memory at its original rate.
class ClipResampler {
 public:
  explicit ClipResampler(int sample_rate)
      : passthrough_(sample_rate == kClipSampleRate),
        ratio_(static_cast<double>(kClipSampleRate) / sample_rate) {
    if (!passthrough_) {
      state_.reset(src_new(SRC_SINC_MEDIUM_QUALITY, 1, &error_));
      output_.resize(kChunkFrames);
    }
  }

  // `last` flushes the converter's delay line: the final call, with or without samples.
  Result<void> push(std::span<const float> input, bool last, AudioClip& clip) {
    if (passthrough_) {
      for (const float sample : input) {
        clip.samples.push_back(to_int16(sample));
      }
      return {};
    }
    if (!state_) {
      return make_error(kInternalError, std::string("resampler: ") + src_strerror(error_));
    }
    SRC_DATA data{};
    data.data_in = input.data();
    data.input_frames = static_cast<long>(input.size());
    data.src_ratio = ratio_;
    data.end_of_input = last ? 1 : 0;
    for (;;) {
      data.data_out = output_.data();
      data.output_frames = static_cast<long>(output_.size());
      if (const int e = src_process(state_.get(), &data); e != 0) {
        return make_error(kInternalError, std::string("resampler: ") + src_strerror(e));
      }
      for (long i = 0; i < data.output_frames_gen; ++i) {
        clip.samples.push_back(to_int16(output_[static_cast<std::size_t>(i)]));
      }
      data.data_in += data.input_frames_used;
      data.input_frames -= data.input_frames_used;
      const bool progressed = data.input_frames_used > 0 || data.output_frames_gen > 0;
      const bool drained = data.input_frames == 0 && (!last || data.output_frames_gen == 0);
      if (drained || !progressed) return {};
    }
  }

 private:
  bool passthrough_;
  double ratio_;
  int error_ = 0;
  std::unique_ptr<SRC_STATE, SrcDeleter> state_;
  std::vector<float> output_;
};

// `seconds` is the length the header declares, or nothing when the decoder passed the limit.
Error too_long(std::optional<double> seconds, const AudioLimits& limits) {
  const std::string limit = describe_duration(static_cast<double>(limits.max_duration.count()));
  if (!seconds) return make_error(kTooLarge, "the audio is longer than the " + limit + " accepted");
  return make_error(kTooLarge, "the audio is " + describe_duration(*seconds) + " long: at most " +
                                   limit + " is accepted");
}

// Reads a whole descriptor, up to `limit` bytes (one more tells that the file was larger).
Result<std::vector<std::byte>> read_all(int fd, const std::string& path, std::size_t limit) {
  std::vector<std::byte> bytes;
  std::byte buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(kInternalError, "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) return bytes;
    bytes.insert(bytes.end(), buffer, buffer + n);
    if (bytes.size() > limit) {
      return make_error(kTooLarge, "the audio file " + path + " is larger than the " +
                                       describe_bytes(limit) + " accepted");
    }
  }
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<AudioClip> decode_audio(std::span<const std::byte> bytes, const AudioLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return make_error(kTooLarge, "the audio file is " + describe_bytes(bytes.size()) +
                                     ": at most " + describe_bytes(limits.max_bytes) +
                                     " is accepted");
  }
  if (bytes.empty()) return make_error(kNotAudio, "not an audio file: the file is empty");

  MemoryFile file{bytes};
  SF_VIRTUAL_IO io{memory_length, memory_seek, memory_read, memory_write, memory_tell};
  SF_INFO info{};
  SndfilePtr sndfile;
  {
    std::lock_guard lock(g_sndfile_open_mutex);
    sndfile.reset(sf_open_virtual(&io, SFM_READ, &info, &file));
    if (!sndfile) {
      return make_error(kNotAudio, "not an audio file: " + reason(sf_strerror(nullptr)));
    }
  }
  if (info.channels < 1 || info.channels > limits.max_channels) {
    return make_error(kBadRequest, "the audio has " + std::to_string(info.channels) +
                                       " channels: at most " + std::to_string(limits.max_channels) +
                                       " are accepted");
  }
  if (info.samplerate < limits.min_sample_rate || info.samplerate > limits.max_sample_rate) {
    return make_error(kBadRequest, "the audio's sample rate is " + std::to_string(info.samplerate) +
                                       " Hz: " + std::to_string(limits.min_sample_rate) + " to " +
                                       std::to_string(limits.max_sample_rate) + " Hz are accepted");
  }
  const sf_count_t max_frames = limits.max_duration.count() * info.samplerate;
  // The header's length is refused early when it is over the limit (without decoding an
  // hour of audio first); it is not trusted otherwise: the frames are counted as they come.
  if (info.frames > max_frames && info.frames != SF_COUNT_MAX) {
    return too_long(static_cast<double>(info.frames) / info.samplerate, limits);
  }

  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> interleaved(kChunkFrames * channels);
  std::vector<float> mono(kChunkFrames);
  ClipResampler resampler(info.samplerate);
  AudioClip clip;  // not reserved from the header's length, which may lie
  sf_count_t frames = 0;
  for (;;) {
    const sf_count_t n =
        sf_readf_float(sndfile.get(), interleaved.data(), static_cast<sf_count_t>(kChunkFrames));
    const auto count = static_cast<std::size_t>(std::max<sf_count_t>(n, 0));
    frames += static_cast<sf_count_t>(count);
    if (frames > max_frames) return too_long(std::nullopt, limits);
    for (std::size_t i = 0; i < count; ++i) {
      float sum = 0.0f;
      for (std::size_t c = 0; c < channels; ++c) {
        sum += interleaved[i * channels + c];
      }
      mono[i] = sanitize(sum / static_cast<float>(channels));
    }
    if (auto pushed = resampler.push({mono.data(), count}, count == 0, clip); !pushed) {
      return pushed.error();
    }
    if (count == 0) break;
  }
  if (const int e = sf_error(sndfile.get()); e != SF_ERR_NO_ERROR) {
    return make_error(kBadRequest,
                      "the audio data is damaged after " +
                          describe_duration(static_cast<double>(frames) / info.samplerate) + ": " +
                          reason(sf_error_number(e)));
  }
  if (clip.samples.empty()) return make_error(kBadRequest, "the audio file holds no samples");
  return clip;
}

Result<AudioClip> read_audio_file(const std::string& path, const AudioLimits& limits) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return make_error(errno == ENOENT ? kNotFound : kInternalError,
                      "cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return make_error(kInternalError, "cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return make_error(kBadRequest, path + " is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > limits.max_bytes) {
    return make_error(kTooLarge, "the audio file " + path + " is " +
                                     describe_bytes(static_cast<std::size_t>(st.st_size)) +
                                     ": at most " + describe_bytes(limits.max_bytes) +
                                     " is accepted");
  }
  auto bytes = read_all(fd.get(), path, limits.max_bytes);
  if (!bytes) return bytes.error();
  return decode_audio(*bytes, limits);
}

Result<AudioClip> resample_to_clip(std::span<const std::int16_t> samples, int sample_rate) {
  const AudioLimits limits;
  if (sample_rate < limits.min_sample_rate || sample_rate > limits.max_sample_rate) {
    return make_error(kBadRequest, "sample rate " + std::to_string(sample_rate) +
                                       " Hz: " + std::to_string(limits.min_sample_rate) + " to " +
                                       std::to_string(limits.max_sample_rate) + " Hz are accepted");
  }
  ClipResampler resampler(sample_rate);
  AudioClip clip;
  clip.samples.reserve(samples.size() * kClipSampleRate / static_cast<std::size_t>(sample_rate) +
                       kSamplesPerPacket);
  std::vector<float> chunk(kChunkFrames);
  for (std::size_t at = 0; at < samples.size(); at += kChunkFrames) {
    const std::size_t n = std::min(kChunkFrames, samples.size() - at);
    for (std::size_t i = 0; i < n; ++i) {
      chunk[i] = static_cast<float>(samples[at + i]) / 32768.0f;
    }
    if (auto pushed = resampler.push({chunk.data(), n}, false, clip); !pushed) {
      return pushed.error();
    }
  }
  if (auto pushed = resampler.push({}, true, clip); !pushed) return pushed.error();
  return clip;
}

Result<void> write_wav_file(const std::string& path, const AudioClip& clip) {
  const std::string tmp = path + ".tmp";
  // A raw descriptor, not a UniqueFd: close() is checked (NFS reports write errors there).
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(kInternalError, "cannot create " + tmp + ": " + std::strerror(errno));
  }
  SndfilePtr sndfile;
  const auto fail = [&](std::string message) {
    sndfile.reset();
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return make_error(kInternalError, std::move(message));
  };

  SF_INFO info{};
  info.samplerate = kClipSampleRate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  {
    std::lock_guard lock(g_sndfile_open_mutex);
    sndfile.reset(sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE));
    if (!sndfile) return fail("cannot write " + tmp + ": " + reason(sf_strerror(nullptr)));
  }
  const auto count = static_cast<sf_count_t>(clip.samples.size());
  if (sf_write_short(sndfile.get(), clip.samples.data(), count) != count) {
    return fail("cannot write " + tmp + ": " + reason(sf_strerror(sndfile.get())));
  }
  // sf_close writes the final header (the data length).
  if (const int e = sf_close(sndfile.release()); e != SF_ERR_NO_ERROR) {
    return fail("cannot write " + tmp + ": " + reason(sf_error_number(e)));
  }
  if (::fsync(fd) != 0) return fail("cannot fsync " + tmp + ": " + std::strerror(errno));
  if (::close(std::exchange(fd, -1)) != 0) {
    return fail("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  // The rename is durable once the directory is: best effort, the file itself is complete.
  if (const UniqueFd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      dir.valid()) {
    ::fsync(dir.get());
  }
  return {};
}

}  // namespace dzvin::media
