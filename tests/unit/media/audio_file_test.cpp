// Uploaded prompts: files of many formats, rates and channel counts written here with
// libsndfile itself become 8 kHz clips that still carry their 1 kHz tone at its level; what is
// not audio, or too much of it, is refused with a status and a message that says why. WAV
// files are written whole or not at all.
#include "media/audio_file.hpp"
#include "tone_share.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "../store/temp_dir.hpp"

namespace dzvin::media {
namespace {

using store::testing::TempDir;

constexpr double kToneHz = 1000;
constexpr double kAmplitude = 0.5;  // of full scale

// `seconds` of a 1 kHz sine at `amplitude` in each channel (one amplitude per channel).
std::vector<float> sine(int rate, double seconds, const std::vector<double>& amplitudes) {
  const auto frames = static_cast<std::size_t>(rate * seconds);
  std::vector<float> samples;
  samples.reserve(frames * amplitudes.size());
  for (std::size_t i = 0; i < frames; ++i) {
    const double phase = 2 * std::numbers::pi * kToneHz * static_cast<double>(i) / rate;
    for (const double a : amplitudes) {
      samples.push_back(static_cast<float>(a * std::sin(phase)));
    }
  }
  return samples;
}

std::vector<std::byte> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

sf_count_t write_frames(SNDFILE* file, const float* samples, sf_count_t frames) {
  return sf_writef_float(file, samples, frames);
}
sf_count_t write_frames(SNDFILE* file, const std::int16_t* samples, sf_count_t frames) {
  return sf_writef_short(file, samples, frames);
}

// Encodes interleaved samples with libsndfile; empty when this libsndfile cannot write `format`.
template <class Sample>
std::vector<std::byte> encode(int format, int rate, int channels,
                              const std::vector<Sample>& interleaved) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) return {};
  const TempDir dir;
  const std::string path = dir.file("input");
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    ADD_FAILURE() << "libsndfile cannot write the test input: " << sf_strerror(nullptr);
    return {};
  }
  const auto frames = static_cast<sf_count_t>(interleaved.size()) / channels;
  EXPECT_EQ(write_frames(file, interleaved.data(), frames), frames);
  sf_close(file);
  return read_bytes(path);
}

std::vector<std::byte> as_bytes(std::string_view text) {
  const auto* begin = reinterpret_cast<const std::byte*>(text.data());
  return {begin, begin + text.size()};
}

// Goertzel: the share of the signal's energy at `hz` (1 for a pure tone at that frequency, when
// the window holds whole periods), over the middle of the clip (resampler edges left out).
double tone_share(const AudioClip& clip, double hz) {
  const std::size_t edge = kClipSampleRate / 10;
  if (clip.samples.size() < 3 * edge) return 0;
  std::size_t n = clip.samples.size() - 2 * edge;
  n -= n % 8;  // whole periods of 1 kHz at 8 kHz
  return test::tone_share(std::span<const std::int16_t>(clip.samples).subspan(edge, n), hz);
}

double rms(const AudioClip& clip) {
  double sum = 0;
  for (const auto s : clip.samples) {
    sum += static_cast<double>(s) * s;
  }
  return clip.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(clip.samples.size()));
}

int peak(const AudioClip& clip) {
  int p = 0;
  for (const auto s : clip.samples) {
    p = std::max(p, std::abs(static_cast<int>(s)));
  }
  return p;
}

struct FormatCase {
  const char* name;
  int format;
  int rate;
  int channels;
  double duration_tolerance;  // of the 2 s written (MP3 adds its encoder delay and padding)
  double level_tolerance;     // of the expected RMS (lossy codecs, G.711 quantisation)
};

class DecodeFormat : public testing::TestWithParam<FormatCase> {};

