// The relay end to end on real loopback sockets: peers are UdpPeers standing for phones, the
// engine runs its own media threads. Every wait has a deadline; commands are made effective
// with sync() before packets that depend on them are sent.
#include "media/media_engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "media/g711.hpp"
#include "udp_peer.hpp"

namespace dzvin::media {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::rtp_packet;
using test::RtpFields;
using test::UdpPeer;
using test::wait_until;

// A clock the test moves while media threads read it. It can also hold a media thread: a
// worker reads the clock once per wake-up, so hold() parks it right after epoll_wait until
// release() (to let packets pile up in a socket).
class SteppingClock final : public Clock {
 public:
  SteadyTime now() const override {
    if (held_.load()) {
      std::unique_lock lock(mutex_);
      ++parked_;
      cv_.wait(lock, [&] { return !held_.load(); });
      --parked_;
    }
    return SteadyTime{Duration{ticks_.load()}};
  }
  WallTime wall_now() const override {
    return WallTime{std::chrono::duration_cast<WallTime::duration>(Duration{ticks_.load()})};
  }
  void advance(Duration d) { ticks_ += d.count(); }
  void hold() { held_ = true; }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  int parked() const {
    std::lock_guard lock(mutex_);
    return parked_;
  }

 private:
  std::atomic<Duration::rep> ticks_{std::chrono::duration_cast<Duration>(1h).count()};
  std::atomic<bool> held_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  mutable int parked_ = 0;
};

Bytes payload_of(const Bytes& packet) {
  return Bytes(packet.begin() + 12, packet.end());
}

Bytes repeat(std::initializer_list<std::uint8_t> pattern, std::size_t size) {
  Bytes out;
  while (out.size() < size)
    out.insert(out.end(), pattern.begin(), pattern.end());
  out.resize(size);
  return out;
}

struct Phone {
  explicit Phone(const std::string& address = "127.0.0.1") : rtp(address), rtcp(address) {}
  UdpPeer rtp;
  UdpPeer rtcp;
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override { start("127.0.0.1"); }

  void start(const std::string& bind, const std::string& advertised = "",
             const std::string& peer_address = "127.0.0.1") {
    const std::uint16_t base = test::find_free_port_range(8);
    MediaConfig config;
    config.bind_address = bind;
    config.advertised_address = advertised;
    config.port_min = base;
    config.port_max = static_cast<std::uint16_t>(base + 7);
    config.threads = 2;
    engine = std::make_unique<MediaEngine>(config, clock);
    auto created = engine->create_relay();
    ASSERT_TRUE(created) << created.error().message;
    relay = *created;
    a = std::make_unique<Phone>(peer_address);
    b = std::make_unique<Phone>(peer_address);
  }

  LegParams params(const Phone& phone, Codec codec, std::uint8_t pt) const {
    LegParams p;
    p.remote_rtp = phone.rtp.endpoint();
    p.remote_rtcp = phone.rtcp.endpoint();
    p.codec = codec;
    p.payload_type = pt;
    return p;
  }

  void configure(LegSide side, const LegParams& p) {
    auto r = engine->configure_leg(relay.id, side, p);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(engine->sync(5s));
  }

  void configure_g711(Codec a_codec, Codec b_codec) {
    configure(LegSide::a, params(*a, a_codec, static_payload_type(a_codec)));
    configure(LegSide::b, params(*b, b_codec, static_payload_type(b_codec)));
  }

  IpEndpoint rtp_port_of(LegSide side) const { return {relay.address, relay.ports(side).rtp}; }
  IpEndpoint rtcp_port_of(LegSide side) const { return {relay.address, relay.ports(side).rtcp}; }

  LegStats leg_stats(LegSide side) const { return engine->stats(relay.id).value().leg(side); }

