#include "media/tone.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dzvin::media {

AudioClip make_tone(const ToneSpec& spec) {
  AudioClip clip;
  const auto on = static_cast<std::size_t>(spec.on.count()) * kClipSampleRate / 1000;
  const auto off = static_cast<std::size_t>(spec.off.count()) * kClipSampleRate / 1000;
  clip.samples.assign(on + off, 0);
  const double n = static_cast<double>(std::max<std::size_t>(spec.frequencies_hz.size(), 1));
  const double peak = 32767.0 * std::pow(10.0, spec.level_dbfs / 20.0) / n;
  const std::size_t ramp = kClipSampleRate * 5 / 1000;
  for (std::size_t i = 0; i < on; ++i) {
    double v = 0;
    for (double f : spec.frequencies_hz)
      v += std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / kClipSampleRate);
    const double edge = static_cast<double>(std::min({i, on - 1 - i, ramp})) /
                        static_cast<double>(std::max<std::size_t>(ramp, 1));
    clip.samples[i] = static_cast<std::int16_t>(std::lround(peak * v * std::min(1.0, edge)));
  }
  return clip;
}

std::shared_ptr<const AudioClip> beep_clip() {
  static const auto clip = std::make_shared<const AudioClip>(make_tone(beep_tone()));
  return clip;
}

}  // namespace dzvin::media
