// The DTMF pieces run for every packet of a media thread: none of them may allocate there.
// Counted with the sanitizer allocator's malloc hook (it sees malloc and operator new alike),
// so these tests run in the ASan build and are skipped in the others.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <vector>

#include "media/dtmf_receiver.hpp"
#include "media/dtmf_sender.hpp"
#include "media/g711.hpp"
#include "media/inband_dtmf_detector.hpp"
#include "media/telephone_event.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define DZVIN_MALLOC_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DZVIN_MALLOC_HOOKS 1
#endif
#endif

#ifdef DZVIN_MALLOC_HOOKS
// <sanitizer/allocator_interface.h>, which GCC does not install.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
#endif

namespace dzvin::media {
namespace {

// Allocations made by this thread while an AllocationCount is alive.
thread_local bool t_counting = false;
thread_local std::size_t t_allocations = 0;

class AllocationCount {
 public:
  AllocationCount() {
    install();
    t_allocations = 0;
    t_counting = true;
  }
  ~AllocationCount() { t_counting = false; }
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;
  std::size_t allocations() const { return t_allocations; }

  static bool available() {
#ifdef DZVIN_MALLOC_HOOKS
    return true;
#else
    return false;
#endif
  }

 private:
  static void install() {
#ifdef DZVIN_MALLOC_HOOKS
    static const bool installed = [] {
      __sanitizer_install_malloc_and_free_hooks(
          [](const volatile void*, std::size_t) {
            if (t_counting) ++t_allocations;
          },
          [](const volatile void*) {});
      return true;
    }();
    (void)installed;
#endif
  }
};

#define SKIP_WITHOUT_HOOKS()                                               \
  if (!AllocationCount::available()) {                                     \
    GTEST_SKIP() << "allocations are counted in the sanitizer build only"; \
  }

TEST(DtmfAllocations, TheCounterSeesAnAllocation) {
  SKIP_WITHOUT_HOOKS();
  AllocationCount count;
  auto* p = new std::vector<int>(100);
  delete p;
  EXPECT_GE(count.allocations(), 2u);
}

TEST(DtmfAllocations, ReceiverAllocatesNothingPerPacket) {
  SKIP_WITHOUT_HOOKS();
  Rfc4733Receiver rx;
  SteadyTime now{std::chrono::hours(1)};
  std::size_t digits = 0;
  AllocationCount count;
  for (std::uint32_t k = 0; k < 200; ++k) {
    RtpHeader h;
    h.ssrc = k < 100 ? 1 : 2;  // a new source half way
    for (int i = 0; i < 6; ++i) {
      h.sequence = static_cast<std::uint16_t>(k * 6 + static_cast<std::uint32_t>(i));
      h.timestamp = k * 2400;
      h.marker = i == 0;
      std::array<std::uint8_t, kTelephoneEventSize> payload{};
      write_telephone_event({static_cast<std::uint8_t>(k % 17), i >= 3, 10,
                             static_cast<std::uint16_t>(400 * (i + 1))},
                            payload);
      now += std::chrono::milliseconds(50);
      // Every third key loses its ends: ended by the next key or by the timeout.
      if (k % 3 == 1 && i >= 3) continue;
      digits += rx.on_packet(h, payload, now).size();
      digits += rx.on_packet(h, std::span(payload).first(2), now).size();  // malformed
    }
    if (k % 6 == 1) {
      now += std::chrono::seconds(1);
      digits += rx.poll(now) ? 1 : 0;
    }
  }
  EXPECT_EQ(count.allocations(), 0u);
  EXPECT_EQ(digits, 200u);
}

TEST(DtmfAllocations, SenderAllocatesNothingPerPacket) {
  SKIP_WITHOUT_HOOKS();
  std::size_t packets = 0;
  AllocationCount count;
  SteadyTime now{std::chrono::hours(1)};
  for (std::uint8_t event = 0; event < 16; ++event) {
    DtmfSendParams p;
    p.event = event;
    p.duration = std::chrono::milliseconds(160);
    Rfc4733Sender sender(p, now);
    while (auto due = sender.next_time()) {
      now = *due;
      if (sender.next(now)) ++packets;
    }
  }
  EXPECT_EQ(count.allocations(), 0u);
  EXPECT_EQ(packets, 16u * 6);
}

TEST(DtmfAllocations, InbandDetectorAllocatesNothingPerFeed) {
  SKIP_WITHOUT_HOOKS();
  // '5' (770 + 1336 Hz) for 100 ms between silences, as 20 ms G.711 packets and linear blocks.
  std::vector<std::int16_t> linear(8000, 0);
  for (std::size_t i = 800; i < 1600; ++i) {
    const double t = static_cast<double>(i) / 8000;
    linear[i] = static_cast<std::int16_t>(5000 * std::sin(2 * 3.14159265358979 * 770 * t) +
                                          5000 * std::sin(2 * 3.14159265358979 * 1336 * t));
  }
  std::vector<std::uint8_t> ulaw;
  for (std::int16_t x : linear)
    ulaw.push_back(linear_to_ulaw(x));
  InbandDtmfDetector detector;
  std::size_t digits = 0;
  AllocationCount count;
  for (std::size_t i = 0; i < linear.size(); i += 160) {
    digits += detector.feed(std::span<const std::int16_t>(linear).subspan(i, 160)).size();
  }
  for (std::size_t i = 0; i < ulaw.size(); i += 160) {
    digits +=
        detector.feed(Codec::pcmu, std::span<const std::uint8_t>(ulaw).subspan(i, 160)).size();
  }
  detector.reset();
  EXPECT_EQ(count.allocations(), 0u);
  EXPECT_EQ(digits, 2u);
}

}  // namespace
}  // namespace dzvin::media
