#pragma once
// ITU-T G.711 companding. The relay only needs the direct µ-law <-> A-law conversions (G.711
// Tables 3 and 4), applied when the two legs of a call negotiated different laws; the linear
// conversions (G.191 reference behaviour) are here for playback, recording and tones, and to
// check the direct tables in tests.
#include <array>
#include <cstdint>
#include <span>

#include "media/codec.hpp"

namespace dzvin::media {

namespace detail {
extern const std::array<std::uint8_t, 256> kUlawToAlaw;
extern const std::array<std::uint8_t, 256> kAlawToUlaw;
}  // namespace detail

// G.711 Table 3: the A-law character for a µ-law character.
inline std::uint8_t ulaw_to_alaw(std::uint8_t ulaw) {
  return detail::kUlawToAlaw[ulaw];
}
// G.711 Table 4: the µ-law character for an A-law character.
inline std::uint8_t alaw_to_ulaw(std::uint8_t alaw) {
  return detail::kAlawToUlaw[alaw];
}

// Decoder output values scaled to 16 bits (µ-law ±32124, A-law ±32256), as ITU-T G.191's
// ulaw_expand/alaw_expand produce them.
std::int16_t ulaw_to_linear(std::uint8_t ulaw);
std::int16_t alaw_to_linear(std::uint8_t alaw);
// Encoders for 16-bit linear input, as G.191's ulaw_compress/alaw_compress (the low bits a law
// cannot represent are truncated, not rounded).
std::uint8_t linear_to_ulaw(std::int16_t sample);
std::uint8_t linear_to_alaw(std::int16_t sample);

// Converts G.711 samples in place from one law to the other (one octet per sample either way);
// nothing to do when `from == to`.
void transcode(Codec from, Codec to, std::span<std::uint8_t> samples);

}  // namespace dzvin::media
