// InbandDtmfDetector (spandsp): ITU-T Q.23 tone pairs generated here, each key found exactly
// once, linear and through G.711; and no key in silence, noise, a 1 kHz tone, ringback or a
// synthetic voice.
#include "media/inband_dtmf_detector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "media/audio_clip.hpp"
#include "media/g711.hpp"

namespace dzvin::media {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRate = kClipSampleRate;
const std::string kKeys = "0123456789*#ABCD";

// Peak of a 0 dBm0 sine in 16-bit PCM: G.711's digital milliwatt (Tables 5 and 6) decodes to
// samples of ±20,860 taken at 67.5°, a peak of ~22,580.
double peak_of(double dbm0) {
  return 22580.0 * std::pow(10.0, dbm0 / 20.0);
}

using Samples = std::vector<std::int16_t>;

void add(Samples& out, std::size_t at, double value) {
  const double sum = out[at] + value;
  out[at] = static_cast<std::int16_t>(std::lround(std::clamp(sum, -32768.0, 32767.0)));
}

void append_silence(Samples& out, int ms) {
  out.insert(out.end(), static_cast<std::size_t>(ms * 8), 0);
}

// Adds a sine over [from, from + ms) (mixing into what is there, growing `out` if needed).
void add_sine(Samples& out, std::size_t from, int ms, double hz, double dbm0) {
  const auto n = static_cast<std::size_t>(ms * 8);
  if (out.size() < from + n) out.resize(from + n, 0);
  const double a = peak_of(dbm0);
  for (std::size_t i = 0; i < n; ++i)
    add(out, from + i, a * std::sin(2 * kPi * hz * static_cast<double>(i) / kRate));
}

// ITU-T Q.23: rows 697, 770, 852, 941 Hz; columns 1209, 1336, 1477, 1633 Hz.
void append_key(Samples& out, char key, int ms, double low_dbm0, double high_dbm0) {
  static const std::string kPad = "123A456B789C*0#D";
  const std::size_t at = kPad.find(key);
  ASSERT_NE(at, std::string::npos) << key;
  const double rows[] = {697, 770, 852, 941};
  const double columns[] = {1209, 1336, 1477, 1633};
  const std::size_t from = out.size();
  add_sine(out, from, ms, rows[at / 4], low_dbm0);
  add_sine(out, from, ms, columns[at % 4], high_dbm0);
}

Samples keys_signal(const std::string& keys, int on_ms, int off_ms, double low_dbm0 = -10,
                    double high_dbm0 = -10) {
  Samples s;
  append_silence(s, 100);
  for (char k : keys) {
    append_key(s, k, on_ms, low_dbm0, high_dbm0);
    append_silence(s, off_ms);
  }
  append_silence(s, 100);
  return s;
}

// White Gaussian noise at an RMS level in dBm0, added to `s`.
void add_noise(Samples& s, double rms_dbm0, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, peak_of(rms_dbm0) / std::sqrt(2.0));
  for (std::size_t i = 0; i < s.size(); ++i)
    add(s, i, normal(rng));
}

