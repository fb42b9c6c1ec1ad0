#include "media/rtcp_header.hpp"

namespace dzvin::media {

std::string_view to_string(RtcpDefect defect) {
  switch (defect) {
    case RtcpDefect::none:
      return "none";
    case RtcpDefect::too_short:
      return "shorter than an RTCP header";
    case RtcpDefect::bad_version:
      return "RTCP version is not 2";
    case RtcpDefect::bad_packet_type:
      return "not an RTCP packet type";
    case RtcpDefect::bad_length:
      return "RTCP length runs past the end";
  }
  return "unknown";
}

RtcpDefect check_rtcp_header(std::span<const std::uint8_t> d) noexcept {
  if (d.size() < kRtcpMinimumSize) return RtcpDefect::too_short;
  if ((d[0] >> 6) != 2) return RtcpDefect::bad_version;
  if (d[1] < 192 || d[1] > 223) return RtcpDefect::bad_packet_type;
  // §6.4.1: length in 32-bit words minus one, header included.
  const std::size_t bytes = 4 * (static_cast<std::size_t>((d[2] << 8) | d[3]) + 1);
  if (bytes > d.size()) return RtcpDefect::bad_length;
  return RtcpDefect::none;
}

}  // namespace dzvin::media
