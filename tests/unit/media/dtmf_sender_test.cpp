// Rfc4733Sender: the packets of one event, their bytes and their times; and what an
// Rfc4733Receiver makes of them, with and without losses.
#include "media/dtmf_sender.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "media/dtmf_receiver.hpp"

namespace dzvin::media {
namespace {

using std::chrono::milliseconds;

const SteadyTime kStart{std::chrono::hours(2)};

struct Sent {
  RtpHeader header;
  TelephoneEvent event;
  milliseconds at{};  // after kStart
  std::vector<std::uint8_t> bytes;
};

// Runs the sender as a media thread would: wait until next_time(), take the packet.
std::vector<Sent> send_all(Rfc4733Sender& sender) {
  std::vector<Sent> out;
  while (auto due = sender.next_time()) {
    EXPECT_FALSE(sender.next(*due - std::chrono::microseconds(1))) << "given before it is due";
    const auto packet = sender.next(*due);
    if (!packet) {
      ADD_FAILURE() << "no packet at next_time()";
      break;
    }
    EXPECT_EQ(packet->send_at, *due);
    Sent s;
    s.bytes.assign(packet->data().begin(), packet->data().end());
    EXPECT_EQ(parse_rtp_header(packet->data(), s.header), RtpDefect::none);
    EXPECT_EQ(s.header.payload_offset, kRtpFixedHeaderSize);
    EXPECT_EQ(s.header.payload_size, kTelephoneEventSize);
    const auto e = read_telephone_event(packet->data().subspan(kRtpFixedHeaderSize));
    EXPECT_TRUE(e);
    if (e) s.event = *e;
    s.at = std::chrono::duration_cast<milliseconds>(*due - kStart);
    out.push_back(s);
  }
  EXPECT_TRUE(sender.done());
  return out;
}

DtmfSendParams params_for(char key) {
  DtmfSendParams p;
  p.payload_type = 101;
  p.ssrc = 0xCAFEBABE;
  p.sequence = 1000;
  p.timestamp = 16000;
  p.event = *dtmf_event(key);
  return p;
}

TEST(Rfc4733Sender, DefaultKeyPress) {
  Rfc4733Sender sender(params_for('5'), kStart);  // 100 ms, every 50 ms
  EXPECT_EQ(sender.packet_count(), 4);
  EXPECT_FALSE(sender.next(kStart)) << "the first packet is due one interval after the start";
  const auto sent = send_all(sender);
  ASSERT_EQ(sent.size(), 4u);
  const int times[] = {50, 100, 150, 200};
  const int durations[] = {400, 800, 800, 800};
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Sent& s = sent[i];
    EXPECT_EQ(s.at, milliseconds(times[i])) << i;
    EXPECT_EQ(s.header.marker, i == 0) << i;
    EXPECT_EQ(s.header.payload_type, 101);
    EXPECT_EQ(s.header.sequence, static_cast<std::uint16_t>(1000 + i));
    EXPECT_EQ(s.header.timestamp, 16000u) << "one timestamp for the whole event";
    EXPECT_EQ(s.header.ssrc, 0xCAFEBABE);
    EXPECT_EQ(s.event.event, 5);
    EXPECT_EQ(s.event.end, i >= 1) << i;
    EXPECT_EQ(s.event.volume, 10);
    EXPECT_EQ(s.event.duration, durations[i]) << i;
  }
  // The whole first packet, octet by octet.
  EXPECT_EQ(sent[0].bytes,
            (std::vector<std::uint8_t>{0x80, 0x80 | 101, 0x03, 0xE8, 0x00, 0x00, 0x3E, 0x80, 0xCA,
                                       0xFE, 0xBA, 0xBE, 0x05, 0x0A, 0x01, 0x90}));
  EXPECT_EQ(sender.next_sequence(), 1004);
  EXPECT_EQ(sender.end_timestamp(), 16800u);
  EXPECT_FALSE(sender.next(kStart + std::chrono::hours(1)));
}

TEST(Rfc4733Sender, UpdatesEvery50MsThenThreeEnds) {
  DtmfSendParams p = params_for('#');
  p.duration = milliseconds(320);
  Rfc4733Sender sender(p, kStart);
  const auto sent = send_all(sender);
  // Updates at 50..300 (duration +400 each), the end at 320 (2560), repeated at 370 and 420.
  ASSERT_EQ(sent.size(), 9u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(sent[i].at, milliseconds(50 * (i + 1))) << i;
    EXPECT_EQ(sent[i].event.duration, 400 * (i + 1)) << i;
    EXPECT_FALSE(sent[i].event.end) << i;
  }
  for (int i = 6; i < 9; ++i) {
    EXPECT_EQ(sent[i].at, milliseconds(320 + 50 * (i - 6))) << i;
    EXPECT_EQ(sent[i].event.duration, 2560) << i;
    EXPECT_TRUE(sent[i].event.end) << i;
    EXPECT_FALSE(sent[i].header.marker) << i;
  }
}

TEST(Rfc4733Sender, KeyShorterThanAnInterval) {
  DtmfSendParams p = params_for('1');
  p.duration = milliseconds(40);
  Rfc4733Sender sender(p, kStart);
  const auto sent = send_all(sender);
  ASSERT_EQ(sent.size(), 3u);  // the first packet is also the final one: marker and E
  EXPECT_TRUE(sent[0].header.marker);
  EXPECT_TRUE(sent[0].event.end);
  EXPECT_EQ(sent[0].at, milliseconds(40));
  EXPECT_EQ(sent[2].at, milliseconds(140));
  EXPECT_EQ(sent[2].event.duration, 320);
}

TEST(Rfc4733Sender, ClampsDurationIntervalAndVolume) {
  DtmfSendParams p = params_for('D');
  p.duration = milliseconds(5);
  p.interval = milliseconds(0);
  p.volume = 200;
  Rfc4733Sender short_press(p, kStart);
  const auto sent = send_all(short_press);
  // 40 ms at 10 ms: 4 updates + 2 repeats.
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[0].at, milliseconds(10));
  EXPECT_EQ(sent.back().event.duration, 320);
  EXPECT_EQ(sent.back().event.volume, 63);

