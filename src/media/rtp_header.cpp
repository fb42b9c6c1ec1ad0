#include "media/rtp_header.hpp"

namespace dzvin::media {

std::string_view to_string(RtpDefect defect) {
  switch (defect) {
    case RtpDefect::none:
      return "none";
    case RtpDefect::too_short:
      return "shorter than the RTP fixed header";
    case RtpDefect::bad_version:
      return "RTP version is not 2";
    case RtpDefect::truncated_csrc:
      return "CSRC list runs past the end";
    case RtpDefect::truncated_extension:
      return "header extension runs past the end";
    case RtpDefect::bad_padding:
      return "bad padding count";
  }
  return "unknown";
}

RtpDefect parse_rtp_header(std::span<const std::uint8_t> d, RtpHeader& h) noexcept {
  if (d.size() < kRtpFixedHeaderSize) return RtpDefect::too_short;
  if ((d[0] >> 6) != kRtpVersion) return RtpDefect::bad_version;
  h.padding = (d[0] & 0x20) != 0;
  h.extension = (d[0] & 0x10) != 0;
  h.csrc_count = d[0] & 0x0F;
  h.marker = (d[1] & 0x80) != 0;
  h.payload_type = d[1] & 0x7F;
  h.sequence = static_cast<std::uint16_t>((d[2] << 8) | d[3]);
  h.timestamp = (std::uint32_t{d[4]} << 24) | (std::uint32_t{d[5]} << 16) |
                (std::uint32_t{d[6]} << 8) | std::uint32_t{d[7]};
  h.ssrc = (std::uint32_t{d[8]} << 24) | (std::uint32_t{d[9]} << 16) | (std::uint32_t{d[10]} << 8) |
           std::uint32_t{d[11]};

  std::size_t offset = kRtpFixedHeaderSize + 4u * h.csrc_count;
  if (offset > d.size()) return RtpDefect::truncated_csrc;
  if (h.extension) {
    // §5.3.1: 16 bits defined by profile, 16 bits length in 32-bit words after these four.
    if (offset + 4 > d.size()) return RtpDefect::truncated_extension;
    const std::size_t words = static_cast<std::size_t>((d[offset + 2] << 8) | d[offset + 3]);
    offset += 4 + 4 * words;
    if (offset > d.size()) return RtpDefect::truncated_extension;
  }
  std::size_t end = d.size();
  if (h.padding) {
    // §5.1: the last octet counts the padding octets, itself included.
    const std::size_t count = d[d.size() - 1];
    if (count == 0 || count > end - offset) return RtpDefect::bad_padding;
    end -= count;
  }
  h.payload_offset = offset;
  h.payload_size = end - offset;
  return RtpDefect::none;
}

}  // namespace dzvin::media
