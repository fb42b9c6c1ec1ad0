// Rfc4733Receiver: packet sequences as phones send them, and as the network delivers them
// (lost, repeated, reordered), each giving the keys pressed exactly once.
#include "media/dtmf_receiver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "media/telephone_event.hpp"

namespace dzvin::media {
namespace {

using std::chrono::milliseconds;

constexpr std::uint32_t kSsrc = 0x11223344;

struct Packet {
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  bool marker = false;
  std::uint8_t event = 0;
  bool end = false;
  std::uint16_t duration = 0;
  std::uint32_t ssrc = kSsrc;
};

// Drives a receiver with a fake time line; collects every event it reports.
class ReceiverScript {
 public:
  // Delivers `p` at `t` (ms after the start).
  void at(int t, const Packet& p) {
    now_ = start_ + milliseconds(t);
    RtpHeader h;
    h.marker = p.marker;
    h.payload_type = 101;
    h.sequence = p.sequence;
    h.timestamp = p.timestamp;
    h.ssrc = p.ssrc;
    std::array<std::uint8_t, kTelephoneEventSize> payload{};
    write_telephone_event({p.event, p.end, 10, p.duration}, payload);
    const ReceivedEvents got = rx.on_packet(h, payload, now_);
    EXPECT_LE(got.size(), 2u);
    events.insert(events.end(), got.begin(), got.end());
  }
  void poll(int t) {
    now_ = start_ + milliseconds(t);
    if (auto e = rx.poll(now_)) events.push_back(*e);
  }
  SteadyTime time(int t) const { return start_ + milliseconds(t); }
  std::string digits() const {
    std::string s;
    for (const auto& e : events)
      s += e.digit;
    return s;
  }

  Rfc4733Receiver rx;
  std::vector<ReceivedEvent> events;

 private:
  SteadyTime start_{std::chrono::hours(1)};
  SteadyTime now_{start_};
};

// One key as a phone sends it: updates every 50 ms (duration +400), the first marked, then
// the final packet three times. `first_sequence` and `timestamp` of the event; `updates`
// packets before the ends. Times start at `t0`.
std::vector<std::pair<int, Packet>> key_press(char key, std::uint16_t first_sequence,
                                              std::uint32_t timestamp, int updates, int t0) {
  std::vector<std::pair<int, Packet>> out;
  const std::uint8_t event = *dtmf_event(key);
  std::uint16_t seq = first_sequence;
  for (int i = 1; i <= updates; ++i) {
    out.push_back({t0 + 50 * i,
                   {seq++, timestamp, i == 1, event, false, static_cast<std::uint16_t>(400 * i)}});
  }
  const auto final_duration = static_cast<std::uint16_t>(400 * (updates + 1));
  for (int i = 0; i < 3; ++i) {
    out.push_back(
        {t0 + 50 * (updates + 1 + i), {seq++, timestamp, false, event, true, final_duration}});
  }
  return out;
}

TEST(Rfc4733Receiver, NormalEventGivesOneDigitAtTheFirstEndPacket) {
  ReceiverScript s;
  const auto packets = key_press('5', 1000, 16000, 3, 0);  // 3 updates, ends at 200 ms
  for (std::size_t i = 0; i < packets.size(); ++i) {
    s.at(packets[i].first, packets[i].second);
    // Nothing before the first end packet (index 3), exactly one from then on.
    EXPECT_EQ(s.events.size(), i < 3 ? 0u : 1u) << i;
  }
  ASSERT_EQ(s.events.size(), 1u);
  const ReceivedEvent& e = s.events[0];
  EXPECT_EQ(e.digit, '5');
  EXPECT_EQ(e.event, 5);
  EXPECT_TRUE(e.is_digit());
  EXPECT_EQ(e.duration, milliseconds(200));  // 1600 ticks at 8 kHz
  EXPECT_EQ(e.rtp_timestamp, 16000u);
  EXPECT_EQ(e.ending, EventEnding::end_bit);
  EXPECT_FALSE(s.rx.deadline());
  s.poll(10'000);
  EXPECT_EQ(s.events.size(), 1u);
}

TEST(Rfc4733Receiver, RetransmittedEndPacketsAreAbsorbed) {
  ReceiverScript s;
  for (const auto& [t, p] : key_press('9', 7, 800, 2, 0))
    s.at(t, p);
  // The network duplicated the last two ends as well (same sequence numbers).
  s.at(300, {11, 800, false, 9, true, 1200});
  s.at(310, {10, 800, false, 9, true, 1200});
  EXPECT_EQ(s.digits(), "9");
  EXPECT_EQ(s.rx.stale_packets(), 0u);
}

TEST(Rfc4733Receiver, LostStartPacketStillGivesTheDigit) {
  ReceiverScript s;
  auto packets = key_press('#', 500, 4000, 3, 0);
  packets.erase(packets.begin());  // the marked one
  for (const auto& [t, p] : packets)
    s.at(t, p);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].digit, '#');
  EXPECT_EQ(s.events[0].duration, milliseconds(200));
}

TEST(Rfc4733Receiver, OnlyTheEndPacketsArrive) {
  ReceiverScript s;
  s.at(200, {20, 4000, false, 1, true, 1600});
  s.at(250, {21, 4000, false, 1, true, 1600});
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].digit, '1');
  EXPECT_EQ(s.events[0].duration, milliseconds(200));
}

