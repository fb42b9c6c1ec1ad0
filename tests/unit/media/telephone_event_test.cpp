// The RFC 4733 §2.3 payload: reading, writing, the DTMF key table.
#include "media/telephone_event.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace dzvin::media {
namespace {

TEST(TelephoneEvent, ReadsEveryField) {
  // Event 5, E set, volume 10, duration 800 (100 ms at 8 kHz).
  const std::array<std::uint8_t, 4> p = {0x05, 0x8A, 0x03, 0x20};
  const auto e = read_telephone_event(p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 5);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 800);

  const auto parsed = parse_telephone_event(p);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, *e);
}

TEST(TelephoneEvent, ReservedBitIsIgnored) {
  // R (0x40) set, E clear, volume 63, largest duration.
  const std::array<std::uint8_t, 4> p = {0x0B, 0x7F, 0xFF, 0xFF};
  const auto e = read_telephone_event(p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 11);
  EXPECT_FALSE(e->end);
  EXPECT_EQ(e->volume, 63);
  EXPECT_EQ(e->duration, 0xFFFF);
}

TEST(TelephoneEvent, ShorterThanFourOctetsIsAnError) {
  const std::array<std::uint8_t, 3> p = {0x05, 0x8A, 0x03};
  for (std::size_t n = 0; n < 4; ++n) {
    const std::span<const std::uint8_t> payload(p.data(), std::min<std::size_t>(n, p.size()));
    EXPECT_FALSE(read_telephone_event(payload)) << n;
    const auto parsed = parse_telephone_event(payload);
    ASSERT_FALSE(parsed.ok()) << n;
    EXPECT_EQ(parsed.error().code, 400);
    EXPECT_NE(parsed.error().message.find(std::to_string(payload.size()) + " octets"),
              std::string::npos)
        << parsed.error().message;
  }
}

TEST(TelephoneEvent, SeveralEventsInOnePayloadGiveTheFirst) {
  // RFC 4733 §2.5.1.5 packing: '1' ended (duration 400), then '2' going on.
  const std::array<std::uint8_t, 8> p = {0x01, 0x8A, 0x01, 0x90, 0x02, 0x0A, 0x00, 0xA0};
  const auto e = read_telephone_event(p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 1);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->duration, 400);
}

TEST(TelephoneEvent, WriteThenReadGivesTheSameEvent) {
  for (int event : {0, 9, 11, 15, 16, 255}) {
    for (bool end : {false, true}) {
      for (int volume : {0, 10, 63}) {
        for (int duration : {0, 1, 800, 0x1234, 0xFFFF}) {
          const TelephoneEvent in{static_cast<std::uint8_t>(event), end,
                                  static_cast<std::uint8_t>(volume),
                                  static_cast<std::uint16_t>(duration)};
          std::array<std::uint8_t, kTelephoneEventSize> bytes{};
          write_telephone_event(in, bytes);
          EXPECT_EQ(bytes[1] & 0x40, 0) << "R must be written as 0";
          const auto out = read_telephone_event(bytes);
          ASSERT_TRUE(out);
          EXPECT_EQ(*out, in) << event << " " << end << " " << volume << " " << duration;
        }
      }
    }
  }
}

TEST(TelephoneEvent, WritesNetworkOrderAndKeepsVolumeInSixBits) {
  std::array<std::uint8_t, kTelephoneEventSize> bytes{};
  write_telephone_event({.event = 12, .end = true, .volume = 0xFF, .duration = 0x0102}, bytes);
  EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{0x0C, 0x80 | 0x3F, 0x01, 0x02}));
}

TEST(TelephoneEvent, DtmfKeysOfEvents0To15) {
  std::string keys;
  for (int e = 0; e < 16; ++e)
    keys += dtmf_char(static_cast<std::uint8_t>(e));
  EXPECT_EQ(keys, "0123456789*#ABCD");
  for (int e = 16; e < 256; ++e) {
    EXPECT_EQ(dtmf_char(static_cast<std::uint8_t>(e)), '\0') << e;  // flash, tones: no key
  }
}

TEST(TelephoneEvent, EventOfAKeyInvertsDtmfChar) {
  for (int e = 0; e < 16; ++e) {
    const char key = dtmf_char(static_cast<std::uint8_t>(e));
    EXPECT_EQ(dtmf_event(key), e) << key;
  }
  EXPECT_EQ(dtmf_event('a'), 12);
  EXPECT_EQ(dtmf_event('d'), 15);
  for (char c : std::string("EeXx !+/:@[`{\x7f") + '\0') {
    EXPECT_FALSE(dtmf_event(c)) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace dzvin::media
