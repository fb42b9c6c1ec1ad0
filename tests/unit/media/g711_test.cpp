// G.711: the direct µ-law <-> A-law tables (Tables 3 and 4) and the linear reference.
#include "media/g711.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <vector>

namespace dzvin::media {
namespace {

// G.711 Tables 5 and 6: the "digital milliwatt", a 1 kHz sine at 0 dBm0, in each law.
constexpr std::array<std::uint8_t, 8> kUlawMilliwatt = {0x1E, 0x0B, 0x0B, 0x1E,
                                                        0x9E, 0x8B, 0x8B, 0x9E};
constexpr std::array<std::uint8_t, 8> kAlawMilliwatt = {0x34, 0x21, 0x21, 0x34,
                                                        0xB4, 0xA1, 0xA1, 0xB4};

TEST(G711Linear, KnownDecoderValues) {
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);  // +0
  EXPECT_EQ(ulaw_to_linear(0x7F), 0);  // -0
  EXPECT_EQ(ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(ulaw_to_linear(0x00), -32124);
  EXPECT_EQ(ulaw_to_linear(0xFE), 8);
  EXPECT_EQ(ulaw_to_linear(0x7E), -8);
  EXPECT_EQ(alaw_to_linear(0xD5), 8);  // smallest positive value
  EXPECT_EQ(alaw_to_linear(0x55), -8);
  EXPECT_EQ(alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(alaw_to_linear(0x2A), -32256);
  // The milliwatt peaks at about ±0.64 of full scale in both laws.
  EXPECT_EQ(ulaw_to_linear(0x8B), 20860);
  EXPECT_EQ(alaw_to_linear(0xA1), 20992);
}

TEST(G711Linear, EncoderInvertsDecoderForEveryCode) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(linear_to_alaw(alaw_to_linear(code)), code) << c;
    // µ-law has two zeros; both decode to 0, which encodes as +0 (0xFF).
    const std::uint8_t expected = code == 0x7F ? 0xFF : code;
    EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(code)), expected) << c;
  }
}

TEST(G711Linear, EncodersAreMonotonicAndSaturate) {
  int previous_u = -1;
  int previous_a = -1;
  for (int x = -32768; x <= 32767; ++x) {
    // Order the codes by the value they decode to; it must never go down as x goes up.
    const int u = ulaw_to_linear(linear_to_ulaw(static_cast<std::int16_t>(x)));
    const int a = alaw_to_linear(linear_to_alaw(static_cast<std::int16_t>(x)));
    if (x > -32768) {
      ASSERT_GE(u, previous_u) << x;
      ASSERT_GE(a, previous_a) << x;
    }
    previous_u = u;
    previous_a = a;
  }
  EXPECT_EQ(linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(linear_to_alaw(-32768), 0x2A);
}

TEST(G711Direct, DigitalMilliwattMapsOntoItself) {
  for (std::size_t i = 0; i < kUlawMilliwatt.size(); ++i) {
    EXPECT_EQ(ulaw_to_alaw(kUlawMilliwatt[i]), kAlawMilliwatt[i]) << i;
    EXPECT_EQ(alaw_to_ulaw(kAlawMilliwatt[i]), kUlawMilliwatt[i]) << i;
  }
}

TEST(G711Direct, KnownEntries) {
  EXPECT_EQ(ulaw_to_alaw(0xFF), 0xD5);  // +0 -> smallest positive A-law value
  EXPECT_EQ(ulaw_to_alaw(0x7F), 0x55);
  EXPECT_EQ(ulaw_to_alaw(0x80), 0xAA);  // full scale to full scale
  EXPECT_EQ(ulaw_to_alaw(0x00), 0x2A);
  EXPECT_EQ(alaw_to_ulaw(0xD5), 0xFE);  // A-law's smallest value is µ-law's second
  EXPECT_EQ(alaw_to_ulaw(0xAA), 0x80);
  EXPECT_EQ(alaw_to_ulaw(0x2A), 0x00);
}

TEST(G711Direct, SignSymmetric) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(ulaw_to_alaw(code ^ 0x80), ulaw_to_alaw(code) ^ 0x80) << c;
    EXPECT_EQ(alaw_to_ulaw(code ^ 0x80), alaw_to_ulaw(code) ^ 0x80) << c;
  }
}

