#include "base/ip_endpoint.hpp"

#include <gtest/gtest.h>

namespace dzvin {
namespace {

TEST(IpEndpointTest, ParsesV4AndV6) {
  auto a = IpEndpoint::parse("192.0.2.1:5070", 5060);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->address.v6);
  EXPECT_EQ(a->port, 5070);
  EXPECT_EQ(a->to_string(), "192.0.2.1:5070");
  auto b = IpEndpoint::parse("[2001:db8::1]:5061", 5060);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->address.v6);
  EXPECT_EQ(b->to_string(), "[2001:db8::1]:5061");
  EXPECT_EQ(b->address.to_string(), "2001:db8::1");
  auto c = IpEndpoint::parse("10.0.0.1", 5060);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 5060);
  auto d = IpEndpoint::parse("::1", 5060);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->address.v6);
  EXPECT_EQ(d->port, 5060);
}

TEST(IpEndpointTest, RejectsBadInput) {
  EXPECT_FALSE(IpEndpoint::parse("", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("300.1.1.1:5", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("1.2.3.4:", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("1.2.3.4:70000", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("[::1", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("[::1]x", 1).ok());
  EXPECT_FALSE(IpEndpoint::parse("host.example:5060", 1).ok());
}

TEST(IpEndpointTest, EqualityAndHash) {
  auto a = *IpEndpoint::parse("127.0.0.1:5060", 0);
  auto b = *IpEndpoint::parse("127.0.0.1:5060", 0);
  auto c = *IpEndpoint::parse("127.0.0.1:5061", 0);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(IpEndpointHash{}(a), IpEndpointHash{}(b));
  EXPECT_TRUE(IpAddress::parse("0.0.0.0")->is_unspecified());
  EXPECT_FALSE(IpAddress::v4_loopback().is_unspecified());
}

}  // namespace
}  // namespace dzvin
