#pragma once
// RecordingTap: a relay being recorded, as its media thread sees it. It decodes the G.711
// payload of each packet of the recorded legs into the writer's ring (before the relay
// transcodes it for the other leg) and watches the caller for silence (voicemail ends after
// a few quiet seconds). Media thread only; allocated by the start command, never per packet.
// Internal to media/.
#include <cstdint>
#include <span>

#include "base/clock.hpp"
#include "media/codec.hpp"
#include "media/media_engine.hpp"
#include "media/recorded_chunk_ring.hpp"
#include "media/recording_mixer.hpp"
#include "media/rtp_header.hpp"

namespace dzvin::media {

class RecordingWriter;

struct RecordingTap {
  std::uint64_t id = 0;
  RelayId relay;
  RecordingWriter* writer = nullptr;
  RecordedChunkRing* ring = nullptr;  // the writer's ring for this media thread
  RecordingLayout layout = RecordingLayout::mixed;
  Duration silence_timeout{0};   // 0: not watched
  SteadyTime last_voice{};       // of leg A; the start counts as voice
  bool silence_pending = false;  // crossed the timeout in the packet just handled
  bool silence_reported = false;
  std::uint64_t dropped = 0;  // chunks lost because the writer fell behind

  bool records(LegSide side) const {
    return side == LegSide::a || layout != RecordingLayout::caller_only;
  }
  // One audio packet of `side` (payload in `codec`).
  void capture(LegSide side, const RtpHeader& header, Codec codec,
               std::span<const std::uint8_t> payload, SteadyTime now);
};

}  // namespace dzvin::media