  SteppingClock clock;
  std::unique_ptr<MediaEngine> engine;
  RelayHandle relay;
  std::unique_ptr<Phone> a;
  std::unique_ptr<Phone> b;
};

TEST_F(RelayTest, HandleNamesTwoPortPairs) {
  EXPECT_EQ(relay.address, IpAddress::v4_loopback());
  for (const LegSide side : {LegSide::a, LegSide::b}) {
    EXPECT_EQ(relay.ports(side).rtp % 2, 0);
    EXPECT_EQ(relay.ports(side).rtcp, relay.ports(side).rtp + 1);
  }
  EXPECT_NE(relay.a.rtp, relay.b.rtp);
  EXPECT_EQ(engine->relay_count(), 1u);
  EXPECT_EQ(engine->capacity(), 2u);
  EXPECT_EQ(engine->thread_count(), 2u);
}

TEST_F(RelayTest, PassThroughBothDirections) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  Bytes payload(160);
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>(i);
  const Bytes from_a = rtp_packet({.payload_type = 0, .marker = true, .sequence = 7}, payload);
  a->rtp.send_to(rtp_port_of(LegSide::a), from_a);
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes, from_a);
  // Symmetric: B's media comes from the port B sends to.
  EXPECT_EQ(at_b->from, rtp_port_of(LegSide::b));

  const Bytes from_b = rtp_packet({.payload_type = 0, .sequence = 9, .ssrc = 0xCAFE}, payload);
  b->rtp.send_to(rtp_port_of(LegSide::b), from_b);
  auto at_a = a->rtp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes, from_b);
  EXPECT_EQ(at_a->from, rtp_port_of(LegSide::a));
}

TEST_F(RelayTest, TranscodesUlawToAlawAndBack) {
  configure_g711(Codec::pcmu, Codec::pcma);
  const Bytes ulaw = repeat({0x1E, 0x0B, 0x0B, 0x1E, 0x9E, 0x8B, 0x8B, 0x9E}, 160);
  const Bytes alaw = repeat({0x34, 0x21, 0x21, 0x34, 0xB4, 0xA1, 0xA1, 0xB4}, 160);
  const RtpFields fields{
      .payload_type = 0, .marker = true, .sequence = 77, .timestamp = 12345, .ssrc = 0xABCDEF01};
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet(fields, ulaw));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  RtpFields expected = fields;
  expected.payload_type = 8;
  EXPECT_EQ(at_b->bytes, rtp_packet(expected, alaw));

  // And every µ-law code, through the table.
  Bytes all(256);
  for (int i = 0; i < 256; ++i)
    all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.payload_type = 0, .sequence = 78}, all));
  at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  const Bytes got = payload_of(at_b->bytes);
  ASSERT_EQ(got.size(), 256u);
  for (int i = 0; i < 256; ++i) {
    EXPECT_EQ(got[static_cast<std::size_t>(i)], ulaw_to_alaw(static_cast<std::uint8_t>(i))) << i;
  }

  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.payload_type = 8, .sequence = 5}, alaw));
  auto at_a = a->rtp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes, rtp_packet({.payload_type = 0, .sequence = 5}, ulaw));
}

TEST_F(RelayTest, PayloadTypeNumberRewrittenForTheOtherLeg) {
  // Both PCMU, but B negotiated a dynamic number for it.
  configure(LegSide::a, params(*a, Codec::pcmu, 0));
  configure(LegSide::b, params(*b, Codec::pcmu, 112));
  const Bytes payload(160, 0xFF);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.payload_type = 0}, payload));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes, rtp_packet({.payload_type = 112}, payload));
}

TEST_F(RelayTest, TelephoneEventsMappedToTheOtherLegsNumber) {
  LegParams pa = params(*a, Codec::pcmu, 0);
  pa.telephone_event_pt = 101;
  LegParams pb = params(*b, Codec::pcma, 8);
  pb.telephone_event_pt = 96;
  configure(LegSide::a, pa);
  configure(LegSide::b, pb);
  // RFC 4733 §2.3: event 5, end bit clear, volume 10, duration 160.
  const Bytes event = {0x05, 0x0A, 0x00, 0xA0};
  const RtpFields fields{
      .payload_type = 101, .marker = true, .sequence = 300, .timestamp = 8000, .ssrc = 0x5EED};
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet(fields, event));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  RtpFields expected = fields;
  expected.payload_type = 96;
  // Not transcoded, marker, sequence, timestamp and SSRC untouched.
  EXPECT_EQ(at_b->bytes, rtp_packet(expected, event));

  const Bytes end_event = {0x05, 0x8A, 0x03, 0x20};
  b->rtp.send_to(rtp_port_of(LegSide::b),
                 rtp_packet({.payload_type = 96, .sequence = 40, .timestamp = 99}, end_event));
  auto at_a = a->rtp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes,
            rtp_packet({.payload_type = 101, .sequence = 40, .timestamp = 99}, end_event));
}

