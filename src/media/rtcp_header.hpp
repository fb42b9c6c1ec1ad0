#pragma once
// The common header of an RTCP packet (RFC 3550 §6.4), checked before a compound packet is
// passed to the other leg. The relay does not interpret RTCP: it only refuses what is not RTCP.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dzvin::media {

// Version/padding/count (1) + packet type (1) + length (2) + sender SSRC (4): the smallest
// valid RTCP packet, an RR without report blocks.
inline constexpr std::size_t kRtcpMinimumSize = 8;

enum class RtcpDefect : std::uint8_t {
  none,
  too_short,        // below 8 octets
  bad_version,      // V != 2
  bad_packet_type,  // outside 192-223, the range RFC 5761 §4 reserves for RTCP
  bad_length,       // the first packet's length field runs past the end
};

std::string_view to_string(RtcpDefect defect);

RtcpDefect check_rtcp_header(std::span<const std::uint8_t> datagram) noexcept;

}  // namespace dzvin::media
