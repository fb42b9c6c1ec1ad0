#pragma once
// Dzvin's own RTP stream towards one leg's peer (prompts, tones, later music on hold): one
// SSRC, and sequence numbers and timestamps that run on across everything played on the leg
// (RFC 3550 §5.1) — a gap between two prompts advances the timestamp by the time that passed,
// so the peer's jitter buffer sees one stream with a pause, not a new one. The first packet of
// each prompt carries the marker bit (RFC 3551 §4.1: the start of a talkspurt).
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/audio_clip.hpp"
#include "media/codec.hpp"

namespace dzvin::media {

// 12-byte header + 20 ms of G.711.
inline constexpr std::size_t kPlayoutPacketSize = 12 + kSamplesPerPacket;

class RtpPacketizer {
 public:
  RtpPacketizer() = default;
  RtpPacketizer(std::uint32_t ssrc, std::uint16_t first_sequence, std::uint32_t first_timestamp)
      : ssrc_(ssrc), sequence_(first_sequence), timestamp_(first_timestamp) {}

  // Writes one packet of `samples` (at most 160; fewer are padded with silence) encoded with
  // `codec` into `out` (at least kPlayoutPacketSize bytes). Returns its size.
  std::size_t write(std::span<const std::int16_t> samples, Codec codec, std::uint8_t payload_type,
                    bool marker, std::span<std::uint8_t> out);
  // Time passed without packets (between prompts): the timestamp moves on by `samples`.
  void skip(std::uint32_t samples) { timestamp_ += samples; }
  // A packet of this stream was sent by someone else (relayed audio rewritten into it): the
  // next one continues after `sequence`, at `next_timestamp`. Older packets (reordered) do not
  // move it back.
  void continue_after(std::uint16_t sequence, std::uint32_t next_timestamp) {
    if (static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence + 1 - sequence_)) >= 0) {
      sequence_ = static_cast<std::uint16_t>(sequence + 1);
    }
    if (static_cast<std::int32_t>(next_timestamp - timestamp_) > 0) timestamp_ = next_timestamp;
  }

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint16_t next_sequence() const { return sequence_; }
  std::uint32_t next_timestamp() const { return timestamp_; }

 private:
  std::uint32_t ssrc_ = 0;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
};

}  // namespace dzvin::media