TEST_F(RelayTest, TelephoneEventsDroppedWhenTheOtherLegHasNone) {
  LegParams pa = params(*a, Codec::pcmu, 0);
  pa.telephone_event_pt = 101;
  configure(LegSide::a, pa);
  configure(LegSide::b, params(*b, Codec::pcmu, 0));
  a->rtp.send_to(rtp_port_of(LegSide::a),
                 rtp_packet({.payload_type = 101, .sequence = 1}, Bytes{1, 0, 0, 160}));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_not_forwarded == 1; }));
  a->rtp.send_to(rtp_port_of(LegSide::a),
                 rtp_packet({.payload_type = 0, .sequence = 2}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 2) << "the event must not have been forwarded";
}

TEST_F(RelayTest, LatchesOnTheSourceNotTheSdpAddress) {
  // baresip bound to 0.0.0.0: its SDP says 127.0.0.3, its packets come from 127.0.0.1.
  LegParams pa = params(*a, Codec::pcmu, 0);
  pa.remote_rtp = IpEndpoint{IpAddress::parse("127.0.0.3").value(), a->rtp.port()};
  pa.remote_rtcp = IpEndpoint{IpAddress::parse("127.0.0.3").value(), a->rtcp.port()};
  configure(LegSide::a, pa);
  configure(LegSide::b, params(*b, Codec::pcmu, 0));

  // Before A has sent anything, its media goes to the SDP address (where nobody listens).
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).rtp_packets_out == 1; }));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, std::nullopt);

  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());

  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  auto at_a = a->rtp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes[3], 2);

  // RTCP latches the same way.
  const Bytes rr = {0x80, 201, 0x00, 0x01, 0, 0, 0, 1};
  a->rtcp.send_to(rtcp_port_of(LegSide::a), rr);
  ASSERT_TRUE(b->rtcp.receive());
  b->rtcp.send_to(rtcp_port_of(LegSide::b), rr);
  auto rtcp_at_a = a->rtcp.receive();
  ASSERT_TRUE(rtcp_at_a);
  EXPECT_EQ(rtcp_at_a->bytes, rr);
  EXPECT_EQ(leg_stats(LegSide::a).rtcp_source, a->rtcp.endpoint());
}

TEST_F(RelayTest, RefusesOtherSourcesOnceLatched) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());

  UdpPeer intruder;
  intruder.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 666}, Bytes(160, 0x00)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_foreign == 1; }));
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 2) << "the intruder's packet must not have been forwarded";
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());
}

TEST_F(RelayTest, RelatchesAfterOneSecondOfSilence) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());

  // The phone moved (NAT rebinding): same peer, new source port, old one silent.
  UdpPeer moved;
  clock.advance(1500ms);
  for (std::uint16_t seq = 2; seq <= 5; ++seq)
    moved.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_foreign == 4; }));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());
  moved.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 6}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 6);
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, moved.endpoint());

  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  EXPECT_TRUE(moved.receive());
  EXPECT_FALSE(a->rtp.has_pending());
}

TEST_F(RelayTest, NoRelatchWhileTheLatchedSourceTalks) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());
  UdpPeer intruder;
  for (std::uint16_t seq = 0; seq < 10; ++seq)
    intruder.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(160, 0)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_foreign == 10; }));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());
}

TEST_F(RelayTest, NewRemoteAddressForgetsTheLatch) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());
  // A re-INVITE moves leg A to another phone: media goes there at once, no 1 s wait.
  Phone other;
  configure(LegSide::a, params(other, Codec::pcmu, 0));
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  auto at_other = other.rtp.receive();
  ASSERT_TRUE(at_other);
  EXPECT_EQ(at_other->bytes[3], 2);
  EXPECT_FALSE(a->rtp.has_pending());
}