TEST_P(DecodeFormat, BecomesAn8kHzClipWithTheSameToneAndLevel) {
  const FormatCase& c = GetParam();
  const std::vector<double> amplitudes(static_cast<std::size_t>(c.channels), kAmplitude);
  const auto bytes = encode(c.format, c.rate, c.channels, sine(c.rate, 2.0, amplitudes));
  if (bytes.empty()) GTEST_SKIP() << "this libsndfile cannot write " << c.name;

  const auto clip = decode_audio(bytes);
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_NEAR(static_cast<double>(clip->samples.size()), 2.0 * kClipSampleRate,
              2.0 * kClipSampleRate * c.duration_tolerance);
  EXPECT_GT(tone_share(*clip, kToneHz), 0.95);
  const double expected_rms = kAmplitude / std::sqrt(2.0) * 32768;
  EXPECT_NEAR(rms(*clip), expected_rms, expected_rms * c.level_tolerance);
  EXPECT_LT(peak(*clip), 32767);  // not clipped
  EXPECT_GT(peak(*clip), 0.45 * 32768);
}

INSTANTIATE_TEST_SUITE_P(
    AudioFile, DecodeFormat,
    testing::Values(
        FormatCase{"float_44100_stereo", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 2, 0.01, 0.02},
        FormatCase{"pcm16_16000_mono", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 0.01, 0.02},
        FormatCase{"ulaw_8000_mono", SF_FORMAT_WAV | SF_FORMAT_ULAW, 8000, 1, 0.01, 0.05},
        FormatCase{"alaw_8000_mono", SF_FORMAT_WAV | SF_FORMAT_ALAW, 8000, 1, 0.01, 0.05},
        FormatCase{"pcm24_48000_mono", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 48000, 1, 0.01, 0.02},
        FormatCase{"pcm32_22050_stereo", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 22050, 2, 0.01, 0.02},
        FormatCase{"u8_11025_mono", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 11025, 1, 0.01, 0.05},
        FormatCase{"double_96000_mono", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 96000, 1, 0.01, 0.02},
        FormatCase{"pcm16_192000_mono", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 192000, 1, 0.01, 0.02},
        FormatCase{"pcm16_48000_6ch", SF_FORMAT_WAVEX | SF_FORMAT_PCM_16, 48000, 6, 0.01, 0.02},
        FormatCase{"aiff_pcm16_32000", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 32000, 1, 0.01, 0.02},
        FormatCase{"flac_44100_stereo", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100, 2, 0.01, 0.02},
        FormatCase{"ogg_vorbis_48000", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 48000, 2, 0.01, 0.05},
        FormatCase{"ogg_opus_48000", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, 1, 0.02, 0.05},
        FormatCase{"mp3_44100", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, 1, 0.05, 0.05}),
    [](const testing::TestParamInfo<FormatCase>& p) { return std::string(p.param.name); });

TEST(DecodeAudio, Pcm16At8kHzIsCopiedUnchanged) {
  AudioClip original;
  for (int i = 0; i < 4000; ++i) {
    original.samples.push_back(static_cast<std::int16_t>(i * 37 - 70000));
  }
  const auto clip =
      decode_audio(encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, original.samples));
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_EQ(*clip, original);
}

TEST(DecodeAudio, ChannelsAreAveraged) {
  // The tone in the left channel only, silence in the right: half the level in mono.
  const auto bytes =
      encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2, sine(16000, 1.0, {kAmplitude, 0.0}));
  const auto clip = decode_audio(bytes);
  ASSERT_TRUE(clip) << clip.error().message;
  const double expected_rms = kAmplitude / 2 / std::sqrt(2.0) * 32768;
  EXPECT_NEAR(rms(*clip), expected_rms, expected_rms * 0.02);
  EXPECT_GT(tone_share(*clip, kToneHz), 0.95);
}

