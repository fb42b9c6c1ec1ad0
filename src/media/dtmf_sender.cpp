#include "media/dtmf_sender.hpp"

#include <algorithm>

namespace dzvin::media {

namespace {

constexpr std::uint32_t kTicksPerMs = kTelephoneEventClockRate / 1000;

std::uint32_t ticks(std::chrono::milliseconds ms) {
  return static_cast<std::uint32_t>(ms.count()) * kTicksPerMs;
}

// RFC 3550 §5.1 fixed header: V=2, P=0, X=0, CC=0.
void write_rtp_header(std::span<std::uint8_t, kEventPacketSize> out, bool marker,
                      std::uint8_t payload_type, std::uint16_t sequence, std::uint32_t timestamp,
                      std::uint32_t ssrc) {
  out[0] = kRtpVersion << 6;
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0x00) | (payload_type & 0x7F));
  out[2] = static_cast<std::uint8_t>(sequence >> 8);
  out[3] = static_cast<std::uint8_t>(sequence & 0xFF);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
}

}  // namespace

Rfc4733Sender::Rfc4733Sender(const DtmfSendParams& params, SteadyTime start)
    : params_(params), start_(start) {
  duration_ticks_ = ticks(std::clamp(params.duration, kMinDuration, kMaxDuration));
  interval_ticks_ = ticks(std::clamp(params.interval, kMinInterval, kMaxInterval));
  updates_ = static_cast<int>((duration_ticks_ + interval_ticks_ - 1) / interval_ticks_);
  total_ = updates_ + kEndPackets - 1;
}

std::uint32_t Rfc4733Sender::due_ticks(int i) const {
  if (i < updates_) {
    return std::min(static_cast<std::uint32_t>(i + 1) * interval_ticks_, duration_ticks_);
  }
  // The repeats of the final packet, an interval apart after it.
  return duration_ticks_ + static_cast<std::uint32_t>(i - updates_ + 1) * interval_ticks_;
}

std::optional<SteadyTime> Rfc4733Sender::next_time() const {
  if (done()) return std::nullopt;
  // 8 kHz: one tick is 125 µs.
  return start_ + std::chrono::microseconds(std::int64_t{due_ticks(sent_)} * 125);
}

std::optional<EventPacket> Rfc4733Sender::next(SteadyTime now) {
  const auto due = next_time();
  if (!due || *due > now) return std::nullopt;
  const int i = sent_++;
  EventPacket packet;
  packet.send_at = *due;
  const std::span<std::uint8_t, kEventPacketSize> bytes(packet.bytes);
  write_rtp_header(bytes, i == 0, params_.payload_type,
                   static_cast<std::uint16_t>(params_.sequence + i), params_.timestamp,
                   params_.ssrc);
  TelephoneEvent event;
  event.event = params_.event;
  event.end = i >= updates_ - 1;
  event.volume = std::min(params_.volume, kMaxEventVolume);
  event.duration = static_cast<std::uint16_t>(std::min(due_ticks(i), duration_ticks_));
  write_telephone_event(event, bytes.subspan<kRtpFixedHeaderSize, kTelephoneEventSize>());
  return packet;
}

std::uint16_t Rfc4733Sender::next_sequence() const {
  return static_cast<std::uint16_t>(params_.sequence + total_);
}

}  // namespace dzvin::media
