#include "sip/location_service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "registrar_fixture.hpp"

namespace dzvin::sip {
namespace {

using testing::RecordingStore;

class LocationServiceTest : public ::testing::Test {
 protected:
  LocationServiceTest() {
    locations.on_change([this](const RegistrationChange& c) {
      changes.push_back(std::string(c.kind == RegistrationChange::Kind::registered     ? "+"
                                    : c.kind == RegistrationChange::Kind::unregistered ? "-"
                                                                                       : "x") +
                        std::string(c.contact) + "/" + std::to_string(c.contacts_now));
    });
  }
  UpdateError apply(std::string_view call_id, std::uint32_t cseq,
                    std::vector<ContactUpdate> contacts, bool remove_all = false,
                    std::string_view aor = "1001@pbx.test") {
    RegisterUpdate u;
    u.tenant_id = 1;
    u.aor = aor;
    u.call_id = call_id;
    u.cseq = cseq;
    u.source = &peer;
    u.user_agent = "test-phone/1.0";
    u.remove_all = remove_all;
    u.contacts = contacts;
    return locations.apply(u);
  }
  void advance(std::chrono::seconds s) {
    clock.advance(s);
    timers.run_due(clock.now());
  }

  FakeClock clock;
  TimerQueue timers;
  RecordingStore store;
  LocationService locations{timers, clock, store};
  Peer peer{TransportKind::udp, IpEndpoint{IpAddress::v4_loopback(), 5062}, {}, 0};
  std::vector<std::string> changes;
};

TEST_F(LocationServiceTest, AddsRefreshesAndRemoves) {
  EXPECT_EQ(apply("c1", 1, {{"sip:a@192.0.2.1", 3600, 1000}}), UpdateError::none);
  ASSERT_EQ(locations.find("1001@pbx.test").size(), 1u);
  const Binding& b = locations.find("1001@pbx.test")[0].binding;
  EXPECT_EQ(b.contact, "sip:a@192.0.2.1");
  EXPECT_EQ(b.user_agent, "test-phone/1.0");
  EXPECT_EQ(b.source.remote.port, 5062);
  EXPECT_EQ(b.expires_at, clock.wall_now() + std::chrono::seconds(3600));

  EXPECT_EQ(apply("c1", 2, {{"sip:a@192.0.2.1", 600, 500}}), UpdateError::none);
  ASSERT_EQ(locations.find("1001@pbx.test").size(), 1u);
  EXPECT_EQ(locations.find("1001@pbx.test")[0].binding.cseq, 2u);
  EXPECT_EQ(locations.find("1001@pbx.test")[0].binding.q_milli, 500);

  EXPECT_EQ(apply("c1", 3, {{"sip:a@192.0.2.1", 0, 1000}}), UpdateError::none);
  EXPECT_TRUE(locations.find("1001@pbx.test").empty());
  EXPECT_EQ(locations.aor_count(), 0u);
  EXPECT_EQ(locations.binding_count(), 0u);
  EXPECT_EQ(timers.size(), 0u);

  ASSERT_EQ(store.ops.size(), 3u);
  EXPECT_FALSE(store.ops[0].remove);
  EXPECT_EQ(store.ops[1].cseq, 2u);
  EXPECT_TRUE(store.ops[2].remove);
  EXPECT_EQ(changes, (std::vector<std::string>{"+sip:a@192.0.2.1/1", "-sip:a@192.0.2.1/0"}));
}

TEST_F(LocationServiceTest, ContactsCompareAsUris) {
  ASSERT_EQ(apply("c1", 1, {{"sip:a@EXAMPLE.com;transport=udp", 3600, 1000}}), UpdateError::none);
  ASSERT_EQ(apply("c1", 2, {{"sip:a@example.com;Transport=UDP", 3600, 1000}}), UpdateError::none);
  EXPECT_EQ(locations.binding_count(), 1u);
}

TEST_F(LocationServiceTest, OutOfOrderCSeqAbortsTheWholeRequest) {
  ASSERT_EQ(apply("c1", 5, {{"sip:a@192.0.2.1", 3600, 1000}}), UpdateError::none);
  // §10.3 step 7: same Call-ID, lower or equal CSeq.
  EXPECT_EQ(apply("c1", 5, {{"sip:b@192.0.2.2", 3600, 1000}, {"sip:a@192.0.2.1", 60, 1000}}),
            UpdateError::out_of_order);
  EXPECT_EQ(apply("c1", 4, {{"sip:a@192.0.2.1", 60, 1000}}), UpdateError::out_of_order);
  EXPECT_EQ(locations.binding_count(), 1u);  // b was not added
  // Another Call-ID (the phone rebooted) may use any CSeq.
  EXPECT_EQ(apply("c2", 1, {{"sip:a@192.0.2.1", 60, 1000}}), UpdateError::none);
  EXPECT_EQ(locations.find("1001@pbx.test")[0].binding.call_id, "c2");
}

TEST_F(LocationServiceTest, WildcardRemovesAllButRespectsOrdering) {
  ASSERT_EQ(apply("c1", 1, {{"sip:a@192.0.2.1", 3600, 1000}, {"sip:b@192.0.2.2", 3600, 1000}}),
            UpdateError::none);
  EXPECT_EQ(apply("c1", 1, {}, true), UpdateError::out_of_order);
  EXPECT_EQ(locations.binding_count(), 2u);
  EXPECT_EQ(apply("c1", 2, {}, true), UpdateError::none);
  EXPECT_EQ(locations.binding_count(), 0u);
  EXPECT_EQ(timers.size(), 0u);
  EXPECT_EQ(apply("c1", 3, {}, true), UpdateError::none);  // nothing left: still fine
}

TEST_F(LocationServiceTest, BoundsContactsPerAor) {
  std::vector<ContactUpdate> ten;
  std::vector<std::string> uris;
  for (int i = 0; i < 11; ++i)
    uris.push_back("sip:p" + std::to_string(i) + "@192.0.2.1");
  for (int i = 0; i < 10; ++i)
    ten.push_back({uris[static_cast<std::size_t>(i)], 3600, 1000});
  ASSERT_EQ(apply("c1", 1, ten), UpdateError::none);
  EXPECT_EQ(apply("c1", 2, {{uris[10], 3600, 1000}}), UpdateError::too_many_contacts);
  // Replacing one in the same request fits.
  EXPECT_EQ(apply("c1", 3, {{uris[0], 0, 1000}, {uris[10], 3600, 1000}}), UpdateError::none);
  EXPECT_EQ(locations.binding_count(), 10u);
}

TEST_F(LocationServiceTest, ExpiresOnTheTimerQueue) {
  ASSERT_EQ(apply("c1", 1, {{"sip:short@192.0.2.1", 60, 1000}, {"sip:long@192.0.2.1", 120, 1000}}),
            UpdateError::none);
  EXPECT_EQ(timers.size(), 1u);  // one timer per AoR
  advance(std::chrono::seconds(59));
  EXPECT_EQ(locations.binding_count(), 2u);
  advance(std::chrono::seconds(2));
  ASSERT_EQ(locations.binding_count(), 1u);
  EXPECT_EQ(locations.find("1001@pbx.test")[0].binding.contact, "sip:long@192.0.2.1");
  EXPECT_TRUE(store.ops.back().remove);
  EXPECT_EQ(store.ops.back().contact, "sip:short@192.0.2.1");
  advance(std::chrono::seconds(60));
  EXPECT_EQ(locations.binding_count(), 0u);
  EXPECT_EQ(locations.aor_count(), 0u);
  EXPECT_EQ(timers.size(), 0u);
  EXPECT_EQ(changes.back(), "xsip:long@192.0.2.1/0");
}

TEST_F(LocationServiceTest, RefreshKeepsOneTimerAndMovesExpiry) {
  ASSERT_EQ(apply("c1", 1, {{"sip:a@192.0.2.1", 60, 1000}}), UpdateError::none);
  for (std::uint32_t i = 2; i < 50; ++i) {
    advance(std::chrono::seconds(30));
    ASSERT_EQ(apply("c1", i, {{"sip:a@192.0.2.1", 60, 1000}}), UpdateError::none);
    ASSERT_LE(timers.size(), 1u);
    ASSERT_EQ(locations.binding_count(), 1u);
  }
  advance(std::chrono::seconds(61));
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(LocationServiceTest, ShorterRefreshReschedules) {
  ASSERT_EQ(apply("c1", 1, {{"sip:a@192.0.2.1", 3600, 1000}}), UpdateError::none);
  ASSERT_EQ(apply("c1", 2, {{"sip:a@192.0.2.1", 60, 1000}}), UpdateError::none);
  advance(std::chrono::seconds(61));
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(LocationServiceTest, RestoreSkipsExpiredAndArmsTimers) {
  std::vector<Binding> saved(2);
  saved[0].aor = "1002@pbx.test";
  saved[0].contact = "sip:x@192.0.2.9";
  saved[0].expires_at = clock.wall_now() + std::chrono::seconds(100);
  saved[1].aor = "1003@pbx.test";
  saved[1].contact = "sip:y@192.0.2.9";
  saved[1].expires_at = clock.wall_now() - std::chrono::seconds(1);
  locations.restore(saved);
  EXPECT_EQ(locations.binding_count(), 1u);
  EXPECT_TRUE(store.ops.empty());  // restoring does not write back
  advance(std::chrono::seconds(101));
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(LocationServiceTest, MemoryPerBindingWellUnder2KiB) {
  const std::string contact =
      "sip:1001@192.168.100.123:5060;transport=udp;rinstance=6f8d1a2b3c4d5e6f";
  const std::string call_id = "1fb2ae5c-2d3c4b5a-6978a1b2@192.168.100.123";
  std::vector<std::string> aors;
  for (int i = 0; i < 2000; ++i)
    aors.push_back("u" + std::to_string(10000 + i) + "@pbx.example.com");
  for (const auto& aor : aors) {
    RegisterUpdate u;
    u.tenant_id = 1;
    u.aor = aor;
    u.call_id = call_id;
    u.cseq = 1;
    u.source = &peer;
    u.user_agent = "Yealink SIP-T46S 66.86.0.15";
    const ContactUpdate c{contact, 3600, 1000};
    u.contacts = {&c, 1};
    ASSERT_EQ(locations.apply(u), UpdateError::none);
  }
  const double per_binding = static_cast<double>(locations.memory_bytes()) /
                             static_cast<double>(locations.binding_count());
  std::printf(
      "location service: %.0f bytes per binding (sizeof(LocationEntry)=%zu, sizeof(Binding)=%zu)\n",
      per_binding, sizeof(LocationEntry), sizeof(Binding));
  EXPECT_LT(per_binding, 1024.0);
  EXPECT_GT(per_binding, static_cast<double>(sizeof(LocationEntry)));
}

}  // namespace
}  // namespace dzvin::sip