TEST(DecodeAudio, BeyondFullScaleIsClippedNotWrapped) {
  // Float files may go past ±1.0: the positive half-waves must stay positive at the top.
  const auto bytes = encode(SF_FORMAT_WAV | SF_FORMAT_FLOAT, 8000, 1, sine(8000, 0.5, {4.0}));
  const auto clip = decode_audio(bytes);
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_EQ(*std::max_element(clip->samples.begin(), clip->samples.end()), 32767);
  EXPECT_EQ(*std::min_element(clip->samples.begin(), clip->samples.end()), -32768);
  // At 8 kHz a 1 kHz sine is sampled at 0, 45, 90, 135... degrees: sample 2 is the crest.
  EXPECT_EQ(clip->samples[2], 32767);
  EXPECT_EQ(clip->samples[6], -32768);
}

TEST(DecodeAudio, NotANumberAndInfinityBecomeSilence) {
  std::vector<float> samples(16000, 0.25f);
  for (std::size_t i = 0; i < samples.size(); i += 3) {
    samples[i] = std::nanf("");
  }
  for (std::size_t i = 1; i < samples.size(); i += 3) {
    samples[i] = INFINITY;
  }
  const auto clip = decode_audio(encode(SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, samples));
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_NEAR(static_cast<double>(clip->samples.size()), 8000, 80);
  // NaN -> 0, +inf -> full scale, 0.25: the mean is about (0 + 1 + 0.25) / 3 of full scale.
  double sum = 0;
  for (const auto s : clip->samples) {
    sum += s;
  }
  EXPECT_NEAR(sum / static_cast<double>(clip->samples.size()), 1.25 / 3 * 32768, 0.03 * 32768);
}

void expect_not_audio(const std::vector<std::byte>& bytes) {
  const auto clip = decode_audio(bytes);
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 415);
  EXPECT_EQ(clip.error().message.rfind("not an audio file: ", 0), 0u) << clip.error().message;
  EXPECT_GT(clip.error().message.size(), std::string_view("not an audio file: ").size());
}

TEST(DecodeAudio, EmptyBufferIsNotAudio) {
  expect_not_audio({});
  EXPECT_EQ(decode_audio({}).error().message, "not an audio file: the file is empty");
}

TEST(DecodeAudio, TextFileIsNotAudio) {
  expect_not_audio(as_bytes("Наші робочі години з дев'ятої до шостої.\nOur hours: 9-18.\n"));
  expect_not_audio(as_bytes("RIFF is a word; WAVE is another. fmt data\n"));
}

TEST(DecodeAudio, RandomBytesAreNotAudio) {
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::byte> bytes(1 + random() % 4096);
    for (auto& b : bytes) {
      b = static_cast<std::byte>(random());
    }
    expect_not_audio(bytes);
  }
}

TEST(DecodeAudio, TruncatedHeaderIsNotAudio) {
  const auto wav = encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, sine(8000, 0.1, {0.5}));
  ASSERT_GT(wav.size(), 44u);
  for (const std::size_t length : {4u, 12u, 20u, 30u}) {
    SCOPED_TRACE(length);
    expect_not_audio({wav.begin(), wav.begin() + static_cast<std::ptrdiff_t>(length)});
  }
}

TEST(DecodeAudio, WavWithoutSamplesIsRefused) {
  const auto clip =
      decode_audio(encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, std::vector<float>{}));
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 400);
  EXPECT_EQ(clip.error().message, "the audio file holds no samples");
}

TEST(DecodeAudio, MoreBytesThanTheLimitIs413) {
  const auto bytes = encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, sine(8000, 1.0, {0.5}));
  const auto clip = decode_audio(bytes, {.max_bytes = 1000});
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 413);
  EXPECT_EQ(clip.error().message, "the audio file is 15.7 KiB: at most 1000 bytes is accepted");
}

TEST(DecodeAudio, LongerThanTheLimitIs413) {
  const auto bytes = encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, sine(8000, 3.0, {0.5}));
  const auto clip = decode_audio(bytes, {.max_duration = std::chrono::seconds(2)});
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 413);
  EXPECT_EQ(clip.error().message, "the audio is 3.0 s long: at most 2.0 s is accepted");
  EXPECT_TRUE(decode_audio(bytes, {.max_duration = std::chrono::seconds(3)}));
}