TEST_F(RelayTest, HoldStopsForwardingInThatDirection) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  // A puts B on hold: A is sendonly, it does not want media.
  LegParams held = params(*a, Codec::pcmu, 0);
  held.send_to_peer = false;
  configure(LegSide::a, held);
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::b).dropped_not_forwarded == 1; }));
  // A's music on hold still reaches B.
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());

  // Inactive: nothing either way.
  held.receive_from_peer = false;
  configure(LegSide::a, held);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_not_forwarded == 1; }));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_packets_in, 2u) << "received and counted, not forwarded";

  // RFC 3264 §5.1: RTCP still flows while inactive.
  const Bytes rr = {0x80, 201, 0x00, 0x01, 0, 0, 0, 2};
  a->rtcp.send_to(rtcp_port_of(LegSide::a), rr);
  auto rtcp = b->rtcp.receive();
  ASSERT_TRUE(rtcp);
  EXPECT_EQ(rtcp->bytes, rr);

  // Resumed: the first packets each side gets are the new ones.
  configure(LegSide::a, params(*a, Codec::pcmu, 0));
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  auto at_a = a->rtp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes[3], 2);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 3}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 3);
}

TEST_F(RelayTest, RtcpPassesUnchangedBetweenRtcpPorts) {
  configure_g711(Codec::pcmu, Codec::pcma);
  Bytes sr = {0x80, 200, 0x00, 0x06, 0xAB, 0xCD, 0xEF, 0x01};
  sr.resize(28, 0x42);
  a->rtcp.send_to(rtcp_port_of(LegSide::a), sr);
  auto at_b = b->rtcp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes, sr);
  EXPECT_EQ(at_b->from, rtcp_port_of(LegSide::b));
  const Bytes rr = {0x81, 201, 0x00, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0,
                    0,    0,   0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  b->rtcp.send_to(rtcp_port_of(LegSide::b), rr);
  auto at_a = a->rtcp.receive();
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->bytes, rr);
  EXPECT_FALSE(a->rtp.has_pending());
  EXPECT_FALSE(b->rtp.has_pending());
  // The media thread counts a packet after sending it: the receiver may see it first.
  auto stats = engine->stats(relay.id).value();
  for (int i = 0; i < 1000 && stats.a.rtcp_packets_out == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stats = engine->stats(relay.id).value();
  }
  EXPECT_EQ(stats.a.rtcp_packets_in, 1u);
  EXPECT_EQ(stats.b.rtcp_packets_out, 1u);
  EXPECT_EQ(stats.b.rtcp_packets_in, 1u);
  EXPECT_EQ(stats.a.rtcp_packets_out, 1u);
  EXPECT_EQ(stats.a.rtp_packets_in, 0u);
}

TEST_F(RelayTest, RtcpDefaultsToRtpPortPlusOne) {
  LegParams pb = params(*b, Codec::pcmu, 0);
  pb.remote_rtcp = IpEndpoint{};  // no a=rtcp
  configure(LegSide::a, params(*a, Codec::pcmu, 0));
  configure(LegSide::b, pb);
  // B's RTCP socket sits at some port; pretend B's RTP port is one below it.
  pb.remote_rtp.port = static_cast<std::uint16_t>(b->rtcp.port() - 1);
  configure(LegSide::b, pb);
  const Bytes rr = {0x80, 201, 0x00, 0x01, 0, 0, 0, 3};
  a->rtcp.send_to(rtcp_port_of(LegSide::a), rr);
  auto at_b = b->rtcp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes, rr);
}

TEST_F(RelayTest, StatsCountPacketsBytesAndLastPacketTime) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  EXPECT_EQ(leg_stats(LegSide::a).last_rtp_in, std::nullopt);
  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(160, 0xFF)));
    ASSERT_TRUE(b->rtp.receive());
  }
  clock.advance(20ms);
  for (std::uint16_t seq = 1; seq <= 2; ++seq) {
    b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = seq}, Bytes(80, 0xFF)));
    ASSERT_TRUE(a->rtp.receive());
  }
  auto s = engine->stats(relay.id).value();
  for (int i = 0; i < 1000 && s.a.rtp_packets_out < 2; ++i) {  // counted after the send
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s = engine->stats(relay.id).value();
  }
  EXPECT_EQ(s.a.rtp_packets_in, 3u);
  EXPECT_EQ(s.a.rtp_bytes_in, 3u * 172);
  EXPECT_EQ(s.b.rtp_packets_out, 3u);
  EXPECT_EQ(s.b.rtp_bytes_out, 3u * 172);
  EXPECT_EQ(s.b.rtp_packets_in, 2u);
  EXPECT_EQ(s.b.rtp_bytes_in, 2u * 92);
  EXPECT_EQ(s.a.rtp_packets_out, 2u);
  EXPECT_EQ(s.a.rtp_bytes_out, 2u * 92);
  EXPECT_EQ(s.b.last_rtp_in, clock.now());
  EXPECT_EQ(s.a.last_rtp_in, clock.now() - 20ms);
  EXPECT_EQ(s.a.dropped_malformed + s.a.dropped_foreign + s.a.dropped_not_forwarded, 0u);
  EXPECT_EQ(s.a.send_errors + s.b.send_errors, 0u);
}

