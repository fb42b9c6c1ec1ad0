#include "media/recording_tap.hpp"

#include <algorithm>

#include "media/g711.hpp"

namespace dzvin::media {

void RecordingTap::capture(LegSide side, const RtpHeader& header, Codec codec,
                           std::span<const std::uint8_t> payload, SteadyTime now) {
  if (!records(side)) return;
  const std::int64_t arrival = now.time_since_epoch() / std::chrono::nanoseconds(1);
  bool voice = false;
  std::size_t offset = 0;
  while (offset < payload.size()) {
    const std::size_t n = std::min(RecordedChunk::kMaxSamples, payload.size() - offset);
    RecordedChunk* chunk = ring->reserve();
    if (chunk == nullptr) {
      ++dropped;
      offset += n;
      continue;
    }
    chunk->recording = id;
    chunk->arrival_ns = arrival;
    chunk->ssrc = header.ssrc;
    chunk->rtp_timestamp = header.timestamp + static_cast<std::uint32_t>(offset);
    chunk->count = static_cast<std::uint16_t>(n);
    chunk->side = side == LegSide::a ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t octet = payload[offset + i];
      chunk->samples[i] = codec == Codec::pcmu ? ulaw_to_linear(octet) : alaw_to_linear(octet);
    }
    if (side == LegSide::a && silence_timeout.count() > 0 && !voice) {
      voice = is_voice(std::span<const std::int16_t>(chunk->samples.data(), n));
    }
    ring->commit();
    offset += n;
  }
  if (side != LegSide::a || silence_timeout.count() <= 0 || silence_reported) return;
  if (voice) {
    last_voice = now;
  } else if (now - last_voice >= silence_timeout) {
    silence_pending = true;
    silence_reported = true;
  }
}

}  // namespace dzvin::media