  p.duration = std::chrono::seconds(20);
  p.interval = std::chrono::hours(1);
  Rfc4733Sender long_press(p, kStart);
  const auto long_sent = send_all(long_press);
  // 8,191 ms (the 16-bit field at 8 kHz) at 1 s: 8 updates, the end at 8,191, two repeats.
  ASSERT_EQ(long_sent.size(), 11u);
  EXPECT_EQ(long_sent[0].at, milliseconds(1000));
  EXPECT_EQ(long_sent[0].event.duration, 8000);
  EXPECT_EQ(long_sent[8].at, milliseconds(8191));
  EXPECT_TRUE(long_sent[8].event.end);
  EXPECT_EQ(long_sent[8].event.duration, 8191 * 8);
  EXPECT_EQ(long_sent[10].at, milliseconds(10191));
  EXPECT_EQ(long_press.end_timestamp(), 16000u + 8191 * 8);
}

TEST(Rfc4733Sender, LateCallerGetsEveryPacketInOrder) {
  Rfc4733Sender sender(params_for('3'), kStart);
  const SteadyTime late = kStart + std::chrono::seconds(1);
  std::vector<std::uint16_t> sequences;
  while (auto packet = sender.next(late)) {
    RtpHeader h;
    ASSERT_EQ(parse_rtp_header(packet->data(), h), RtpDefect::none);
    sequences.push_back(h.sequence);
  }
  EXPECT_EQ(sequences, (std::vector<std::uint16_t>{1000, 1001, 1002, 1003}));
  EXPECT_TRUE(sender.done());
}

TEST(Rfc4733Sender, SequenceNumbersWrap) {
  DtmfSendParams p = params_for('0');
  p.sequence = 65534;
  Rfc4733Sender sender(p, kStart);
  const auto sent = send_all(sender);
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[1].header.sequence, 65535);
  EXPECT_EQ(sent[2].header.sequence, 0);
  EXPECT_EQ(sender.next_sequence(), 2);
}

// Sender -> receiver: every key once, with its duration, whatever the loss pattern keeps.
class SenderToReceiver : public ::testing::TestWithParam<std::vector<bool>> {};

TEST_P(SenderToReceiver, EveryKeyOnce) {
  const std::vector<bool>& lost = GetParam();  // by packet index (4 packets a key)
  const std::string keys = "0123456789*#ABCD";
  Rfc4733Receiver rx;
  std::string got;
  std::uint16_t sequence = 1;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    DtmfSendParams p = params_for(keys[k]);
    p.sequence = sequence;
    p.timestamp = static_cast<std::uint32_t>(k * 8000);  // a key a second
    const SteadyTime start = kStart + std::chrono::seconds(k);
    Rfc4733Sender sender(p, start);
    for (int i = 0; auto due = sender.next_time(); ++i) {
      const auto packet = sender.next(*due);
      ASSERT_TRUE(packet);
      if (auto e = rx.poll(*due)) got += e->digit;
      if (lost[static_cast<std::size_t>(i)]) continue;
      RtpHeader h;
      ASSERT_EQ(parse_rtp_header(packet->data(), h), RtpDefect::none);
      for (const auto& e :
           rx.on_packet(h, packet->data().subspan(h.payload_offset, h.payload_size), *due)) {
        got += e.digit;
        EXPECT_EQ(e.duration,
                  e.ending == EventEnding::end_bit ? milliseconds(100) : milliseconds(50));
      }
    }
    sequence = sender.next_sequence();
  }
  if (auto e = rx.poll(kStart + std::chrono::hours(1))) got += e->digit;
  EXPECT_EQ(got, keys);
}

INSTANTIATE_TEST_SUITE_P(LossPatterns, SenderToReceiver,
                         ::testing::Values(std::vector<bool>{false, false, false, false},
                                           std::vector<bool>{true, false, false, false},
                                           std::vector<bool>{false, true, false, true},
                                           std::vector<bool>{false, true, true, true},
                                           std::vector<bool>{true, false, true, true}));

}  // namespace
}  // namespace dzvin::media
