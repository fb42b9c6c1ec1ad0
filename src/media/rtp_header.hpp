#pragma once
// The RTP fixed header (RFC 3550 §5.1) read from an untrusted datagram, and the one field the
// relay rewrites. Reads only what it is given: any byte sequence is safe (fuzzed).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dzvin::media {

inline constexpr std::size_t kRtpFixedHeaderSize = 12;
inline constexpr std::uint8_t kRtpVersion = 2;

struct RtpHeader {
  bool padding = false;
  bool extension = false;
  std::uint8_t csrc_count = 0;
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::size_t payload_offset = 0;  // fixed header + CSRC list + header extension
  std::size_t payload_size = 0;    // without the padding
};

// Why a datagram is not an RTP packet. Not a Result<T>: its Error carries a std::string, and
// this runs for every datagram, hostile ones included, where nothing may allocate.
enum class RtpDefect : std::uint8_t {
  none,
  too_short,            // shorter than the 12-octet fixed header
  bad_version,          // V != 2 (STUN, RTP version 1, garbage)
  truncated_csrc,       // the CSRC list runs past the end
  truncated_extension,  // the header extension runs past the end
  bad_padding,          // padding count 0 or larger than what follows the header (§A.1)
};

std::string_view to_string(RtpDefect defect);

// Reads the header of `datagram`; on success fills `header` and returns RtpDefect::none (on
// failure `header` is unspecified).
RtpDefect parse_rtp_header(std::span<const std::uint8_t> datagram, RtpHeader& header) noexcept;

// Sets the payload type of a packet that parsed, keeping its marker bit (RFC 3550 §5.1: M and
// PT share the second octet).
inline void set_payload_type(std::span<std::uint8_t> packet, std::uint8_t payload_type) {
  packet[1] = static_cast<std::uint8_t>((packet[1] & 0x80) | (payload_type & 0x7F));
}

// Rewrites the stream identity of a packet that parsed: sequence number, timestamp and SSRC.
inline void set_stream_fields(std::span<std::uint8_t> packet, std::uint16_t sequence,
                              std::uint32_t timestamp, std::uint32_t ssrc) {
  packet[2] = static_cast<std::uint8_t>(sequence >> 8);
  packet[3] = static_cast<std::uint8_t>(sequence);
  for (int i = 0; i < 4; ++i) {
    packet[4 + i] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * i));
    packet[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
}

}  // namespace dzvin::media
