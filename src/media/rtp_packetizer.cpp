#include "media/rtp_packetizer.hpp"

#include <algorithm>

#include "media/g711.hpp"

namespace dzvin::media {

std::size_t RtpPacketizer::write(std::span<const std::int16_t> samples, Codec codec,
                                 std::uint8_t payload_type, bool marker,
                                 std::span<std::uint8_t> out) {
  if (out.size() < kPlayoutPacketSize) return 0;
  out[0] = 0x80;  // version 2, no padding, extension or CSRC
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0x00) | (payload_type & 0x7F));
  out[2] = static_cast<std::uint8_t>(sequence_ >> 8);
  out[3] = static_cast<std::uint8_t>(sequence_);
  for (int i = 0; i < 4; ++i) {
    out[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(timestamp_ >> (24 - 8 * i));
    out[8 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ssrc_ >> (24 - 8 * i));
  }
  const std::size_t n = std::min(samples.size(), kSamplesPerPacket);
  std::uint8_t* payload = out.data() + 12;
  if (codec == Codec::pcmu) {
    for (std::size_t i = 0; i < n; ++i)
      payload[i] = linear_to_ulaw(samples[i]);
    std::fill(payload + n, payload + kSamplesPerPacket, linear_to_ulaw(0));
  } else {
    for (std::size_t i = 0; i < n; ++i)
      payload[i] = linear_to_alaw(samples[i]);
    std::fill(payload + n, payload + kSamplesPerPacket, linear_to_alaw(0));
  }
  ++sequence_;
  timestamp_ += kSamplesPerPacket;
  return kPlayoutPacketSize;
}

}  // namespace dzvin::media
