// Prompt playout through the relay's own media threads, on real loopback sockets: what the
// peer receives (packets, timing, RTP fields, G.711 payload) and what the relay does meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "media/g711.hpp"
#include "media/media_engine.hpp"
#include "media/rtp_packetizer.hpp"
#include "udp_peer.hpp"

namespace dzvin::media {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::rtp_packet;
using test::UdpPeer;

std::shared_ptr<const AudioClip> ramp_clip(std::size_t samples) {
  auto clip = std::make_shared<AudioClip>();
  for (std::size_t i = 0; i < samples; ++i)
    clip->samples.push_back(static_cast<std::int16_t>((i % 400) * 50 - 10000));
  return clip;
}

struct Rtp {
  bool marker;
  std::uint8_t pt;
  std::uint16_t seq;
  std::uint32_t ts;
  std::uint32_t ssrc;
  Bytes payload;
  std::chrono::steady_clock::time_point at;
};

Rtp parse(const Bytes& p) {
  Rtp r{};
  r.marker = (p[1] & 0x80) != 0;
  r.pt = p[1] & 0x7F;
  r.seq = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
  r.ts = std::uint32_t{p[4]} << 24 | std::uint32_t{p[5]} << 16 | std::uint32_t{p[6]} << 8 | p[7];
  r.ssrc =
      std::uint32_t{p[8]} << 24 | std::uint32_t{p[9]} << 16 | std::uint32_t{p[10]} << 8 | p[11];
  r.payload.assign(p.begin() + 12, p.end());
  r.at = std::chrono::steady_clock::now();
  return r;
}

class PlayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
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

  std::vector<Rtp> receive(UdpPeer& peer, std::size_t n) {
    std::vector<Rtp> out;
    while (out.size() < n) {
      auto d = peer.receive(2s);
      if (!d) break;
      out.push_back(parse(d->bytes));
    }
    return out;
  }

  std::vector<MediaEvent> events_now() {
    std::lock_guard lock(mutex);
    return events;
  }

  UdpPeer a{"127.0.0.1"};
  UdpPeer b{"127.0.0.1"};
  std::unique_ptr<MediaEngine> engine;
  RelayHandle relay;
  std::mutex mutex;
  std::vector<MediaEvent> events;
};

TEST_F(PlayoutTest, AClipArrivesAsPacedG711PacketsThenTheFinishedEvent) {
  const auto clip = ramp_clip(160 * 10 + 80);  // 10.5 packets: the last one padded
  const auto id = engine->play(relay.id, LegSide::a, clip);
  ASSERT_TRUE(id) << id.error().message;
  const std::vector<Rtp> got = receive(a, 11);
  ASSERT_EQ(got.size(), 11u);
  EXPECT_FALSE(a.receive(100ms)) << "nothing after the clip";
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].pt, 8) << "leg A's payload type (PCMA)";
    EXPECT_EQ(got[i].marker, i == 0) << "marker on the first packet only";
    EXPECT_EQ(got[i].seq, static_cast<std::uint16_t>(got[0].seq + i));
    EXPECT_EQ(got[i].ts, got[0].ts + 160 * i);
    EXPECT_EQ(got[i].ssrc, got[0].ssrc);
    ASSERT_EQ(got[i].payload.size(), 160u);
  }
  for (std::size_t k = 0; k < 160; ++k) {  // the A-law of the samples
    EXPECT_EQ(got[3].payload[k], linear_to_alaw(clip->samples[3 * 160 + k])) << k;
  }
  EXPECT_EQ(got[10].payload[100], linear_to_alaw(0)) << "the short last packet is padded";
  // Paced at 20 ms, not sent in a burst: 10 intervals take at least ~200 ms (a loaded
  // machine may stretch them; timing figures are in bench/media_playout_load).
  EXPECT_GE(got.back().at - got.front().at, 180ms);
  test::wait_until([&] { return !events_now().empty(); }, 2s);
  const auto ev = events_now();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, MediaEvent::Kind::playback_finished);
  EXPECT_EQ(ev[0].play_id, *id);
  EXPECT_EQ(ev[0].side, LegSide::a);
  EXPECT_EQ(ev[0].relay, relay.id);
  EXPECT_GE(engine->stats(relay.id)->a.rtp_packets_out, 11u);
}