TEST_F(RelayTest, MalformedDatagramsAreDroppedAndCounted) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), Bytes{0x80, 0x00, 0x01});  // too short
  Bytes v1 = rtp_packet({.sequence = 1}, Bytes(160, 0xFF));
  v1[0] = 0x40;
  a->rtp.send_to(rtp_port_of(LegSide::a), v1);  // version 1
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(1600, 0xFF)));
  Bytes stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
  stun.resize(20, 0);
  a->rtp.send_to(rtp_port_of(LegSide::a), stun);
  Bytes csrc = rtp_packet({.sequence = 1}, {});
  csrc[0] = 0x8F;
  a->rtp.send_to(rtp_port_of(LegSide::a), csrc);  // 15 CSRCs announced, none there
  a->rtcp.send_to(rtcp_port_of(LegSide::a), Bytes{0x80, 201, 0, 9, 0, 0, 0, 1});  // bad length
  // Well-formed, but a payload type nobody negotiated (13, comfort noise).
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.payload_type = 13}, Bytes(1, 0x40)));
  ASSERT_TRUE(wait_until([&] {
    const auto s = leg_stats(LegSide::a);
    return s.dropped_malformed == 6 && s.dropped_not_forwarded == 1;
  }));
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 42}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 42);
  EXPECT_FALSE(b->rtcp.has_pending());
  const auto s = leg_stats(LegSide::a);
  EXPECT_EQ(s.rtp_packets_in, 1u);
  EXPECT_EQ(s.rtp_source, a->rtp.endpoint()) << "garbage must not latch";
}

TEST_F(RelayTest, NothingForwardedBeforeBothLegsAreConfigured) {
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_not_forwarded == 1; }));
  configure(LegSide::a, params(*a, Codec::pcmu, 0));
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return leg_stats(LegSide::a).dropped_not_forwarded == 2; }));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_packets_in, 1u);
  configure(LegSide::b, params(*b, Codec::pcmu, 0));
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 3}, Bytes(160, 0xFF)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes[3], 3);
}

TEST_F(RelayTest, StatsReadWhileTheMediaThreadWritesThem) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  std::atomic<bool> done{false};
  std::uint64_t last_seen = 0;
  bool went_back = false;
  // The only engine caller meanwhile: the threading contract holds.
  std::thread reader([&] {
    while (!done.load()) {
      const auto s = engine->stats(relay.id);
      if (!s) continue;
      if (s->a.rtp_packets_in < last_seen) went_back = true;
      last_seen = s->a.rtp_packets_in;
      if (s->a.rtp_packets_in > 0 && s->a.rtp_source != a->rtp.endpoint()) went_back = true;
    }
  });
  for (std::uint16_t seq = 1; seq <= 200; ++seq) {
    a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(160, 0xFF)));
    ASSERT_TRUE(b->rtp.receive());
  }
  done = true;
  reader.join();
  EXPECT_FALSE(went_back);
  EXPECT_EQ(leg_stats(LegSide::a).rtp_packets_in, 200u);
}

TEST_F(RelayTest, BurstLargerThanOneWakeupIsRelayedWhole) {
  // More packets than one wake-up reads from a socket (4 x 32): the rest must be read on
  // the following turns without waiting for another packet to arrive.
  configure_g711(Codec::pcmu, Codec::pcmu);
  constexpr std::uint16_t kBurst = 200;
  // Park the relay's media thread, then queue the whole burst in its socket.
  clock.hold();
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(20, 0xFF)));
  ASSERT_TRUE(wait_until([&] { return clock.parked() == 1; }));
  for (std::uint16_t seq = 2; seq <= kBurst; ++seq)
    a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(20, 0xFF)));
  clock.release();
  for (std::uint16_t seq = 1; seq <= kBurst; ++seq) {
    auto got = b->rtp.receive();
    ASSERT_TRUE(got) << "packet " << seq << " missing";
    EXPECT_EQ(got->bytes[2] * 256 + got->bytes[3], seq);
  }
  EXPECT_EQ(leg_stats(LegSide::a).rtp_packets_in, kBurst);
}

