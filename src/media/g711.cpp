#include "media/g711.hpp"

namespace dzvin::media {

namespace {

// G.711 numbers the 128 decoder output values of each sign from the smallest magnitude (0)
// to the largest (127). On the wire a µ-law character is the complement of sign|number; an
// A-law character is sign|number with the even bits inverted (XOR 0x55). Sign bit 1 = positive.

// G.711 Table 3, µ-law to A-law, as µ-law number -> A-law number. µ-law spends more values on
// small signals (its first 16 values pair up onto 8 A-law ones), A-law on the middle range.
constexpr int ulaw_number_to_alaw_number(int n) {
  if (n < 16) return n >> 1;
  if (n < 32) return n - 8;
  if (n < 36) return 24 + 2 * (n - 32);
  if (n < 48) return n - 4;
  if (n == 48) return 45;
  if (n < 64) return n - 2;
  if (n < 81) return n - 1;
  return n;
}

// G.711 Table 4, A-law to µ-law, as A-law number -> µ-law number.
constexpr int alaw_number_to_ulaw_number(int n) {
  if (n < 8) return 2 * n + 1;
  if (n < 24) return n + 8;
  if (n < 32) return 32 + (n - 24) / 2;
  if (n < 44) return n + 4;
  if (n < 48) return 48 + (n - 44) / 2;
  if (n < 62) return n + 2;
  if (n < 64) return 64;
  if (n < 79) return n + 1;
  if (n < 81) return 80;
  return n;
}

constexpr std::array<std::uint8_t, 256> make_ulaw_to_alaw() {
  std::array<std::uint8_t, 256> table{};
  for (int u = 0; u < 256; ++u) {
    const int sign = u & 0x80;
    const int number = ~u & 0x7F;
    table[static_cast<std::size_t>(u)] =
        static_cast<std::uint8_t>((sign | ulaw_number_to_alaw_number(number)) ^ 0x55);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> make_alaw_to_ulaw() {
  std::array<std::uint8_t, 256> table{};
  for (int a = 0; a < 256; ++a) {
    const int sign = a & 0x80;
    const int number = (a ^ 0x55) & 0x7F;
    table[static_cast<std::size_t>(a)] =
        static_cast<std::uint8_t>((sign | 0x7F) ^ alaw_number_to_ulaw_number(number));
  }
  return table;
}

}  // namespace

namespace detail {
constinit const std::array<std::uint8_t, 256> kUlawToAlaw = make_ulaw_to_alaw();
constinit const std::array<std::uint8_t, 256> kAlawToUlaw = make_alaw_to_ulaw();
}  // namespace detail

std::int16_t ulaw_to_linear(std::uint8_t ulaw) {
  const int complemented = ~ulaw & 0xFF;
  const int exponent = (complemented >> 4) & 0x07;
  const int mantissa = complemented & 0x0F;
  const int step = 4 << (exponent + 1);
  // G.191 ulaw_expand: segment base + mantissa steps + half a step, minus the bias of 33.
  const int magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
  return static_cast<std::int16_t>(ulaw < 0x80 ? -magnitude : magnitude);
}

std::int16_t alaw_to_linear(std::uint8_t alaw) {
  const int ix = (alaw ^ 0x55) & 0x7F;
  const int exponent = ix >> 4;
  int mantissa = ix & 0x0F;
  if (exponent > 0) mantissa += 16;  // implicit leading one above segment 0
  mantissa = (mantissa << 4) + 8;    // middle of the quantisation interval
  if (exponent > 1) mantissa <<= exponent - 1;
  return static_cast<std::int16_t>((alaw & 0x80) ? mantissa : -mantissa);
}

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  const int x = sample;
  // One's complement magnitude for negative input (G.191), 14 bits, plus the bias of 33.
  int biased = (x < 0 ? (~x) >> 2 : x >> 2) + 33;
  if (biased > 0x1FFF) biased = 0x1FFF;
  int segment = 1;
  for (int i = biased >> 6; i != 0; i >>= 1)
    ++segment;
  const int high = 8 - segment;
  const int low = 0x0F - ((biased >> segment) & 0x0F);
  int out = (high << 4) | low;
  if (x >= 0) out |= 0x80;
  return static_cast<std::uint8_t>(out);
}

std::uint8_t linear_to_alaw(std::int16_t sample) {
  const int x = sample;
  int ix = x < 0 ? (~x) >> 4 : x >> 4;  // 12-bit magnitude
  if (ix > 15) {
    int exponent = 1;
    while (ix > 31) {
      ix >>= 1;
      ++exponent;
    }
    ix -= 16;  // drop the implicit leading one
    ix += exponent << 4;
  }
  if (x >= 0) ix |= 0x80;
  return static_cast<std::uint8_t>(ix ^ 0x55);
}

void transcode(Codec from, Codec to, std::span<std::uint8_t> samples) {
  if (from == to) return;
  const auto& table = from == Codec::pcmu ? detail::kUlawToAlaw : detail::kAlawToUlaw;
  for (auto& s : samples)
    s = table[s];
}

}  // namespace dzvin::media