TEST(Rfc4733Receiver, AllEndsLostEndsAtTheTimeout) {
  ReceiverScript s;
  auto packets = key_press('7', 100, 8000, 3, 0);
  packets.resize(3);  // the three ends are lost; the last update (1200) arrives at 150 ms
  for (const auto& [t, p] : packets)
    s.at(t, p);
  ASSERT_TRUE(s.rx.deadline());
  EXPECT_EQ(*s.rx.deadline(), s.time(150) + Rfc4733Receiver::kDefaultTimeout);
  s.poll(150 + 249);
  EXPECT_TRUE(s.events.empty());
  s.poll(150 + 250);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].digit, '7');
  EXPECT_EQ(s.events[0].ending, EventEnding::timeout);
  EXPECT_EQ(s.events[0].duration, milliseconds(150));  // the longest duration reported
  EXPECT_FALSE(s.rx.deadline());
  // Its end packets arriving after all do not give it again.
  s.at(600, {103, 8000, false, 7, true, 1600});
  s.poll(2000);
  EXPECT_EQ(s.digits(), "7");
}

TEST(Rfc4733Receiver, AllEndsLostEndsAtTheNextEvent) {
  ReceiverScript s;
  auto first = key_press('2', 100, 8000, 3, 0);
  first.resize(3);
  for (const auto& [t, p] : first)
    s.at(t, p);
  const auto second = key_press('3', 103, 12000, 2, 200);
  s.at(second[0].first, second[0].second);  // the next key's start ends the first
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].digit, '2');
  EXPECT_EQ(s.events[0].ending, EventEnding::next_event);
  EXPECT_EQ(s.events[0].duration, milliseconds(150));
  for (std::size_t i = 1; i < second.size(); ++i)
    s.at(second[i].first, second[i].second);
  EXPECT_EQ(s.digits(), "23");
  EXPECT_EQ(s.events[1].ending, EventEnding::end_bit);
}

TEST(Rfc4733Receiver, OnePacketCanEndTwoEvents) {
  ReceiverScript s;
  s.at(50, {1, 800, true, 4, false, 400});  // '4' starts; nothing more of it arrives
  // Only the ends of the next key make it: they end '4' and are '6' themselves.
  s.at(400, {9, 4000, false, 6, true, 800});
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].digit, '4');
  EXPECT_EQ(s.events[0].ending, EventEnding::next_event);
  EXPECT_EQ(s.events[1].digit, '6');
  EXPECT_EQ(s.events[1].ending, EventEnding::end_bit);
  EXPECT_EQ(s.events[1].duration, milliseconds(100));
}