TEST_F(RelayTest, RelaysAreSpreadOverTheMediaThreads) {
  auto second = engine->create_relay();
  ASSERT_TRUE(second);
  // Both relays work, whichever thread owns them.
  for (const RelayHandle& h : {relay, *second}) {
    Phone pa;
    Phone pb;
    ASSERT_TRUE(engine->configure_leg(h.id, LegSide::a, params(pa, Codec::pcmu, 0)));
    ASSERT_TRUE(engine->configure_leg(h.id, LegSide::b, params(pb, Codec::pcma, 8)));
    ASSERT_TRUE(engine->sync(5s));
    pa.rtp.send_to(IpEndpoint{h.address, h.a.rtp}, rtp_packet({}, Bytes(160, 0xFF)));
    auto got = pb.rtp.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes, rtp_packet({.payload_type = 8}, Bytes(160, 0xD5)));
  }
}

TEST_F(RelayTest, DestroyReturnsPortsToThePool) {
  auto second = engine->create_relay();
  ASSERT_TRUE(second) << second.error().message;
  auto third = engine->create_relay();
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, code(MediaErrc::no_free_port));

  const RelayId old = relay.id;
  engine->destroy_relay(old);
  EXPECT_EQ(engine->stats(old), std::nullopt);
  EXPECT_EQ(engine->relay_count(), 1u);
  ASSERT_TRUE(engine->sync(5s));
  auto again = engine->create_relay();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_NE(again->id, old);
  // The freed pairs are the only ones left.
  EXPECT_TRUE((again->a.rtp == relay.a.rtp && again->b.rtp == relay.b.rtp) ||
              (again->a.rtp == relay.b.rtp && again->b.rtp == relay.a.rtp));
  EXPECT_FALSE(engine->configure_leg(old, LegSide::a, params(*a, Codec::pcmu, 0)));
  engine->destroy_relay(old);  // a stale id is ignored
  EXPECT_EQ(engine->relay_count(), 2u);
  EXPECT_TRUE(engine->stats(again->id));
}

TEST_F(RelayTest, DestroyedRelayStopsRelaying) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  engine->destroy_relay(relay.id);
  ASSERT_TRUE(engine->sync(5s));
  // The port is closed: binding it again succeeds.
  EXPECT_NO_THROW(UdpPeer("127.0.0.1", relay.a.rtp));
  EXPECT_NO_THROW(UdpPeer("127.0.0.1", relay.b.rtcp));
}

TEST_F(RelayTest, ConfigureLegValidatesItsInput) {
  auto check = [&](LegParams p, int expected_code, const char* field) {
    auto r = engine->configure_leg(relay.id, LegSide::a, p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, expected_code);
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  const int bad = code(MediaErrc::bad_leg_params);
  LegParams p = params(*a, Codec::pcmu, 0);
  p.payload_type = 200;
  check(p, bad, "payload_type");
  p = params(*a, Codec::pcma, 0);
  check(p, bad, "payload_type 0 is PCMU");
  p = params(*a, Codec::pcmu, 0);
  p.telephone_event_pt = 0;
  check(p, bad, "telephone_event_pt");
  p.telephone_event_pt = 128;
  check(p, bad, "telephone_event_pt");
  p = params(*a, Codec::pcmu, 0);
  p.remote_rtp = IpEndpoint::parse("[2001:db8::1]:4000", 0).value();
  check(p, bad, "remote_rtp");
  EXPECT_FALSE(engine->configure_leg(RelayId{}, LegSide::a, params(*a, Codec::pcmu, 0)));
  EXPECT_EQ(
      engine->configure_leg(RelayId{12345}, LegSide::a, params(*a, Codec::pcmu, 0)).error().code,
      code(MediaErrc::unknown_relay));
}

class RelayIpv6Test : public RelayTest {
 protected:
  void SetUp() override {
    try {
      UdpPeer probe("::1");
    } catch (const std::runtime_error&) {
      GTEST_SKIP() << "no IPv6 loopback";
    }
  }
};

TEST_F(RelayIpv6Test, RelaysBetweenIpv6Peers) {
  start("::1", "", "::1");
  EXPECT_TRUE(relay.address.v6);
  configure_g711(Codec::pcma, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.payload_type = 8}, Bytes(160, 0xD5)));
  auto at_b = b->rtp.receive();
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->bytes, rtp_packet({.payload_type = 0}, Bytes(160, 0xFE)));
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.payload_type = 0}, Bytes(160, 0xFF)));
  ASSERT_TRUE(a->rtp.receive());
}

