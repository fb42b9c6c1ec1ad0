#include "store/registration_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/location_service.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

using namespace std::chrono_literals;

class RegistrationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("dzvin.db");
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
  }
  std::unique_ptr<SqliteBindingStore> open_store(BindingStoreOptions options = {}) {
    auto s = SqliteBindingStore::open(path, clock, options);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }
  std::vector<sip::Binding> rows() {
    auto db = Database::open(path, DatabaseOptions{1000, true});
    EXPECT_TRUE(db);
    auto list = list_registrations(*db, clock.wall_now());
    EXPECT_TRUE(list);
    return list ? *list : std::vector<sip::Binding>{};
  }
  sip::Binding binding(const std::string& user, const std::string& contact,
                       std::chrono::seconds ttl) {
    sip::Binding b;
    b.tenant_id = 1;
    b.aor = user + "@pbx.test";
    b.contact = contact;
    b.call_id = "cid-" + user;
    b.cseq = 7;
    b.expires_at = std::chrono::time_point_cast<std::chrono::seconds>(clock.wall_now() + ttl);
    b.q_milli = 500;
    b.source.kind = sip::TransportKind::tcp;
    b.source.remote = *IpEndpoint::parse("[2001:db8::7]:5070", 5060);
    b.source.connection_id = 42;
    b.user_agent = "phone/2";
    return b;
  }

  testing::TempDir dir;
  std::string path;
  FakeClock clock;
};

TEST(SourceColumn, RoundTrips) {
  sip::Peer p;
  p.kind = sip::TransportKind::udp;
  p.remote = *IpEndpoint::parse("192.0.2.1:5060", 5060);
  EXPECT_EQ(format_source(p), "udp:192.0.2.1:5060#0");
  p.kind = sip::TransportKind::tcp;
  p.remote = *IpEndpoint::parse("[::1]:5070", 5060);
  p.connection_id = 17;
  const std::string text = format_source(p);
  EXPECT_EQ(text, "tcp:[::1]:5070#17");
  auto back = parse_source(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->remote, p.remote);
  EXPECT_EQ(back->connection_id, 17u);
  EXPECT_EQ(back->kind, sip::TransportKind::tcp);
  EXPECT_FALSE(parse_source("sctp:1.2.3.4:5#0"));
  EXPECT_FALSE(parse_source("udp:1.2.3.4:5"));
}

TEST_F(RegistrationStoreTest, BindingsPersistAcrossReopen) {
  {
    auto store = open_store();
    store->save(binding("1001", "sip:1001@192.0.2.1", 600s));
    store->save(binding("1002", "sip:1002@192.0.2.2", 600s));
    store->stop();
    EXPECT_EQ(store->stats().written, 2u);
  }
  auto store = open_store();
  const auto loaded = store->load_all();
  ASSERT_EQ(loaded.size(), 2u);
  const sip::Binding want = binding("1001", "sip:1001@192.0.2.1", 600s);
  const sip::Binding& got = loaded[0];
  EXPECT_EQ(got.aor, want.aor);
  EXPECT_EQ(got.contact, want.contact);
  EXPECT_EQ(got.call_id, want.call_id);
  EXPECT_EQ(got.cseq, want.cseq);
  EXPECT_EQ(got.expires_at, want.expires_at);
  EXPECT_EQ(got.q_milli, want.q_milli);
  EXPECT_EQ(got.source.remote, want.source.remote);
  EXPECT_EQ(got.source.kind, sip::TransportKind::tcp);
  EXPECT_EQ(got.source.connection_id, 42u);
  EXPECT_EQ(got.user_agent, want.user_agent);
}

TEST_F(RegistrationStoreTest, UpsertAndRemove) {
  auto store = open_store();
  auto b = binding("1001", "sip:1001@192.0.2.1", 600s);
  store->save(b);
  b.cseq = 8;
  store->save(b);
  store->save(binding("1001", "sip:1001@192.0.2.9", 600s));
  store->remove("1001@pbx.test", "sip:1001@192.0.2.9");
  store->stop();
  const auto all = rows();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].cseq, 8u);
}

TEST_F(RegistrationStoreTest, WriterFlushesOnStopInBatches) {
  // A flush interval far longer than the test: only the batch size and stop() can write.
  auto store = open_store(BindingStoreOptions{std::chrono::milliseconds(3'600'000), 1000, 200'000});
  for (int i = 0; i < 2500; ++i)
    store->save(binding("u" + std::to_string(i), "sip:x@192.0.2.1", 600s));
  store->stop();
  const auto stats = store->stats();
  EXPECT_EQ(stats.written, 2500u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_GE(stats.batches, 1u);
  EXPECT_LE(stats.batches, 4u);  // not one transaction per change
  EXPECT_EQ(rows().size(), 2500u);
  store->save(binding("late", "sip:x@192.0.2.1", 600s));  // after stop: dropped, not written
  EXPECT_EQ(store->stats().dropped, 1u);
}

TEST_F(RegistrationStoreTest, WriterCommitsWithoutStopWithinTheInterval) {
  auto store = open_store(BindingStoreOptions{std::chrono::milliseconds(20), 1000, 200'000});
  store->save(binding("1001", "sip:1001@192.0.2.1", 600s));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store->stats().written == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(store->stats().written, 1u);
  EXPECT_EQ(rows().size(), 1u);
}

TEST_F(RegistrationStoreTest, ExpiredBindingsAreNotLoaded) {
  auto store = open_store();
  store->save(binding("old", "sip:old@192.0.2.1", 30s));
  store->save(binding("new", "sip:new@192.0.2.1", 600s));
  store->stop();
  clock.advance(60s);
  auto reopened = open_store();
  const auto loaded = reopened->load_all();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].aor, "new@pbx.test");
  // load_all also purged the expired row.
  auto db = Database::open(path);
  ASSERT_TRUE(db);
  auto count = db->prepare("SELECT COUNT(*) FROM registrations");
  ASSERT_TRUE(count);
  ASSERT_TRUE(*count->step());
  EXPECT_EQ(count->column_int(0), 1);
}

TEST_F(RegistrationStoreTest, LocationServiceRestoresFromTheStore) {
  TimerQueue timers;
  const sip::Peer peer{sip::TransportKind::udp, *IpEndpoint::parse("192.0.2.5:5060", 5060), {}, 0};
  {
    auto store = open_store();
    sip::LocationService locations(timers, clock, *store);
    const sip::ContactUpdate contacts[] = {{"sip:1001@192.0.2.5", 300, 1000},
                                           {"sip:1001@192.0.2.6", 900, 1000}};
    sip::RegisterUpdate u;
    u.tenant_id = 1;
    u.aor = "1001@pbx.test";
    u.call_id = "c1";
    u.cseq = 1;
    u.source = &peer;
    u.contacts = contacts;
    ASSERT_EQ(locations.apply(u), sip::UpdateError::none);
    store->stop();
  }
  clock.advance(400s);  // the first contact has expired meanwhile
  auto store = open_store();
  sip::LocationService restored(timers, clock, *store);
  restored.restore(store->load_all());
  ASSERT_EQ(restored.binding_count(), 1u);
  EXPECT_EQ(restored.find("1001@pbx.test")[0].binding.contact, "sip:1001@192.0.2.6");
  EXPECT_EQ(restored.find("1001@pbx.test")[0].binding.source.remote, peer.remote);
}

}  // namespace
}  // namespace dzvin::store