TEST(Rfc4733Receiver, TwoQuickIdenticalDigitsCountTwice) {
  ReceiverScript s;
  // "55": two presses of 100 ms, 50 ms apart; different timestamps, same code.
  for (const auto& [t, p] : key_press('5', 1, 8000, 1, 0))
    s.at(t, p);
  for (const auto& [t, p] : key_press('5', 5, 8000 + 1200, 1, 250))
    s.at(t, p);
  EXPECT_EQ(s.digits(), "55");
  EXPECT_EQ(s.events[1].rtp_timestamp, 9200u);
}

TEST(Rfc4733Receiver, ReorderedPacketsWithinAnEvent) {
  ReceiverScript s;
  // Sent: 1 (M, 400), 2 (800), 3 (1200), 4-6 (E, 1600). Delivered: 2, 1, 4, 3, 6, 5.
  s.at(100, {2, 160, false, 8, false, 800});
  s.at(101, {1, 160, true, 8, false, 400});
  s.at(200, {4, 160, false, 8, true, 1600});
  s.at(201, {3, 160, false, 8, false, 1200});
  s.at(300, {6, 160, false, 8, true, 1600});
  s.at(301, {5, 160, false, 8, true, 1600});
  ASSERT_EQ(s.digits(), "8");
  EXPECT_EQ(s.events[0].duration, milliseconds(200));
  EXPECT_EQ(s.rx.stale_packets(), 0u);
}

TEST(Rfc4733Receiver, ReorderedUpdateDoesNotShortenTheDuration) {
  ReceiverScript s;
  // Updates 1 (400), 3 (1200), then 2 (800) late; the ends are lost.
  s.at(50, {1, 160, true, 8, false, 400});
  s.at(150, {3, 160, false, 8, false, 1200});
  s.at(151, {2, 160, false, 8, false, 800});
  s.poll(151 + 250);
  ASSERT_EQ(s.digits(), "8");
  EXPECT_EQ(s.events[0].duration, milliseconds(150));
}

TEST(Rfc4733Receiver, ReorderedAcrossEvents) {
  ReceiverScript s;
  // '1' (seq 1-4) then '2' (seq 5-8); '2''s start overtakes '1''s first end, and '1''s last
  // ends come after '2' ended.
  s.at(50, {1, 1000, true, 1, false, 400});
  s.at(100, {5, 3000, true, 2, false, 400});  // '1' ends here (its ends not seen yet)
  s.at(101, {2, 1000, false, 1, true, 800});  // '1''s first end, late: absorbed
  s.at(150, {6, 3000, false, 2, true, 800});
  s.at(200, {7, 3000, false, 2, true, 800});
  s.at(201, {3, 1000, false, 1, true, 800});  // older than '2' and '1' is done: stale
  s.at(250, {8, 3000, false, 2, true, 800});
  s.at(251, {4, 1000, false, 1, true, 800});
  EXPECT_EQ(s.digits(), "12");
  EXPECT_EQ(s.events[0].ending, EventEnding::next_event);
  EXPECT_EQ(s.rx.stale_packets(), 2u);
}

TEST(Rfc4733Receiver, LongPressGivesOneDigit) {
  ReceiverScript s;
  // 3 s held: 60 updates, ends with duration 24,000.
  for (const auto& [t, p] : key_press('0', 60000, 0, 59, 0)) {
    s.at(t, p);
    s.poll(t + 10);
  }
  ASSERT_EQ(s.digits(), "0");
  EXPECT_EQ(s.events[0].duration, milliseconds(3000));
}

TEST(Rfc4733Receiver, KeyHeldPastOneSegmentIsStillOneEvent) {
  ReceiverScript s;
  // RFC 4733 §2.5.1.3: the duration field saturates at 0xFFFF (8.19 s); the event continues in
  // a segment whose timestamp is 0xFFFF later, without the marker.
  const std::uint32_t ts = 0xFFFF8000;  // the second segment's timestamp wraps past 2^32
  s.at(50, {1, ts, true, 3, false, 400});
  s.at(8190, {2, ts, false, 3, false, 0xFFFF});
  s.at(8240, {3, ts + 0xFFFF, false, 3, false, 400});
  s.at(8290, {4, ts + 0xFFFF, false, 3, true, 800});
  s.at(8340, {5, ts + 0xFFFF, false, 3, true, 800});
  ASSERT_EQ(s.digits(), "3");
  EXPECT_EQ(s.events[0].duration, milliseconds((0xFFFF + 800) / 8));
  EXPECT_EQ(s.events[0].rtp_timestamp, ts);
}