TEST_F(PlayoutTest, TimestampsRunOnAcrossPromptsWithTheGapAndAMarkerEach) {
  ASSERT_TRUE(engine->play(relay.id, LegSide::b, ramp_clip(320)));
  const auto first = receive(b, 2);
  ASSERT_EQ(first.size(), 2u);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(engine->play(relay.id, LegSide::b, ramp_clip(320)));
  const auto second = receive(b, 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].pt, 0) << "leg B's PCMU";
  EXPECT_TRUE(second[0].marker) << "a new talkspurt";
  EXPECT_EQ(second[0].ssrc, first[0].ssrc) << "one stream per leg";
  EXPECT_EQ(second[0].seq, static_cast<std::uint16_t>(first[1].seq + 1)) << "no sequence gap";
  // At least the 200 ms (1,600 samples) of silence between them, plus the 20 ms packet.
  const std::uint32_t gap = second[0].ts - first[1].ts;
  EXPECT_GE(gap, 160u + 1200u);
  EXPECT_LT(gap, 8000u * 30) << "not a random jump";
}

TEST_F(PlayoutTest, WhileALegPlaysTheOtherSideIsNotPassedOnThenItIs) {
  ASSERT_TRUE(engine->play(relay.id, LegSide::a, ramp_clip(160 * 1000), PlayOptions{.loop = true}));
  auto first = a.receive(2s);
  ASSERT_TRUE(first);
  const std::uint32_t prompt_ssrc = parse(first->bytes).ssrc;
  // B speaks: while A hears the prompt, B's audio does not reach A.
  for (std::uint16_t seq = 1; seq <= 5; ++seq) {
    b.send_to({relay.address, relay.b.rtp}, rtp_packet({.sequence = seq}, Bytes(160, 0x55)));
  }
  std::this_thread::sleep_for(100ms);
  std::size_t others = 0;
  for (int i = 0; i < 10; ++i) {  // the prompt loops: take the next 200 ms of it
    auto d = a.receive(1s);
    ASSERT_TRUE(d);
    others += parse(d->bytes).ssrc != prompt_ssrc;
  }
  EXPECT_EQ(others, 0u) << "only the prompt reached A";
  EXPECT_GE(engine->stats(relay.id)->b.dropped_not_forwarded, 5u);
  ASSERT_TRUE(engine->stop_playing(relay.id, LegSide::a));
  ASSERT_TRUE(engine->sync(5s));
  while (a.receive(50ms)) {
  }
  b.send_to({relay.address, relay.b.rtp}, rtp_packet({.sequence = 6}, Bytes(160, 0x55)));
  auto relayed = a.receive(2s);
  ASSERT_TRUE(relayed) << "after stop_playing the relay passes B's audio again";
  EXPECT_EQ(relayed->bytes[12], ulaw_to_alaw(0x55)) << "B's µ-law transcoded for A";
  EXPECT_TRUE(events_now().empty()) << "a stopped loop sends no finished event";
}

