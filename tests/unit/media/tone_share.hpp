#pragma once
// For tests: the share of the energy of `samples` (8 kHz) at `hz`, by a Goertzel filter: 1 for a
// pure tone at that frequency when the window holds whole periods, near 0 for other signals.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

#include "media/audio_clip.hpp"

namespace dzvin::media::test {

inline double tone_share(std::span<const std::int16_t> samples, double hz) {
  const double coefficient = 2 * std::cos(2 * std::numbers::pi * hz / kClipSampleRate);
  double s1 = 0, s2 = 0, energy = 0;
  for (const std::int16_t sample : samples) {
    const double x = sample;
    const double s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return energy > 0 ? power / (energy * static_cast<double>(samples.size()) / 2) : 0;
}

}  // namespace dzvin::media::test