// A synthetic voice: glottal pulses at a wandering pitch (85-250 Hz) through three formant
// resonators that glide between vowel targets, in syllables of 120-320 ms with pauses, some
// opened by a fricative (band noise). What makes real speech hard for DTMF receivers is there:
// strong harmonics across 600-1700 Hz, moving formants, steady vowels of a few tens of ms.
Samples speech_like(int seconds, unsigned seed, double rms_dbm0 = -18) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  // Peterson & Barney (1952) vowel formants F1, F2, F3 (Hz), men's and women's averages.
  const double vowels[][3] = {{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240},
                              {530, 1840, 2480}, {570, 840, 2410},  {660, 1720, 2410},
                              {490, 1350, 1690}, {440, 1020, 2240}, {850, 1220, 2810},
                              {310, 2790, 3310}, {610, 2330, 2990}, {760, 1400, 2780}};
  const double bandwidths[] = {80, 110, 160};
  const auto n = static_cast<std::size_t>(seconds) * 8000;
  std::vector<double> v(n, 0.0);

  // Klatt's (1980) resonator: unity gain at 0 Hz, so a cascade falls off above its formants as a
  // vocal tract does.
  struct Resonator {
    double y1 = 0, y2 = 0;
    double step(double x, double hz, double bw) {
      const double c = -std::exp(-2 * kPi * bw / kRate);
      const double b = 2 * std::exp(-kPi * bw / kRate) * std::cos(2 * kPi * hz / kRate);
      const double y = (1 - b - c) * x + b * y1 + c * y2;
      y2 = y1;
      y1 = y;
      return y;
    }
  };
  Resonator formant[3];
  Resonator fricative;
  double phase = 0;
  double tilt = 0;
  std::size_t i = 0;
  const int vowel_count = static_cast<int>(std::size(vowels));
  int from_vowel = 0;
  while (i < n) {
    const auto syllable = static_cast<std::size_t>((120 + 200 * uniform(rng)) * 8);
    const int to_vowel = static_cast<int>(uniform(rng) * vowel_count) % vowel_count;
    const bool fricated = uniform(rng) < 0.3;
    const double base_pitch = 85 + 165 * uniform(rng);
    const double pitch_slope = (uniform(rng) - 0.5) * 80;  // Hz over the syllable
    const double loudness = 0.4 + 0.6 * uniform(rng);
    for (std::size_t k = 0; k < syllable && i < n; ++k, ++i) {
      const double x = static_cast<double>(k) / static_cast<double>(syllable);  // 0..1
      const double glide = std::min(1.0, x * 2.5);  // formants reach the target early
      const double pitch = base_pitch + pitch_slope * x + normal(rng);  // with jitter
      phase += pitch / kRate;
      double excitation = 0;
      if (phase >= 1) {
        phase -= 1;
        excitation = 1.0;
      }
      excitation += 0.02 * normal(rng);  // aspiration
      // The glottal pulse's spectrum falls with frequency (-6 dB/octave with lip radiation).
      tilt = excitation + 0.95 * tilt;
      double y = tilt;
      for (int f = 0; f < 3; ++f) {
        const double hz =
            vowels[from_vowel][f] + (vowels[to_vowel][f] - vowels[from_vowel][f]) * glide;
        y = formant[f].step(y, hz, bandwidths[f]);
      }
      const double envelope = std::sin(kPi * x) * loudness;
      double sample = y * envelope;
      if (fricated && x < 0.25) {
        sample += 0.3 * fricative.step(normal(rng), 3500, 1500) * (1 - x * 4);
      }
      v[i] = sample;
    }
    from_vowel = to_vowel;
    if (uniform(rng) < 0.35) {  // a pause between words
      const auto pause = static_cast<std::size_t>((50 + 250 * uniform(rng)) * 8);
      i = std::min(n, i + pause);
    }
  }
  // Scale to the level asked for (of the parts that are not pauses; -18 dBm0 is ordinary
  // speech, -10 a loud talker).
  double energy = 0;
  std::size_t voiced = 0;
  for (double x : v) {
    if (x != 0) {
      energy += x * x;
      ++voiced;
    }
  }
  const double rms = std::sqrt(energy / static_cast<double>(std::max<std::size_t>(voiced, 1)));
  const double gain = peak_of(rms_dbm0) / std::sqrt(2.0) / rms;
  Samples s(n, 0);
  for (std::size_t k = 0; k < n; ++k)
    add(s, k, v[k] * gain);
  return s;
}

// Feeds 20 ms at a time, as the media path does.
std::string detect(InbandDtmfDetector& d, const Samples& s, std::size_t chunk = kSamplesPerPacket) {
  std::string got;
  for (std::size_t i = 0; i < s.size(); i += chunk) {
    const std::size_t n = std::min(chunk, s.size() - i);
    got += d.feed(std::span<const std::int16_t>(s.data() + i, n));
  }
  return got;
}

std::string detect(const Samples& s, std::size_t chunk = kSamplesPerPacket) {
  InbandDtmfDetector d;
  return detect(d, s, chunk);
}

std::string detect_g711(Codec codec, const Samples& s) {
  std::vector<std::uint8_t> payload;
  for (std::int16_t x : s)
    payload.push_back(codec == Codec::pcmu ? linear_to_ulaw(x) : linear_to_alaw(x));
  InbandDtmfDetector d;
  std::string got;
  for (std::size_t i = 0; i < payload.size(); i += kSamplesPerPacket) {
    const std::size_t n = std::min(kSamplesPerPacket, payload.size() - i);
    got += d.feed(codec, std::span<const std::uint8_t>(payload.data() + i, n));
  }
  return got;
}