TEST(Rfc4733Receiver, NonDtmfEventsAreReportedButAreNotDigits) {
  ReceiverScript s;
  s.at(50, {1, 100, true, kEventFlash, false, 400});
  s.at(100, {2, 100, false, kEventFlash, true, 800});
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].event, kEventFlash);
  EXPECT_FALSE(s.events[0].is_digit());
  EXPECT_EQ(s.events[0].digit, '\0');
}

TEST(Rfc4733Receiver, ShortPayloadsAreCountedAndIgnored) {
  ReceiverScript s;
  s.at(50, {1, 100, true, 1, false, 400});
  RtpHeader h;
  h.sequence = 2;
  h.timestamp = 5000;
  h.ssrc = kSsrc;
  const std::array<std::uint8_t, 3> short_payload = {2, 0x80, 0};
  EXPECT_TRUE(s.rx.on_packet(h, short_payload, s.time(60)).empty());
  EXPECT_TRUE(s.rx.on_packet(h, {}, s.time(61)).empty());
  EXPECT_EQ(s.rx.malformed_packets(), 2u);
  s.at(100, {3, 100, false, 1, true, 800});  // the open event was not disturbed
  EXPECT_EQ(s.digits(), "1");
  EXPECT_EQ(s.events[0].duration, milliseconds(100));
}

TEST(Rfc4733Receiver, NewSsrcEndsTheOpenEventAndStartsAfresh) {
  ReceiverScript s;
  s.at(50, {40000, 100, true, 1, false, 400});
  // After a transfer another phone sends, with its own sequence numbers (lower: not stale).
  s.at(100, {10, 100, true, 2, false, 400, 0xAAAA});
  ASSERT_EQ(s.digits(), "1");
  EXPECT_EQ(s.events[0].ending, EventEnding::next_event);
  s.at(150, {11, 100, false, 2, true, 800, 0xAAAA});
  EXPECT_EQ(s.digits(), "12");
}

TEST(Rfc4733Receiver, SequenceNumbersWrap) {
  ReceiverScript s;
  for (const auto& [t, p] : key_press('A', 65534, 1000, 2, 0))
    s.at(t, p);
  for (const auto& [t, p] : key_press('B', 3, 3000, 2, 300))
    s.at(t, p);
  EXPECT_EQ(s.digits(), "AB");
  EXPECT_EQ(s.rx.stale_packets(), 0u);
}

TEST(Rfc4733Receiver, EveryKeyOnce) {
  ReceiverScript s;
  const std::string keys = "0123456789*#ABCD";
  std::uint16_t seq = 1;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (const auto& [t, p] : key_press(keys[i], seq, static_cast<std::uint32_t>(i * 2400), 1,
                                        static_cast<int>(i) * 300))
      s.at(t, p);
    seq = static_cast<std::uint16_t>(seq + 4);
  }
  EXPECT_EQ(s.digits(), keys);
}

TEST(Rfc4733Receiver, ResetForgetsTheOpenEvent) {
  ReceiverScript s;
  s.at(50, {1, 100, true, 1, false, 400});
  s.rx.reset();
  EXPECT_FALSE(s.rx.deadline());
  s.poll(1000);
  EXPECT_TRUE(s.events.empty());
  s.at(1050, {1, 100, true, 1, true, 400});  // same sequence as before the reset: not a duplicate
  EXPECT_EQ(s.digits(), "1");
}

TEST(Rfc4733Receiver, CustomTimeout) {
  ReceiverScript s;
  s.rx = Rfc4733Receiver(milliseconds(100));
  s.at(50, {1, 100, true, 1, false, 400});
  s.poll(149);
  EXPECT_TRUE(s.events.empty());
  s.poll(150);
  EXPECT_EQ(s.digits(), "1");
}

}  // namespace
}  // namespace dzvin::media