TEST_F(PlayoutTest, AfterAPromptRelayedAudioContinuesItsStream) {
  // Ringback or a menu to A, then B is bridged: A must see one stream, not a second SSRC whose
  // sequence numbers may lie below the prompt's (baresip drops those).
  ASSERT_TRUE(engine->play(relay.id, LegSide::a, ramp_clip(320)));
  const auto prompt = receive(a, 2);
  ASSERT_EQ(prompt.size(), 2u);
  test::wait_until([&] { return !events_now().empty(); }, 2s);
  const auto send_b = [&](std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc) {
    b.send_to({relay.address, relay.b.rtp},
              rtp_packet({.sequence = seq, .timestamp = ts, .ssrc = ssrc}, Bytes(160, 0x55)));
  };
  send_b(static_cast<std::uint16_t>(prompt[1].seq - 5000), 1000, 0xB0B0B0B0);
  send_b(static_cast<std::uint16_t>(prompt[1].seq - 4999), 1160, 0xB0B0B0B0);
  const auto relayed = receive(a, 2);
  ASSERT_EQ(relayed.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(relayed[i].ssrc, prompt[0].ssrc) << "the prompt's SSRC";
    EXPECT_EQ(relayed[i].seq, static_cast<std::uint16_t>(prompt[1].seq + 1 + i)) << i;
    EXPECT_EQ(relayed[i].pt, 8) << "still A's PCMA";
    EXPECT_EQ(relayed[i].payload[0], ulaw_to_alaw(0x55));
  }
  EXPECT_TRUE(relayed[0].marker) << "a new talkspurt";
  EXPECT_FALSE(relayed[1].marker);
  EXPECT_GE(relayed[0].ts - prompt[1].ts, 160u) << "time runs on";
  EXPECT_LT(relayed[0].ts - prompt[1].ts, 8000u * 30) << "not a random jump";
  EXPECT_EQ(relayed[1].ts - relayed[0].ts, 160u) << "B's own spacing kept";
  // B's source changes (another phone answered): still the one stream towards A.
  send_b(7, 90000, 0xC0C0C0C0);
  const auto other = receive(a, 1);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].ssrc, prompt[0].ssrc);
  EXPECT_EQ(other[0].seq, static_cast<std::uint16_t>(relayed[1].seq + 1));
  EXPECT_TRUE(other[0].marker);
  // A prompt after relayed audio goes on from its last packet.
  ASSERT_TRUE(engine->play(relay.id, LegSide::a, ramp_clip(160)));
  const auto again = receive(a, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].ssrc, prompt[0].ssrc);
  EXPECT_EQ(again[0].seq, static_cast<std::uint16_t>(other[0].seq + 1));
  EXPECT_GE(again[0].ts - other[0].ts, 160u);
}

TEST(RtpPacketizerTest, ContinueAfterMovesOnlyForward) {
  RtpPacketizer p(1, 100, 8000);
  p.continue_after(120, 9000);
  EXPECT_EQ(p.next_sequence(), 121);
  EXPECT_EQ(p.next_timestamp(), 9000u);
  p.continue_after(110, 8500);  // a reordered, older packet
  EXPECT_EQ(p.next_sequence(), 121);
  EXPECT_EQ(p.next_timestamp(), 9000u);
  RtpPacketizer wrap(1, 65530, 0xFFFFFF00u);
  wrap.continue_after(3, 0x40);  // across the wrap of both
  EXPECT_EQ(wrap.next_sequence(), 4);
  EXPECT_EQ(wrap.next_timestamp(), 0x40u);
}

TEST_F(PlayoutTest, ANewPlayReplacesTheCurrentOneAndUnknownRelaysAreRefused) {
  const auto first = engine->play(relay.id, LegSide::a, ramp_clip(160 * 500));
  ASSERT_TRUE(first);
  ASSERT_TRUE(a.receive(2s));
  const auto second = engine->play(relay.id, LegSide::a, ramp_clip(160 * 2));
  ASSERT_TRUE(second);
  test::wait_until([&] { return !events_now().empty(); }, 3s);
  const auto ev = events_now();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].play_id, *second) << "only the replacing clip finishes";
  EXPECT_FALSE(engine->play(RelayId{12345}, LegSide::a, ramp_clip(160)));
  EXPECT_FALSE(engine->play(relay.id, LegSide::a, std::make_shared<AudioClip>()))
      << "an empty clip";
  EXPECT_FALSE(engine->stop_playing(RelayId{12345}, LegSide::a));
}

// RFC 4733 packets of one key press: a start with the marker, an update, three end packets.
std::vector<Bytes> key_press(std::uint8_t event, std::uint32_t timestamp, std::uint16_t seq) {
  std::vector<Bytes> out;
  const std::pair<std::uint16_t, bool> steps[] = {
      {400, false}, {800, false}, {1200, true}, {1200, true}, {1200, true}};
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    Bytes p = {0x80,
               static_cast<std::uint8_t>((i == 0 ? 0x80 : 0) | 101),
               static_cast<std::uint8_t>((seq + i) >> 8),
               static_cast<std::uint8_t>(seq + i),
               static_cast<std::uint8_t>(timestamp >> 24),
               static_cast<std::uint8_t>(timestamp >> 16),
               static_cast<std::uint8_t>(timestamp >> 8),
               static_cast<std::uint8_t>(timestamp),
               0,
               0,
               0x12,
               0x34,
               event,
               static_cast<std::uint8_t>((steps[i].second ? 0x80 : 0) | 10),
               static_cast<std::uint8_t>(steps[i].first >> 8),
               static_cast<std::uint8_t>(steps[i].first)};
    out.push_back(p);
  }
  return out;
}

