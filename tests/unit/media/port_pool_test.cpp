// Port pool on real sockets: even RTP ports, RTCP + 1, exhaustion, round-robin reuse, busy
// ports skipped. Ranges are probed free first: no fixed ports.
#include "media/port_pool.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "media/media_error.hpp"
#include "udp_peer.hpp"

namespace dzvin::media {
namespace {

const IpAddress kLoopback = IpAddress::v4_loopback();

TEST(PortPool, RejectsRangesWithoutAPair) {
  EXPECT_THROW(PortPool(kLoopback, 20001, 20001), std::invalid_argument);
  EXPECT_THROW(PortPool(kLoopback, 20000, 20000), std::invalid_argument);
  EXPECT_THROW(PortPool(kLoopback, 30000, 20000), std::invalid_argument);
  EXPECT_THROW(PortPool(kLoopback, 0, 100), std::invalid_argument);
  EXPECT_EQ(PortPool(kLoopback, 20001, 20003).capacity(), 1u);  // 20002/20003
  EXPECT_EQ(PortPool(kLoopback, 20000, 30000).capacity(), 5000u);
}

TEST(PortPool, EvenRtpPortsAndRtcpNextToThem) {
  const std::uint16_t base = test::find_free_port_range(8);
  PortPool pool(kLoopback, base, static_cast<std::uint16_t>(base + 7));
  ASSERT_EQ(pool.capacity(), 4u);
  std::vector<BoundPorts> held;
  for (int i = 0; i < 4; ++i) {
    auto ports = pool.allocate();
    ASSERT_TRUE(ports) << ports.error().message;
    EXPECT_EQ(ports->rtp_port % 2, 0);
    EXPECT_EQ(ports->rtp_port, base + 2 * i);  // in order on first use
    EXPECT_TRUE(ports->rtp.valid());
    EXPECT_TRUE(ports->rtcp.valid());
    // Both ports are really bound: binding them again fails.
    EXPECT_THROW(test::UdpPeer("127.0.0.1", ports->rtp_port), std::runtime_error);
    EXPECT_THROW(test::UdpPeer("127.0.0.1", static_cast<std::uint16_t>(ports->rtp_port + 1)),
                 std::runtime_error);
    held.push_back(std::move(*ports));
  }
}

TEST(PortPool, ExhaustionIsAnErrorAndReleaseMakesRoom) {
  const std::uint16_t base = test::find_free_port_range(4);
  PortPool pool(kLoopback, base, static_cast<std::uint16_t>(base + 3));
  auto first = pool.allocate();
  auto second = pool.allocate();
  ASSERT_TRUE(first && second);
  auto third = pool.allocate();
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, code(MediaErrc::no_free_port));
  EXPECT_NE(third.error().message.find("no free RTP/RTCP port pair"), std::string::npos);

  const std::uint16_t port = first->rtp_port;
  first->rtp.reset();
  first->rtcp.reset();
  pool.release(port);
  auto again = pool.allocate();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->rtp_port, port);
}

TEST(PortPool, ReleasedPortsAreReusedLast) {
  const std::uint16_t base = test::find_free_port_range(6);
  PortPool pool(kLoopback, base, static_cast<std::uint16_t>(base + 5));
  auto a = pool.allocate();
  ASSERT_TRUE(a);
  const std::uint16_t first_port = a->rtp_port;
  a->rtp.reset();
  a->rtcp.reset();
  pool.release(first_port);
  // The two never-used pairs come before the one just released.
  auto b = pool.allocate();
  auto c = pool.allocate();
  auto d = pool.allocate();
  ASSERT_TRUE(b && c && d);
  EXPECT_NE(b->rtp_port, first_port);
  EXPECT_NE(c->rtp_port, first_port);
  EXPECT_EQ(d->rtp_port, first_port);
}

TEST(PortPool, BusyPortIsSkippedAndKept) {
  const std::uint16_t base = test::find_free_port_range(4);
  PortPool pool(kLoopback, base, static_cast<std::uint16_t>(base + 3));
  {
    // Another process holds the RTCP port of the first pair.
    test::UdpPeer squatter("127.0.0.1", static_cast<std::uint16_t>(base + 1));
    auto ports = pool.allocate();
    ASSERT_TRUE(ports) << ports.error().message;
    EXPECT_EQ(ports->rtp_port, base + 2);
    auto none = pool.allocate();
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, code(MediaErrc::no_free_port));
    EXPECT_NE(none.error().message.find("1 busy"), std::string::npos) << none.error().message;
  }
  // Once the squatter is gone the skipped pair is usable: it stayed in the pool.
  auto later = pool.allocate();
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->rtp_port, base);
}

TEST(PortPool, Ipv6) {
  try {
    test::UdpPeer probe("::1");
  } catch (const std::runtime_error&) {
    GTEST_SKIP() << "no IPv6 loopback";
  }
  PortPool pool(IpAddress::parse("::1").value(), 20000, 30000);
  auto ports = pool.allocate();
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(ports->rtp_port % 2, 0);
}

TEST(PortPool, OtherBindErrorsAreReported) {
  // 192.0.2.1 (TEST-NET-1) is not an address of this host.
  PortPool pool(IpAddress::parse("192.0.2.1").value(), 20000, 20003);
  auto ports = pool.allocate();
  ASSERT_FALSE(ports);
  EXPECT_EQ(ports.error().code, code(MediaErrc::socket_failed));
  EXPECT_NE(ports.error().message.find("192.0.2.1"), std::string::npos);
}

}  // namespace
}  // namespace dzvin::media
