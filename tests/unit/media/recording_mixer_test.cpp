// RecordingMixer: where packets land on the recording's timeline (RTP timestamps vs arrival),
// gaps, late packets, and how the legs are combined.
#include "media/recording_mixer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dzvin::media {
namespace {

std::vector<std::int16_t> constant(std::size_t n, std::int16_t v) {
  return std::vector<std::int16_t>(n, v);
}

TEST(RecordingMixer, JitteredArrivalsStayContiguousByTimestamp) {
  RecordingMixer m(RecordingLayout::caller_only);
  // Packets every 160 samples by RTP timestamp, arriving early/late by up to 40 ms.
  const std::int64_t jitter[] = {0, 320, -200, 100, 300, -50, 0, 250};
  for (int i = 0; i < 8; ++i) {
    const auto v = static_cast<std::int16_t>(1000 + i);
    m.add(0, 160 * (i + 1) + jitter[i], 7, 5000u + 160u * static_cast<unsigned>(i),
          constant(160, v));
  }
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(out.size(), 8u * 160u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(out[static_cast<std::size_t>(i) * 160], 1000 + i) << i;
    EXPECT_EQ(out[static_cast<std::size_t>(i) * 160 + 159], 1000 + i) << i;
  }
  EXPECT_EQ(m.late_packets(), 0u);
}

TEST(RecordingMixer, LostPacketsLeaveSilenceOfTheirLength) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(0, 160, 1, 0, constant(160, 500));
  // Timestamps 160 and 320 never arrive.
  m.add(0, 640, 1, 480, constant(160, 600));
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(out.size(), 640u);
  EXPECT_EQ(out[0], 500);
  EXPECT_EQ(out[160], 0);
  EXPECT_EQ(out[479], 0);
  EXPECT_EQ(out[480], 600);
}

TEST(RecordingMixer, NewSsrcOrLargeJumpFollowsArrival) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(0, 160, 1, 0, constant(160, 100));
  // Silence suppression: the next packet comes 2 s later with a timestamp 60 s ahead.
  m.add(0, 16160, 1, 480000, constant(160, 200));
  // Another source on the same leg (a transfer), arriving 1 s later.
  m.add(0, 24160, 2, 77, constant(160, 300));
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(out.size(), 24160u);
  EXPECT_EQ(out[16000], 200);
  EXPECT_EQ(out[15999], 0);
  EXPECT_EQ(out[24000], 300);
}

TEST(RecordingMixer, MixedSumsBothLegsAndClips) {
  RecordingMixer m(RecordingLayout::mixed);
  m.add(0, 160, 1, 0, constant(160, 1000));
  m.add(1, 160, 2, 90, constant(160, 2000));
  m.add(0, 320, 1, 160, constant(160, 30000));
  m.add(1, 320, 2, 250, constant(160, 30000));
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(out.size(), 320u);
  EXPECT_EQ(m.channels(), 1);
  EXPECT_EQ(out[0], 3000);
  EXPECT_EQ(out[200], 32767);
}

TEST(RecordingMixer, StereoPutsLegAOnTheLeftAndLegBOnTheRight) {
  RecordingMixer m(RecordingLayout::stereo);
  m.add(0, 160, 1, 0, constant(160, 1111));
  m.add(1, 320, 2, 0, constant(160, -2222));
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(m.channels(), 2);
  ASSERT_EQ(out.size(), 2u * 320u);
  EXPECT_EQ(out[0], 1111);  // frame 0 left
  EXPECT_EQ(out[1], 0);     // frame 0 right
  EXPECT_EQ(out[2 * 200], 0);
  EXPECT_EQ(out[2 * 200 + 1], -2222);
}

TEST(RecordingMixer, CallerOnlyIgnoresLegB) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(1, 160, 1, 0, constant(160, 999));
  std::vector<std::int16_t> out;
  m.release_all(out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(m.voiced(), 0);
}

TEST(RecordingMixer, PacketsAfterTheirFramesWereWrittenAreLateAndDropped) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(0, 160, 1, 0, constant(160, 10));
  m.add(0, 320, 1, 160, constant(160, 10));
  std::vector<std::int16_t> out;
  m.release_until(320, out);
  m.add(0, 2000, 9, 0, constant(160, 10));  // a new stream placed by arrival: fine
  m.add(0, 300, 3, 0, constant(160, 10));   // by its arrival it belongs before 320: late
  EXPECT_EQ(m.late_packets(), 1u);
}

TEST(RecordingMixer, APacketBeyondTheWindowPushesOlderFramesOut) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(0, 160, 1, 0, constant(160, 7));
  const std::int64_t far = 10 * RecordingMixer::kWindow;
  m.add(0, far, 2, 0, constant(160, 8));
  std::vector<std::int16_t> out;
  m.release_all(out);
  ASSERT_EQ(out.size(), static_cast<std::size_t>(far));
  EXPECT_EQ(out[0], 7);
  EXPECT_EQ(out[static_cast<std::size_t>(far) - 1], 8);
}

TEST(RecordingMixer, VoicedCountsOnlyPacketsAboveTheFloor) {
  RecordingMixer m(RecordingLayout::caller_only);
  m.add(0, 160, 1, 0, constant(160, 20));      // line noise
  m.add(0, 320, 1, 160, constant(160, 3000));  // speech level
  EXPECT_EQ(m.voiced(), 160);
  EXPECT_FALSE(is_voice(constant(160, kVoiceFloor)));
  EXPECT_TRUE(is_voice(constant(160, kVoiceFloor + 1)));
}

}  // namespace
}  // namespace dzvin::media