TEST_F(PlayoutTest, KeysPressedOnAListenedLegBecomeDtmfEvents) {
  LegParams p;
  p.remote_rtp = a.endpoint();
  p.codec = Codec::pcma;
  p.payload_type = 8;
  p.telephone_event_pt = 101;
  ASSERT_TRUE(engine->configure_leg(relay.id, LegSide::a, p));
  const IpEndpoint to_a{relay.address, relay.a.rtp};
  // Not listened to yet: a key press is relayed as usual but reported nowhere.
  for (const Bytes& packet : key_press(9, 1000, 1))
    a.send_to(to_a, packet);
  ASSERT_TRUE(engine->sync(5s));
  ASSERT_TRUE(engine->listen_for_dtmf(relay.id, LegSide::a, DtmfListening{.inband = true}));
  ASSERT_TRUE(engine->sync(5s));
  for (const Bytes& packet : key_press(5, 9000, 10))
    a.send_to(to_a, packet);
  for (const Bytes& packet : key_press(11, 17000, 20))
    a.send_to(to_a, packet);  // '#'
  // A key sent as a tone: '1' = 697 Hz + 1209 Hz for 100 ms, then silence, A-law.
  for (std::uint16_t n = 0; n < 10; ++n) {
    Bytes payload(160);
    for (std::size_t i = 0; i < 160; ++i) {
      const double t = static_cast<double>(n * 160 + i) / 8000.0;
      const double v =
          n < 5 ? 6000 * (std::sin(2 * M_PI * 697 * t) + std::sin(2 * M_PI * 1209 * t)) : 0.0;
      payload[i] = linear_to_alaw(static_cast<std::int16_t>(v));
    }
    a.send_to(to_a, rtp_packet({.payload_type = 8,
                                .sequence = static_cast<std::uint16_t>(30 + n),
                                .timestamp = 30000u + n * 160u},
                               payload));
  }
  test::wait_until([&] { return events_now().size() >= 3; }, 3s);
  const auto ev = events_now();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, MediaEvent::Kind::dtmf);
  EXPECT_EQ(ev[0].digit, '5');
  EXPECT_EQ(ev[0].duration, 150ms) << "1,200 samples at 8 kHz";
  EXPECT_FALSE(ev[0].inband);
  EXPECT_EQ(ev[0].relay, relay.id);
  EXPECT_EQ(ev[1].digit, '#');
  EXPECT_EQ(ev[2].digit, '1');
  EXPECT_TRUE(ev[2].inband);
  ASSERT_TRUE(engine->stop_listening_for_dtmf(relay.id, LegSide::a));
  ASSERT_TRUE(engine->sync(5s));
  for (const Bytes& packet : key_press(7, 50000, 50))
    a.send_to(to_a, packet);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(events_now().size(), 3u) << "not listened to any more";
}

TEST(RtpPacketizerTest, HeaderFieldsAndSkip) {
  RtpPacketizer p(0x01020304, 65535, 0xFFFFFF00);
  std::array<std::uint8_t, kPlayoutPacketSize> out{};
  const std::int16_t samples[3] = {0, 1000, -1000};
  ASSERT_EQ(p.write(samples, Codec::pcmu, 0, true, out), kPlayoutPacketSize);
  EXPECT_EQ(out[0], 0x80);
  EXPECT_EQ(out[1], 0x80) << "marker, PT 0";
  EXPECT_EQ(out[2], 0xFF);
  EXPECT_EQ(out[3], 0xFF);
  EXPECT_EQ(out[8], 0x01);
  EXPECT_EQ(out[11], 0x04);
  EXPECT_EQ(out[13], linear_to_ulaw(1000));
  EXPECT_EQ(out[15], linear_to_ulaw(0)) << "padding is silence";
  EXPECT_EQ(p.next_sequence(), 0) << "wraps";
  EXPECT_EQ(p.next_timestamp(), 0xFFFFFF00u + 160u);
  p.skip(800);
  EXPECT_EQ(p.next_timestamp(), 0xFFFFFF00u + 960u);
  std::array<std::uint8_t, 10> small{};
  EXPECT_EQ(p.write(samples, Codec::pcma, 8, false, small), 0u) << "too small a buffer";
}

}  // namespace
}  // namespace dzvin::media