TEST(InbandDtmfDetector, EveryKeyOnceAtQ24Timings) {
  for (int on_ms : {50, 70, 100}) {
    for (double level : {-4.0, -10.0, -20.0}) {
      EXPECT_EQ(detect(keys_signal(kKeys, on_ms, 50, level, level)), kKeys)
          << on_ms << " ms on, " << level << " dBm0";
    }
  }
}

TEST(InbandDtmfDetector, AcceptsTwist) {
  // Phones send the high group ~2 dB above the low one; spandsp accepts the high group up to
  // 4 dB above (its "reverse twist") and the low group up to 8 dB above. Inside those limits:
  EXPECT_EQ(detect(keys_signal(kKeys, 70, 50, -10, -7)), kKeys);
  EXPECT_EQ(detect(keys_signal(kKeys, 70, 50, -6, -12)), kKeys);
}

TEST(InbandDtmfDetector, ThroughG711BothLaws) {
  const Samples s = keys_signal(kKeys, 60, 50, -12, -12);
  EXPECT_EQ(detect_g711(Codec::pcmu, s), kKeys);
  EXPECT_EQ(detect_g711(Codec::pcma, s), kKeys);
  // Quiet keys suffer most from companding.
  const Samples quiet = keys_signal(kKeys, 60, 50, -22, -22);
  EXPECT_EQ(detect_g711(Codec::pcmu, quiet), kKeys);
  EXPECT_EQ(detect_g711(Codec::pcma, quiet), kKeys);
}

TEST(InbandDtmfDetector, FeedSizeDoesNotMatter) {
  const Samples s = keys_signal(kKeys, 60, 50);
  EXPECT_EQ(detect(s, s.size()), kKeys);
  EXPECT_EQ(detect(s, 37), kKeys);
  EXPECT_EQ(detect(s, 1), kKeys);
}

TEST(InbandDtmfDetector, RepeatedKeysCountEachTime) {
  EXPECT_EQ(detect(keys_signal("1155##00", 60, 50)), "1155##00");
}

TEST(InbandDtmfDetector, LongPressGivesOneDigit) {
  EXPECT_EQ(detect(keys_signal("7", 2000, 50)), "7");
}

TEST(InbandDtmfDetector, DigitIsReportedWhileTheToneIsOn) {
  Samples s;
  append_silence(s, 100);
  append_key(s, '9', 100, -10, -10);
  InbandDtmfDetector d;
  std::size_t reported_at = 0;
  for (std::size_t i = 0; i < s.size(); i += kSamplesPerPacket) {
    if (!d.feed(std::span<const std::int16_t>(s.data() + i, kSamplesPerPacket)).empty()) {
      reported_at = i + kSamplesPerPacket;
      break;
    }
  }
  ASSERT_NE(reported_at, 0u) << "not detected";
  EXPECT_LE(reported_at, 800u + 60 * 8) << "more than 60 ms after the tone started";
}

TEST(InbandDtmfDetector, KeysInNoise) {
  Samples s = keys_signal(kKeys, 70, 60, -10, -10);
  add_noise(s, -32, 7);  // SNR ~19 dB per tone pair
  EXPECT_EQ(detect(s), kKeys);
}

