// Recording through the real media threads and writer: RTP from both phones on loopback
// sockets, the WAV file that comes out (length, which tone is on which channel), silence
// detection, and files completed by stop, by destroy_relay and never under the final name
// when writing failed.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <numbers>
#include <thread>
#include <vector>

#include "media/g711.hpp"
#include "media/media_engine.hpp"
#include "tone_share.hpp"
#include "udp_peer.hpp"

namespace dzvin::media {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::rtp_packet;
using test::RtpFields;
using test::UdpPeer;

struct Wav {
  int channels = 0;
  std::vector<std::int16_t> frames;  // interleaved
  std::vector<std::int16_t> channel(int c) const {
    std::vector<std::int16_t> out;
    for (std::size_t i = static_cast<std::size_t>(c); i < frames.size();
         i += static_cast<std::size_t>(channels))
      out.push_back(frames[i]);
    return out;
  }
};

Wav read_wav(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) return {};
  Wav w;
  w.channels = info.channels;
  w.frames.resize(static_cast<std::size_t>(info.frames * info.channels));
  sf_readf_short(f, w.frames.data(), info.frames);
  sf_close(f);
  EXPECT_EQ(info.samplerate, 8000);
  return w;
}

class RecordingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("dzvin-recording-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    const std::uint16_t base = test::find_free_port_range(8);
    MediaConfig config;
    config.bind_address = "127.0.0.1";
    config.port_min = base;
    config.port_max = static_cast<std::uint16_t>(base + 7);
    config.threads = 1;
    engine = std::make_unique<MediaEngine>(config);
    engine->set_event_handler([this](const MediaEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
      cv.notify_all();
    });
    relay = engine->create_relay().value();
    for (auto [side, peer] : {std::pair{LegSide::a, &a}, std::pair{LegSide::b, &b}}) {
      LegParams p;
      p.remote_rtp = peer->endpoint();
      p.codec = side == LegSide::a ? Codec::pcma : Codec::pcmu;
      p.payload_type = side == LegSide::a ? 8 : 0;
      ASSERT_TRUE(engine->configure_leg(relay.id, side, p));
    }
    ASSERT_TRUE(engine->sync(5s));
  }
  void TearDown() override {
    engine.reset();
    std::filesystem::remove_all(dir);
  }

  IpEndpoint relay_port(LegSide side) const {
    return IpEndpoint{relay.address, relay.ports(side).rtp};
  }

  // `packets` 20 ms packets of a tone (0 Hz: silence) from both phones, paced in real time
  // (the recorder places audio by arrival as well as by timestamp).
  void talk(int packets, double hz_a, double hz_b, std::uint16_t first_seq = 1) {
    auto next = std::chrono::steady_clock::now();
    for (int i = 0; i < packets; ++i) {
      for (int side = 0; side < 2; ++side) {
        const double hz = side == 0 ? hz_a : hz_b;
        if (hz < 0) continue;
        Bytes payload(160);
        for (int k = 0; k < 160; ++k) {
          const double t = (i * 160 + k) / 8000.0;
          const auto s = static_cast<std::int16_t>(
              hz > 0 ? 8000 * std::sin(2 * std::numbers::pi * hz * t) : 0);
          payload[static_cast<std::size_t>(k)] = side == 0 ? linear_to_alaw(s) : linear_to_ulaw(s);
        }
        RtpFields f;
        f.payload_type = side == 0 ? 8 : 0;
        f.sequence = static_cast<std::uint16_t>(first_seq + i);
        f.timestamp = static_cast<std::uint32_t>(1000 + i * 160);
        f.ssrc = side == 0 ? 0xA : 0xB;
        (side == 0 ? a : b)
            .send_to(relay_port(side == 0 ? LegSide::a : LegSide::b), rtp_packet(f, payload));
      }
      next += 20ms;
      std::this_thread::sleep_until(next);
    }
  }

  std::optional<MediaEvent> wait_for(MediaEvent::Kind kind) {
    std::unique_lock lock(mutex);
    std::optional<MediaEvent> found;
    cv.wait_for(lock, 10s, [&] {
      for (const MediaEvent& e : events) {
        if (e.kind == kind) {
          found = e;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::filesystem::path dir;
  UdpPeer a, b;
  std::unique_ptr<MediaEngine> engine;
  RelayHandle relay;
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<MediaEvent> events;
};

TEST_F(RecordingTest, MixedFileCarriesBothPartiesAndIsCompleteAfterStop) {
  const std::string path = (dir / "calls" / "one.wav").string();
  auto id = engine->start_recording(relay.id, RecordingOptions{path, RecordingLayout::mixed, {}});
  ASSERT_TRUE(id);
  talk(50, 440, 1000);
  // While recorded, the relay still relays.
  EXPECT_TRUE(b.receive(1s).has_value());
  ASSERT_TRUE(engine->stop_recording(relay.id));
  const auto finished = wait_for(MediaEvent::Kind::recording_finished);
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->recording_id, *id);
  EXPECT_TRUE(finished->complete) << finished->error;
  EXPECT_EQ(finished->dropped_packets, 0u);
  EXPECT_NEAR(static_cast<double>(finished->recorded.count()), 1000, 150);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  const Wav w = read_wav(path);
  ASSERT_EQ(w.channels, 1);
  EXPECT_NEAR(static_cast<double>(w.frames.size()), 8000, 1200);
  const auto middle = std::span<const std::int16_t>(w.frames).subspan(2000, 4000);
  EXPECT_GT(test::tone_share(middle, 440), 0.3);
  EXPECT_GT(test::tone_share(middle, 1000), 0.3);
  EXPECT_LT(test::tone_share(middle, 700), 0.05);
}

TEST_F(RecordingTest, StereoPutsTheCallerLeftAndTheCalleeRight) {
  const std::string path = (dir / "stereo.wav").string();
  ASSERT_TRUE(
      engine->start_recording(relay.id, RecordingOptions{path, RecordingLayout::stereo, {}}));
  talk(40, 440, 1000);
  ASSERT_TRUE(engine->stop_recording(relay.id));
  const auto finished = wait_for(MediaEvent::Kind::recording_finished);
  ASSERT_TRUE(finished && finished->complete);
  const Wav w = read_wav(path);
  ASSERT_EQ(w.channels, 2);
  const auto left = w.channel(0);
  const auto right = w.channel(1);
  const auto l = std::span<const std::int16_t>(left).subspan(1600, 3200);
  const auto r = std::span<const std::int16_t>(right).subspan(1600, 3200);
  EXPECT_GT(test::tone_share(l, 440), 0.8);
  EXPECT_LT(test::tone_share(l, 1000), 0.05);
  EXPECT_GT(test::tone_share(r, 1000), 0.8);
  EXPECT_LT(test::tone_share(r, 440), 0.05);
}

TEST_F(RecordingTest, CallerOnlyReportsSilenceAfterTheTimeoutAndCountsVoice) {
  const std::string path = (dir / "vm.wav").string();
  ASSERT_TRUE(engine->start_recording(relay.id,
                                      RecordingOptions{path, RecordingLayout::caller_only, 300ms}));
  talk(25, 440, 1000);  // 0.5 s of voice
  {
    std::lock_guard lock(mutex);
    for (const MediaEvent& e : events)
      EXPECT_NE(e.kind, MediaEvent::Kind::recording_silence);
  }
  talk(25, 0, -1, 26);  // then quiet packets
  ASSERT_TRUE(wait_for(MediaEvent::Kind::recording_silence));
  ASSERT_TRUE(engine->stop_recording(relay.id));
  const auto finished = wait_for(MediaEvent::Kind::recording_finished);
  ASSERT_TRUE(finished && finished->complete);
  // Only leg A's voice counts: 0.5 s, not 1 s.
  EXPECT_NEAR(static_cast<double>(finished->voiced.count()), 500, 60);
  const Wav w = read_wav(path);
  ASSERT_EQ(w.channels, 1);
  const auto start = std::span<const std::int16_t>(w.frames).subspan(400, 2400);
  EXPECT_GT(test::tone_share(start, 440), 0.8);  // leg B's 1000 Hz is not in it
}

TEST_F(RecordingTest, DestroyingTheRelayCompletesTheFile) {
  const std::string path = (dir / "destroyed.wav").string();
  ASSERT_TRUE(
      engine->start_recording(relay.id, RecordingOptions{path, RecordingLayout::mixed, {}}));
  talk(10, 440, 1000);
  engine->destroy_relay(relay.id);
  const auto finished = wait_for(MediaEvent::Kind::recording_finished);
  ASSERT_TRUE(finished && finished->complete);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(RecordingTest, OneRecordingPerRelayAndAPathIsNeeded) {
  EXPECT_FALSE(engine->start_recording(relay.id, RecordingOptions{"", RecordingLayout::mixed, {}}));
  ASSERT_TRUE(engine->start_recording(
      relay.id, RecordingOptions{(dir / "x.wav").string(), RecordingLayout::mixed, {}}));
  EXPECT_FALSE(engine->start_recording(
      relay.id, RecordingOptions{(dir / "y.wav").string(), RecordingLayout::mixed, {}}));
  EXPECT_FALSE(engine->start_recording(RelayId{12345}, RecordingOptions{"z.wav", {}, {}}));
}

TEST_F(RecordingTest, AFileThatCannotBeWrittenIsReportedNotCompleted) {
  const std::string path = "/proc/dzvin-no-such-dir/rec.wav";
  ASSERT_TRUE(
      engine->start_recording(relay.id, RecordingOptions{path, RecordingLayout::mixed, {}}));
  talk(5, 440, 1000);
  ASSERT_TRUE(engine->stop_recording(relay.id));
  const auto finished = wait_for(MediaEvent::Kind::recording_finished);
  ASSERT_TRUE(finished);
  EXPECT_FALSE(finished->complete);
  EXPECT_NE(finished->error.find("cannot create"), std::string::npos) << finished->error;
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace dzvin::media