TEST(DecodeAudio, TooManyChannelsAre400) {
  const auto bytes = encode(SF_FORMAT_WAVEX | SF_FORMAT_PCM_16, 8000, 9,
                            sine(8000, 0.2, std::vector<double>(9, 0.5)));
  ASSERT_FALSE(bytes.empty());
  const auto clip = decode_audio(bytes);
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 400);
  EXPECT_EQ(clip.error().message, "the audio has 9 channels: at most 8 are accepted");
}

TEST(DecodeAudio, SampleRateOutsideTheRangeIs400) {
  const auto bytes = encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 4000, 1, sine(4000, 0.5, {0.5}));
  const auto clip = decode_audio(bytes);
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 400);
  EXPECT_EQ(clip.error().message,
            "the audio's sample rate is 4000 Hz: 8000 to 192000 Hz are accepted");
}

TEST(ReadAudioFile, ReadsAFile) {
  const TempDir dir;
  const auto bytes = encode(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, sine(44100, 1.0, {0.5}));
  std::ofstream(dir.file("prompt.wav"), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const auto clip = read_audio_file(dir.file("prompt.wav"));
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_NEAR(static_cast<double>(clip->samples.size()), 8000, 2);
  EXPECT_GT(tone_share(*clip, kToneHz), 0.95);

  const auto too_big = read_audio_file(dir.file("prompt.wav"), {.max_bytes = 100});
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, 413);
}

TEST(ReadAudioFile, MissingFileIs404) {
  const TempDir dir;
  const auto clip = read_audio_file(dir.file("nothing.wav"));
  ASSERT_FALSE(clip);
  EXPECT_EQ(clip.error().code, 404);
  EXPECT_NE(clip.error().message.find("nothing.wav"), std::string::npos);
}

TEST(ResampleToClip, SpeechRateBecomes8kHz) {
  std::vector<std::int16_t> samples;
  for (const float s : sine(22050, 1.5, {0.5})) {
    samples.push_back(static_cast<std::int16_t>(s * 32767));
  }
  const auto clip = resample_to_clip(samples, 22050);
  ASSERT_TRUE(clip) << clip.error().message;
  EXPECT_NEAR(static_cast<double>(clip->samples.size()), 12000, 120);
  EXPECT_GT(tone_share(*clip, kToneHz), 0.95);
  EXPECT_EQ(resample_to_clip(samples, 0).error().code, 400);
}

TEST(WriteWavFile, RoundTripAnd8kHzMono16BitHeader) {
  const TempDir dir;
  AudioClip clip;
  for (int i = 0; i < 8000; ++i) {
    clip.samples.push_back(static_cast<std::int16_t>(i * 13 - 40000));
  }
  const std::string path = dir.file("prompt.wav");
  ASSERT_TRUE(write_wav_file(path, clip));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  sf_close(file);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(info.frames, 8000);

  const auto back = read_audio_file(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, clip);
}

TEST(WriteWavFile, ReplacesAnExistingFile) {
  const TempDir dir;
  const std::string path = dir.file("prompt.wav");
  ASSERT_TRUE(write_wav_file(path, AudioClip{std::vector<std::int16_t>(16000, 1000)}));
  const AudioClip shorter{std::vector<std::int16_t>(800, -5)};
  ASSERT_TRUE(write_wav_file(path, shorter));
  const auto back = read_audio_file(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, shorter);
  EXPECT_EQ(std::filesystem::file_size(path), 44u + 2 * 800);
}

TEST(WriteWavFile, FailureNamesThePathAndLeavesNothing) {
  const TempDir dir;
  const std::string path = dir.file("missing/prompt.wav");
  const auto written = write_wav_file(path, AudioClip{std::vector<std::int16_t>(80, 0)});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, 500);
  EXPECT_NE(written.error().message.find(path + ".tmp"), std::string::npos)
      << written.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace dzvin::media