TEST(InbandDtmfDetector, NothingInSilence) {
  Samples s;
  append_silence(s, 10'000);
  EXPECT_EQ(detect(s), "");
  // Low-level idle noise of a line.
  add_noise(s, -60, 1);
  EXPECT_EQ(detect(s), "");
}

TEST(InbandDtmfDetector, NothingInWhiteNoise) {
  for (double level : {-40.0, -25.0, -15.0, -6.0}) {
    Samples s(80'000, 0);
    add_noise(s, level, static_cast<unsigned>(-level));
    EXPECT_EQ(detect(s), "") << level << " dBm0";
  }
}

TEST(InbandDtmfDetector, NothingInA1kHzTone) {
  for (double level : {-20.0, -10.0, 0.0}) {
    Samples s;
    add_sine(s, 0, 5000, 1000, level);
    EXPECT_EQ(detect(s), "") << level << " dBm0";
  }
}

TEST(InbandDtmfDetector, NothingInRingback) {
  // North American ringback: 440 + 480 Hz, 2 s on, 4 s off (here 1 s off), -19 dBm0 per tone;
  // and 9 dB louder.
  for (double level : {-19.0, -10.0}) {
    Samples s;
    for (int cycle = 0; cycle < 3; ++cycle) {
      const std::size_t from = s.size();
      add_sine(s, from, 2000, 440, level);
      add_sine(s, from, 2000, 480, level);
      append_silence(s, 1000);
    }
    EXPECT_EQ(detect(s), "") << level << " dBm0";
  }
}

// The highest level (dBm0) a sine at `hz` would need to account for what a Goertzel filter sees
// in any 102-sample block (spandsp's block) of `s`.
double peak_level_dbm0(const Samples& s, double hz) {
  constexpr std::size_t kBlock = 102;
  const double c = 2 * std::cos(2 * kPi * hz / kRate);
  double best = 0;
  for (std::size_t b = 0; b + kBlock <= s.size(); b += kBlock) {
    double s1 = 0, s2 = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
      const double v = s[b + i] + c * s1 - s2;
      s2 = s1;
      s1 = v;
    }
    best = std::max(best, std::sqrt(s1 * s1 + s2 * s2 - c * s1 * s2));
  }
  return 20 * std::log10(2 * best / kBlock / peak_of(0) + 1e-12);
}

TEST(InbandDtmfDetector, NothingInSyntheticSpeech) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (double level : {-18.0, -10.0}) {
      const Samples voice = speech_like(20, seed, level);
      if (level == -10.0) {
        // Not a vacuous test: at every DTMF frequency the loud voice reaches spandsp's -26 dBm0
        // threshold; only its twist, purity and timing checks keep it from being a key.
        for (double hz : {697, 770, 852, 941, 1209, 1336, 1477, 1633}) {
          EXPECT_GT(peak_level_dbm0(voice, hz), -26) << hz << " Hz, seed " << seed;
        }
      }
      EXPECT_EQ(detect(voice), "") << "seed " << seed << ", " << level << " dBm0";
    }
  }
}

TEST(InbandDtmfDetector, KeysBetweenSpeech) {
  // Speech, a key, speech: the key is found and nothing else.
  Samples s = speech_like(3, 11);
  const Samples keys = keys_signal("42", 80, 60, -8, -8);
  s.insert(s.end(), keys.begin(), keys.end());
  const Samples more = speech_like(3, 12);
  s.insert(s.end(), more.begin(), more.end());
  EXPECT_EQ(detect(s), "42");
}

TEST(InbandDtmfDetector, MoreDigitsThanOneFeedHoldAreCounted) {
  const std::string keys = kKeys + kKeys + "01234567";  // 40
  const Samples s = keys_signal(keys, 50, 50);
  InbandDtmfDetector d;
  const std::string got(d.feed(s));
  EXPECT_EQ(got, keys.substr(0, InbandDtmfDetector::kMaxDigitsPerFeed));
  EXPECT_EQ(d.dropped_digits(), keys.size() - InbandDtmfDetector::kMaxDigitsPerFeed);
}

TEST(InbandDtmfDetector, ResetForgetsTheToneInProgress) {
  Samples tone;
  append_key(tone, '5', 200, -10, -10);
  const std::span<const std::int16_t> all(tone);
  InbandDtmfDetector d;
  // One continuous tone is one key...
  EXPECT_EQ(std::string(d.feed(all.first(800))) + std::string(d.feed(all.subspan(800))), "5");
  // ...unless the detector is reset in the middle: what follows is a new tone.
  InbandDtmfDetector r;
  std::string got(r.feed(all.first(800)));
  r.reset();
  got += r.feed(all.subspan(800));
  EXPECT_EQ(got, "55");
}

TEST(InbandDtmfDetector, MovedDetectorKeepsWorking) {
  InbandDtmfDetector a;
  const Samples s = keys_signal("3", 80, 50);
  const std::span<const std::int16_t> all(s);
  a.feed(all.first(1000));  // the silence before and 25 ms of the tone
  InbandDtmfDetector b(std::move(a));
  EXPECT_EQ(std::string(b.feed(all.subspan(800))), "3");
}

}  // namespace
}  // namespace dzvin::media
