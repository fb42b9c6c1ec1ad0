#include "media/tone.hpp"

#include <gtest/gtest.h>

#include "tone_share.hpp"

#include <cmath>
#include <numbers>

namespace dzvin::media {
namespace {

// Share of the energy of samples [from, to) at `hz`.
double share_at(const AudioClip& clip, std::size_t from, std::size_t to, double hz) {
  return test::tone_share(std::span<const std::int16_t>(clip.samples).subspan(from, to - from), hz);
}

TEST(ToneTest, RingbackIs425HzOneSecondOnFourOff) {
  const AudioClip clip = make_tone(ringback_tone());
  ASSERT_EQ(clip.samples.size(), 5u * 8000);
  EXPECT_EQ(clip.duration(), std::chrono::milliseconds(5000));
  EXPECT_GT(share_at(clip, 400, 7600, 425), 0.95) << "the tone is 425 Hz";
  EXPECT_LT(share_at(clip, 400, 7600, 1000), 0.05);
  for (std::size_t i = 8000; i < clip.samples.size(); ++i)
    ASSERT_EQ(clip.samples[i], 0) << "silent after 1 s, at sample " << i;
  int peak = 0;
  for (std::size_t i = 0; i < 8000; ++i)
    peak = std::max(peak, std::abs(int{clip.samples[i]}));
  EXPECT_NEAR(peak, 32767 * std::pow(10.0, -13.0 / 20), 200) << "-13 dBFS peak";
  EXPECT_LT(std::abs(int{clip.samples[0]}), 10) << "ramped in, no click";
}

TEST(ToneTest, TwoFrequenciesShareTheLevel) {
  const AudioClip clip = make_tone(
      ToneSpec{{440.0, 480.0}, std::chrono::milliseconds(500), std::chrono::milliseconds(0), -6});
  ASSERT_EQ(clip.samples.size(), 4000u);
  EXPECT_GT(share_at(clip, 0, 4000, 440), 0.3);
  EXPECT_GT(share_at(clip, 0, 4000, 480), 0.3);
  int peak = 0;
  for (auto s : clip.samples)
    peak = std::max(peak, std::abs(int{s}));
  EXPECT_LE(peak, 32767 * std::pow(10.0, -6.0 / 20) + 1) << "the mix does not clip";
}

}  // namespace
}  // namespace dzvin::media