// The direct tables are not "decode then encode": they pick one of the two neighbouring
// values. Against the linear reference they are never more than one quantisation step of
// the target law away, and differ from re-encoding only in few places.
TEST(G711Direct, WithinOneStepOfTheLinearReference) {
  int differs_u2a = 0;
  int differs_a2u = 0;
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    const std::uint8_t direct_a = ulaw_to_alaw(code);
    const std::uint8_t reencoded_a = linear_to_alaw(ulaw_to_linear(code));
    if (direct_a != reencoded_a) {
      ++differs_u2a;
      if (code == 0x7F) {
        // µ-law -0 decodes to 0, which A-law encodes as +8; the table keeps the sign.
        EXPECT_EQ(direct_a, 0x55);
        EXPECT_EQ(reencoded_a, 0xD5);
      } else {
        // Neighbouring A-law codes: numbers differ by one (the XOR 0x55 undone).
        EXPECT_EQ(std::abs(((direct_a ^ 0x55) & 0x7F) - ((reencoded_a ^ 0x55) & 0x7F)), 1) << c;
      }
    }
    const std::uint8_t direct_u = alaw_to_ulaw(code);
    const std::uint8_t reencoded_u = linear_to_ulaw(alaw_to_linear(code));
    if (direct_u != reencoded_u) {
      ++differs_a2u;
      EXPECT_EQ(std::abs((~direct_u & 0x7F) - (~reencoded_u & 0x7F)), 1) << c;
    }
  }
  EXPECT_EQ(differs_u2a, 44);
  EXPECT_EQ(differs_a2u, 32);
}

TEST(G711Direct, MonotonicInMagnitude) {
  // Walk positive µ-law values from the smallest (0xFF) to the largest (0x80).
  int previous = -1;
  for (int u = 0xFF; u >= 0x80; --u) {
    const int a = alaw_to_linear(ulaw_to_alaw(static_cast<std::uint8_t>(u)));
    EXPECT_GE(a, previous) << u;
    previous = a;
  }
  previous = -1;
  for (int n = 0; n < 128; ++n) {
    const auto a = static_cast<std::uint8_t>((0x80 | n) ^ 0x55);
    const int u = ulaw_to_linear(alaw_to_ulaw(a));
    EXPECT_GE(u, previous) << n;
    previous = u;
  }
}

// A-law -> µ-law -> A-law returns the original code for 240 of the 256 codes: the direct
// tables lose information only where one law is coarser than the other.
TEST(G711Direct, RoundTrips) {
  int same_a = 0;
  int same_u = 0;
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    same_a += ulaw_to_alaw(alaw_to_ulaw(code)) == code;
    same_u += alaw_to_ulaw(ulaw_to_alaw(code)) == code;
  }
  EXPECT_EQ(same_a, 240);
  EXPECT_EQ(same_u, 240);
  // A second round trip changes nothing more.
  for (int c = 0; c < 256; ++c) {
    const auto once = ulaw_to_alaw(alaw_to_ulaw(static_cast<std::uint8_t>(c)));
    EXPECT_EQ(ulaw_to_alaw(alaw_to_ulaw(once)), once) << c;
  }
}

TEST(G711Transcode, InPlaceBothWaysAndNoOpForSameLaw) {
  std::vector<std::uint8_t> samples(kUlawMilliwatt.begin(), kUlawMilliwatt.end());
  transcode(Codec::pcmu, Codec::pcmu, samples);
  EXPECT_TRUE(std::equal(samples.begin(), samples.end(), kUlawMilliwatt.begin()));
  transcode(Codec::pcmu, Codec::pcma, samples);
  EXPECT_TRUE(std::equal(samples.begin(), samples.end(), kAlawMilliwatt.begin()));
  transcode(Codec::pcma, Codec::pcmu, samples);
  EXPECT_TRUE(std::equal(samples.begin(), samples.end(), kUlawMilliwatt.begin()));
}

}  // namespace
}  // namespace dzvin::media