TEST_F(RelayIpv6Test, DualStackSocketServesIpv4Peers) {
  start("::", "127.0.0.1", "127.0.0.1");
  configure_g711(Codec::pcmu, Codec::pcmu);
  a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = 1}, Bytes(160, 0xFF)));
  ASSERT_TRUE(b->rtp.receive());
  b->rtp.send_to(rtp_port_of(LegSide::b), rtp_packet({.sequence = 2}, Bytes(160, 0xFF)));
  ASSERT_TRUE(a->rtp.receive());
  // Seen through the dual-stack socket as ::ffff:127.0.0.1, reported as IPv4.
  EXPECT_EQ(leg_stats(LegSide::a).rtp_source, a->rtp.endpoint());
}

TEST(MediaEngineConfig, BadConfigThrowsAtStartUp) {
  MediaConfig c;
  c.bind_address = "not-an-address";
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.bind_address = "0.0.0.0";
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);  // no advertised address
  c.advertised_address = "0.0.0.0";
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.advertised_address = "198.51.100.7";
  c.port_min = 30000;
  c.port_max = 20000;
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.port_min = 20000;
  c.port_max = 20001;  // one pair: not even one relay
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.port_max = 30000;
  c.coalesce = std::chrono::seconds{1};
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.coalesce = std::chrono::microseconds{200};
  c.threads = 100000;
  EXPECT_THROW(MediaEngine{c}, std::invalid_argument);
  c.threads = 1;
  c.bind_address = "192.0.2.1";  // not an address of this host
  EXPECT_THROW(MediaEngine{c}, std::runtime_error);
  try {
    c.bind_address = "0.0.0.0";
    c.advertised_address = "";
    MediaEngine engine{c};
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("advertised_address"), std::string::npos);
  }
}

TEST(MediaEngineConfig, DefaultsAndWildcardWithAdvertisedAddress) {
  MediaConfig c;
  c.advertised_address = "198.51.100.7";
  MediaEngine engine{c};
  EXPECT_EQ(engine.capacity(), 2500u);  // 20000-30000: 5000 pairs, two per relay
  EXPECT_GE(engine.thread_count(), 1u);
  auto relay = engine.create_relay();
  ASSERT_TRUE(relay) << relay.error().message;
  EXPECT_EQ(relay->address.to_string(), "198.51.100.7");
  EXPECT_GE(relay->a.rtp, 20000);
  EXPECT_LE(relay->b.rtcp, 30000);
}

TEST_F(RelayTest, TotalsKeepTheCountsOfClosedRelays) {
  configure_g711(Codec::pcmu, Codec::pcmu);
  for (std::uint16_t seq = 1; seq <= 4; ++seq) {
    a->rtp.send_to(rtp_port_of(LegSide::a), rtp_packet({.sequence = seq}, Bytes(160, 0xFF)));
    ASSERT_TRUE(b->rtp.receive());
  }
  a->rtp.send_to(rtp_port_of(LegSide::a), Bytes{0x80, 0x00, 0x01});  // malformed
  ASSERT_TRUE(wait_until([&] {
    const auto t = engine->totals();
    return t.rtp_packets_out == 4 && t.dropped == 1;
  }));
  EXPECT_EQ(engine->totals().rtp_packets_in, 4u);
  engine->destroy_relay(relay.id);
  ASSERT_TRUE(engine->sync(5s));
  const MediaTotals after = engine->totals();
  EXPECT_EQ(after.rtp_packets_in, 4u);
  EXPECT_EQ(after.rtp_packets_out, 4u);
  EXPECT_EQ(after.dropped, 1u);
  EXPECT_EQ(after.send_errors, 0u);
  // A new relay in the freed slot starts from zero; the totals only grow.
  auto again = engine->create_relay();
  ASSERT_TRUE(again);
  EXPECT_EQ(engine->totals().rtp_packets_in, 4u);
}

}  // namespace
}  // namespace dzvin::media
