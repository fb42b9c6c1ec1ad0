#include "media/inband_dtmf_detector.hpp"

#include <algorithm>
#include <new>

#include "media/audio_clip.hpp"
#include "media/g711.hpp"

// spandsp's umbrella header pulls in libtiff (for fax); only what dtmf.h needs is included, in
// the order <spandsp.h> has them (each relies on the ones before).
// clang-format off
#include <inttypes.h>
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
// clang-format on

namespace dzvin::media {

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* rx = nullptr;
  std::array<char, kMaxDigitsPerFeed> digits{};
  std::size_t count = 0;
  std::uint64_t dropped = 0;

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (rx != nullptr) dtmf_rx_free(rx);
  }

  // spandsp's digits callback: called from dtmf_rx for each digit it confirms.
  static void on_digits(void* user_data, const char* digits, int len) {
    auto* self = static_cast<State*>(user_data);
    for (int i = 0; i < len; ++i) {
      if (self->count < self->digits.size()) {
        self->digits[self->count++] = digits[i];
      } else {
        ++self->dropped;
      }
    }
  }

  void init() {
    // With a callback, dtmf_rx keeps no digit buffer of its own. Defaults otherwise: Q.24
    // twist limits, -26 dBm0 threshold, no dial tone filter (Dzvin plays no dial tone).
    rx = dtmf_rx_init(rx, &State::on_digits, this);
    if (rx == nullptr) throw std::bad_alloc();
  }

  // Detects in `samples`, appending the digits found to `digits`.
  void run(std::span<const std::int16_t> samples) {
    // dtmf_rx takes an int count: a long input goes in blocks.
    constexpr std::size_t kBlock = 8000;
    while (!samples.empty()) {
      const std::size_t n = std::min(samples.size(), kBlock);
      dtmf_rx(rx, samples.data(), static_cast<int>(n));
      samples = samples.subspan(n);
    }
  }
};

InbandDtmfDetector::InbandDtmfDetector() : state_(std::make_unique<State>()) {
  state_->init();
}

InbandDtmfDetector::~InbandDtmfDetector() = default;
InbandDtmfDetector::InbandDtmfDetector(InbandDtmfDetector&&) noexcept = default;
InbandDtmfDetector& InbandDtmfDetector::operator=(InbandDtmfDetector&&) noexcept = default;

std::string_view InbandDtmfDetector::feed(std::span<const std::int16_t> samples) {
  State& s = *state_;
  s.count = 0;
  s.run(samples);
  return {s.digits.data(), s.count};
}

std::string_view InbandDtmfDetector::feed(Codec codec, std::span<const std::uint8_t> payload) {
  State& s = *state_;
  s.count = 0;
  std::array<std::int16_t, kSamplesPerPacket> linear{};
  while (!payload.empty()) {
    const std::size_t n = std::min(payload.size(), linear.size());
    for (std::size_t i = 0; i < n; ++i) {
      linear[i] = codec == Codec::pcmu ? ulaw_to_linear(payload[i]) : alaw_to_linear(payload[i]);
    }
    s.run(std::span<const std::int16_t>(linear.data(), n));
    payload = payload.subspan(n);
  }
  return {s.digits.data(), s.count};
}

void InbandDtmfDetector::reset() {
  state_->init();  // re-initialises the existing state in place
  state_->count = 0;
}

std::uint64_t InbandDtmfDetector::dropped_digits() const {
  return state_->dropped;
}

}  // namespace dzvin::media
