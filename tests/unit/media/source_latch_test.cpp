// Latching rules with a fake clock: first valid packet latches, others are refused, a new
// source takes over only after >= 1 s of silence and several packets in a row.
#include "media/source_latch.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <chrono>

namespace dzvin::media {
namespace {

using namespace std::chrono_literals;
using Verdict = SourceLatch::Verdict;

SocketAddress v4(const char* address, std::uint16_t port) {
  return SocketAddress::from_endpoint(IpEndpoint{IpAddress::parse(address).value(), port}, AF_INET);
}

class SourceLatchTest : public ::testing::Test {
 protected:
  FakeClock clock;
  SourceLatch latch{3};
  const SocketAddress peer = v4("127.0.0.1", 4000);
  const SocketAddress stranger = v4("127.0.0.1", 4002);
  const SocketAddress other = v4("192.0.2.7", 4000);
};

TEST_F(SourceLatchTest, FirstPacketFromAnySourceLatches) {
  EXPECT_FALSE(latch.latched());
  EXPECT_EQ(latch.offer(peer, clock.now()), Verdict::latched);
  EXPECT_TRUE(latch.latched());
  EXPECT_EQ(latch.source(), peer);
  EXPECT_EQ(latch.offer(peer, clock.now()), Verdict::accepted);
}

TEST_F(SourceLatchTest, OtherSourcesAreRefusedWhileThePeerTalks) {
  latch.offer(peer, clock.now());
  for (int i = 0; i < 100; ++i) {
    clock.advance(20ms);
    EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
    EXPECT_EQ(latch.offer(peer, clock.now()), Verdict::accepted);
  }
  EXPECT_EQ(latch.source(), peer);
}

TEST_F(SourceLatchTest, NoRelatchBeforeOneSecondOfSilence) {
  latch.offer(peer, clock.now());
  clock.advance(999ms);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.source(), peer);
}

TEST_F(SourceLatchTest, RelatchesAfterSilenceWhenTheNewSourceKeepsSending) {
  latch.offer(peer, clock.now());
  clock.advance(1s);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::relatched);
  EXPECT_EQ(latch.source(), stranger);
  // The old source is now the stranger.
  EXPECT_EQ(latch.offer(peer, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::accepted);
}

TEST_F(SourceLatchTest, PacketsCountedDuringTheSilenceToo) {
  // The new source started while the old one was still within its second of silence.
  latch.offer(peer, clock.now());
  clock.advance(500ms);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  clock.advance(500ms);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::relatched);
}

TEST_F(SourceLatchTest, SingleStrayPacketsNeverRelatch) {
  latch.offer(peer, clock.now());
  clock.advance(10s);
  // Alternating sources: no one of them sends three in a row.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(latch.offer(i % 2 ? stranger : other, clock.now()), Verdict::refused);
  }
  EXPECT_EQ(latch.source(), peer);
}

TEST_F(SourceLatchTest, PeerSpeakingAgainResetsTheCandidate) {
  latch.offer(peer, clock.now());
  clock.advance(2s);
  latch.offer(stranger, clock.now());
  latch.offer(stranger, clock.now());
  EXPECT_EQ(latch.offer(peer, clock.now()), Verdict::accepted);
  clock.advance(1s);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::refused);
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::relatched);
}

TEST_F(SourceLatchTest, ResetLatchesTheNextPacket) {
  latch.offer(peer, clock.now());
  latch.reset();
  EXPECT_FALSE(latch.latched());
  EXPECT_EQ(latch.offer(stranger, clock.now()), Verdict::latched);
  EXPECT_EQ(latch.source(), stranger);
}

TEST(SocketAddress, ComparesFamilyAddressAndPort) {
  EXPECT_EQ(v4("127.0.0.1", 1), v4("127.0.0.1", 1));
  EXPECT_FALSE(v4("127.0.0.1", 1) == v4("127.0.0.1", 2));
  EXPECT_FALSE(v4("127.0.0.1", 1) == v4("127.0.0.2", 1));
  const auto mapped =
      SocketAddress::from_endpoint(IpEndpoint{IpAddress::parse("127.0.0.1").value(), 1}, AF_INET6);
  EXPECT_FALSE(mapped == v4("127.0.0.1", 1));
  EXPECT_EQ(mapped.family(), AF_INET6);
  EXPECT_TRUE(SocketAddress{} == SocketAddress{});
  EXPECT_FALSE(SocketAddress{} == v4("127.0.0.1", 1));
}

TEST(SocketAddress, EndpointConversions) {
  const auto e = IpEndpoint::parse("192.0.2.1:5004", 0).value();
  EXPECT_EQ(SocketAddress::from_endpoint(e, AF_INET).to_endpoint(), e);
  // Through a dual-stack socket an IPv4 peer is ::ffff:192.0.2.1 and shows as IPv4 again.
  EXPECT_EQ(SocketAddress::from_endpoint(e, AF_INET6).to_endpoint(), e);
  const auto e6 = IpEndpoint::parse("[2001:db8::1]:5004", 0).value();
  EXPECT_EQ(SocketAddress::from_endpoint(e6, AF_INET6).to_endpoint(), e6);
  EXPECT_TRUE(SocketAddress::from_endpoint(e6, AF_INET).empty());
  EXPECT_EQ(SocketAddress{}.to_endpoint(), std::nullopt);
}

}  // namespace
}  // namespace dzvin::media
