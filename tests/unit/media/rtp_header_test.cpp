// RTP and RTCP headers read from untrusted datagrams (RFC 3550 §5.1, §6.4).
#include "media/rtp_header.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "media/rtcp_header.hpp"

namespace dzvin::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes g711_packet() {
  // Filled in place: GCC 12 -O3 flags resize() of a braced-initialised vector
  // (stringop-overread, a false positive).
  Bytes p(12 + 160, 0xD5);
  const std::uint8_t header[] = {0x80, 0x80 | 8, 0x12, 0x34, 0xDE, 0xAD,
                                 0xBE, 0xEF,     0x01, 0x02, 0x03, 0x04};
  std::copy(std::begin(header), std::end(header), p.begin());
  return p;
}

TEST(RtpHeader, ParsesFixedHeader) {
  const Bytes p = g711_packet();
  RtpHeader h;
  ASSERT_EQ(parse_rtp_header(p, h), RtpDefect::none);
  EXPECT_FALSE(h.padding);
  EXPECT_FALSE(h.extension);
  EXPECT_EQ(h.csrc_count, 0);
  EXPECT_TRUE(h.marker);
  EXPECT_EQ(h.payload_type, 8);
  EXPECT_EQ(h.sequence, 0x1234);
  EXPECT_EQ(h.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(h.ssrc, 0x01020304u);
  EXPECT_EQ(h.payload_offset, 12u);
  EXPECT_EQ(h.payload_size, 160u);
}

TEST(RtpHeader, HeaderOnlyIsValid) {
  Bytes p = g711_packet();
  p.resize(12);
  RtpHeader h;
  ASSERT_EQ(parse_rtp_header(p, h), RtpDefect::none);
  EXPECT_EQ(h.payload_size, 0u);
}

TEST(RtpHeader, CsrcExtensionAndPadding) {
  Bytes p = {0xB2, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7};  // P, X, CC=2
  for (int i = 0; i < 8; ++i)
    p.push_back(static_cast<std::uint8_t>(i));                   // two CSRCs
  Bytes ext = {0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00};  // one 32-bit word
  p.insert(p.end(), ext.begin(), ext.end());
  for (int i = 0; i < 10; ++i)
    p.push_back(0xFF);           // payload
  p.insert(p.end(), {0, 0, 3});  // three octets of padding
  RtpHeader h;
  ASSERT_EQ(parse_rtp_header(p, h), RtpDefect::none);
  EXPECT_TRUE(h.padding);
  EXPECT_TRUE(h.extension);
  EXPECT_EQ(h.csrc_count, 2);
  EXPECT_EQ(h.payload_offset, 12u + 8u + 8u);
  EXPECT_EQ(h.payload_size, 10u);
}

TEST(RtpHeader, Defects) {
  RtpHeader h;
  Bytes p = g711_packet();
  EXPECT_EQ(parse_rtp_header(std::span<const std::uint8_t>(p.data(), 11), h), RtpDefect::too_short);
  EXPECT_EQ(parse_rtp_header({}, h), RtpDefect::too_short);

  Bytes v1 = p;
  v1[0] = 0x40;
  EXPECT_EQ(parse_rtp_header(v1, h), RtpDefect::bad_version);
  Bytes stun = p;
  stun[0] = 0x00;  // STUN binding request starts with 0x00 0x01
  EXPECT_EQ(parse_rtp_header(stun, h), RtpDefect::bad_version);

  Bytes csrc(12, 0);
  csrc[0] = 0x8F;  // 15 CSRCs, none present
  EXPECT_EQ(parse_rtp_header(csrc, h), RtpDefect::truncated_csrc);

  Bytes ext = {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE};
  EXPECT_EQ(parse_rtp_header(ext, h), RtpDefect::truncated_extension);
  ext.insert(ext.end(), {0xFF, 0xFF});  // 65535 words announced
  EXPECT_EQ(parse_rtp_header(ext, h), RtpDefect::truncated_extension);

  Bytes pad = p;
  pad[0] |= 0x20;
  pad.back() = 0;  // a count of zero
  EXPECT_EQ(parse_rtp_header(pad, h), RtpDefect::bad_padding);
  pad.back() = 161;  // more than the 160 octets after the header
  EXPECT_EQ(parse_rtp_header(pad, h), RtpDefect::bad_padding);
  pad.back() = 160;  // the whole payload is padding: allowed
  ASSERT_EQ(parse_rtp_header(pad, h), RtpDefect::none);
  EXPECT_EQ(h.payload_size, 0u);
}

TEST(RtpHeader, SetPayloadTypeKeepsMarkerAndEverythingElse) {
  Bytes p = g711_packet();
  const Bytes before = p;
  set_payload_type(p, 101);
  EXPECT_EQ(p[1], 0x80 | 101);
  set_payload_type(p, 0);
  EXPECT_EQ(p[1], 0x80);
  p[1] = 8;  // no marker
  set_payload_type(p, 96);
  EXPECT_EQ(p[1], 96);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (i != 1) {
      EXPECT_EQ(p[i], before[i]) << i;
    }
  }
}

TEST(RtcpHeader, AcceptsReceiverAndSenderReports) {
  const Bytes rr = {0x80, 201, 0x00, 0x01, 1, 2, 3, 4};  // RR, no report blocks
  EXPECT_EQ(check_rtcp_header(rr), RtcpDefect::none);
  Bytes sr = {0x80, 200, 0x00, 0x06};
  sr.resize(28, 0);
  EXPECT_EQ(check_rtcp_header(sr), RtcpDefect::none);
}

TEST(RtcpHeader, Defects) {
  EXPECT_EQ(check_rtcp_header(Bytes{0x80, 201, 0, 1, 1, 2, 3}), RtcpDefect::too_short);
  EXPECT_EQ(check_rtcp_header(Bytes{0x40, 201, 0, 1, 1, 2, 3, 4}), RtcpDefect::bad_version);
  EXPECT_EQ(check_rtcp_header(Bytes{0x80, 0, 0, 1, 1, 2, 3, 4}), RtcpDefect::bad_packet_type);
  EXPECT_EQ(check_rtcp_header(Bytes{0x80, 8, 0, 1, 1, 2, 3, 4}), RtcpDefect::bad_packet_type);
  EXPECT_EQ(check_rtcp_header(Bytes{0x80, 201, 0, 2, 1, 2, 3, 4}), RtcpDefect::bad_length);
}

}  // namespace
}  // namespace dzvin::media
