#include "media/recording_mixer.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace dzvin::media {

bool is_voice(std::span<const std::int16_t> samples) {
  if (samples.empty()) return false;
  std::int64_t sum = 0;
  for (std::int16_t s : samples)
    sum += std::abs(static_cast<int>(s));
  return sum > static_cast<std::int64_t>(kVoiceFloor) * static_cast<std::int64_t>(samples.size());
}

RecordingMixer::RecordingMixer(RecordingLayout layout) : layout_(layout) {
  window_[0].assign(kWindow, 0);
  if (layout_ == RecordingLayout::stereo) window_[1].assign(kWindow, 0);
}

std::int64_t RecordingMixer::end() const {
  std::int64_t e = released_;
  for (const Stream& s : streams_) {
    if (s.started) e = std::max(e, s.next_position);
  }
  return e;
}

void RecordingMixer::add(int side, std::int64_t arrival, std::uint32_t ssrc,
                         std::uint32_t rtp_timestamp, std::span<const std::int16_t> samples) {
  if (side < 0 || side > 1 || samples.empty()) return;
  if (layout_ == RecordingLayout::caller_only && side != 0) return;
  const auto count = static_cast<std::int64_t>(samples.size());
  Stream& s = streams_[static_cast<std::size_t>(side)];
  // The packet's first sample was spoken `count` samples before it arrived.
  const std::int64_t by_arrival = std::max<std::int64_t>(0, arrival - count);
  std::int64_t position = by_arrival;
  if (s.started && s.ssrc == ssrc) {
    const auto gap = static_cast<std::int32_t>(rtp_timestamp - s.next_timestamp);
    if (gap >= -kMaxGap && gap <= kMaxGap) {
      const std::int64_t by_timestamp = s.next_position + gap;
      if (std::llabs(by_timestamp - by_arrival) <= kMaxSkew) position = by_timestamp;
    }
  }
  const bool first = !s.started || s.ssrc != ssrc;
  s.started = true;
  s.ssrc = ssrc;
  if (first || position + count > s.next_position) {
    s.next_position = position + count;
    s.next_timestamp = rtp_timestamp + static_cast<std::uint32_t>(count);
  }
  if (is_voice(samples)) voiced_ += count;

  if (position + count <= released_) {
    ++late_;
    return;
  }
  make_room(position + count);
  const std::size_t channel =
      layout_ == RecordingLayout::stereo ? static_cast<std::size_t>(side) : 0;
  std::vector<std::int32_t>& w = window_[channel];
  for (std::int64_t i = std::max<std::int64_t>(0, released_ - position); i < count; ++i) {
    w[static_cast<std::size_t>((position + i) % kWindow)] += samples[static_cast<std::size_t>(i)];
  }
}

void RecordingMixer::make_room(std::int64_t until) {
  // A packet beyond the window: the frames before its window are final (nothing arrives
  // that late), so they go out now and wait in overflow_ for the next release.
  if (until - released_ > kWindow) release_frames(until - kWindow, overflow_);
}

void RecordingMixer::release_until(std::int64_t position, std::vector<std::int16_t>& out) {
  if (!overflow_.empty()) {
    out.insert(out.end(), overflow_.begin(), overflow_.end());
    overflow_.clear();
  }
  release_frames(position, out);
}

void RecordingMixer::release_frames(std::int64_t position, std::vector<std::int16_t>& out) {
  const int ch = channels();
  while (released_ < position) {
    const auto slot = static_cast<std::size_t>(released_ % kWindow);
    for (int c = 0; c < ch; ++c) {
      std::int32_t& v = window_[static_cast<std::size_t>(c)][slot];
      out.push_back(static_cast<std::int16_t>(std::clamp<std::int32_t>(
          v, std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max())));
      v = 0;
    }
    ++released_;
  }
}

}  // namespace dzvin::media
