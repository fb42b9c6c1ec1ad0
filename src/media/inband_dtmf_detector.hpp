#pragma once
// DTMF sent as tones in the audio (ITU-T Q.23 pairs), for peers that negotiated no
// telephone-event: spandsp's dtmf_rx (Goertzel filters, Q.24 timing, talk-off rejection) on
// 8 kHz 16-bit PCM. A digit is reported once per tone, about 25-35 ms after the tone starts
// (spandsp confirms it over two of its blocks), not when it ends.
// spandsp stays behind the pimpl: its headers are not included here. Not thread-safe: one per
// leg, owned by the thread that receives its audio. Nothing is allocated after construction.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "media/codec.hpp"

namespace dzvin::media {

class InbandDtmfDetector {
 public:
  // The digits of one feed are kept in a fixed buffer; a feed of up to ~2.9 s of audio cannot
  // hold more (a digit takes at least 40 ms of tone and 50 ms of pause, Q.24). Digits beyond it
  // are counted in dropped_digits().
  static constexpr std::size_t kMaxDigitsPerFeed = 32;

  InbandDtmfDetector();  // throws std::bad_alloc if spandsp cannot allocate its state
  ~InbandDtmfDetector();
  InbandDtmfDetector(InbandDtmfDetector&&) noexcept;
  InbandDtmfDetector& operator=(InbandDtmfDetector&&) noexcept;
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Runs 8 kHz linear samples through the detector (any length, continuing the previous feed)
  // and returns the digits recognised in them: "0123456789*#ABCD". The view is valid until the
  // next call.
  std::string_view feed(std::span<const std::int16_t> samples);
  // The same for a G.711 payload (decoded 160 samples at a time on the stack).
  std::string_view feed(Codec codec, std::span<const std::uint8_t> payload);

  // Forgets a tone in progress (the audio source changed).
  void reset();

  std::uint64_t dropped_digits() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dzvin::media
