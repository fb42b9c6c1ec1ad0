// The live event hub: ids, the bounded ring and resync, who sees what, subscriptions, and the
// adapters from the call engine's events and the registrar's changes.
#include "http/event_hub.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace dzvin::http {
namespace {

using nlohmann::json;

constexpr std::uint64_t kFirst = 5'000;

LiveEvent event(std::int64_t tenant, std::string type, std::vector<std::string> users = {},
                std::string payload = "{}") {
  LiveEvent e;
  e.tenant_id = tenant;
  e.type = std::move(type);
  e.users = std::move(users);
  e.json = std::move(payload);
  return e;
}

EventFilter whole(std::int64_t tenant) {
  return EventFilter{tenant, true, "100"};
}

EventFilter only(std::int64_t tenant, std::string username) {
  return EventFilter{tenant, false, std::move(username)};
}

std::vector<std::uint64_t> ids(const std::vector<LiveEvent>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events)
    out.push_back(e.id);
  return out;
}

std::vector<std::string> types(const std::vector<LiveEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e.type);
  return out;
}

TEST(EventHubTest, IdsIncreaseByOneFromTheFirst) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  EXPECT_EQ(hub.last_id(), kFirst - 1);
  EXPECT_EQ(hub.publish(event(1, "a")), kFirst);
  EXPECT_EQ(hub.publish(event(1, "b")), kFirst + 1);
  EXPECT_EQ(hub.publish(event(2, "c")), kFirst + 2);
  EXPECT_EQ(hub.last_id(), kFirst + 2);
  const auto all = hub.since(kFirst - 1, whole(1));
  EXPECT_EQ(ids(all), (std::vector<std::uint64_t>{kFirst, kFirst + 1}));
  EXPECT_EQ(types(all), (std::vector<std::string>{"a", "b"}));
}

TEST(EventHubTest, FirstIdComesFromTheWallClockAndStaysJavaScriptSafe) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EventHub hub;
  EXPECT_GE(hub.first_id(), static_cast<std::uint64_t>(now_ms) * 1000);
  EXPECT_LT(hub.first_id(), (std::uint64_t{1} << 53));
  // A later run starts above everything an earlier run handed out (1,000 ids per ms).
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EventHub later;
  EXPECT_GT(later.first_id(), hub.first_id() + 1000);
}

TEST(EventHubTest, ReadContinuesFromTheCursor) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  for (int i = 0; i < 4; ++i)
    hub.publish(event(1, "e" + std::to_string(i)));
  EventPage page = hub.read(kFirst + 1, whole(1), 100);
  EXPECT_FALSE(page.resync);
  EXPECT_EQ(ids(page.events), (std::vector<std::uint64_t>{kFirst + 2, kFirst + 3}));
  EXPECT_EQ(page.cursor, kFirst + 3);
  page = hub.read(page.cursor, whole(1), 100);
  EXPECT_FALSE(page.resync);
  EXPECT_TRUE(page.events.empty());
  EXPECT_EQ(page.cursor, kFirst + 3);
}

TEST(EventHubTest, TheRingKeepsTheNewestAndAnOlderCursorResyncs) {
  EventHub hub({.capacity = 3, .first_id = kFirst});
  for (int i = 0; i < 5; ++i)
    hub.publish(event(1, "e" + std::to_string(i)));
  EXPECT_EQ(hub.size(), 3u);
  // kFirst+2..kFirst+4 are kept: a cursor at kFirst+1 still continues exactly.
  EXPECT_EQ(ids(hub.since(kFirst + 1, whole(1))),
            (std::vector<std::uint64_t>{kFirst + 2, kFirst + 3, kFirst + 4}));
  // kFirst+1 fell out: a reader at kFirst missed it.
  const auto missed = hub.since(kFirst, whole(1));
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].type, "resync");
  EXPECT_EQ(missed[0].id, kFirst + 4);  // carry on from the newest
  EXPECT_EQ(event_frame(missed[0]), R"({"id":5004,"type":"resync"})");
}

TEST(EventHubTest, UnknownCursorsResync) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  hub.publish(event(1, "a"));
  for (std::uint64_t cursor : {std::uint64_t{0}, kFirst - 100, kFirst + 7}) {
    const EventPage page = hub.read(cursor, whole(1), 100);
    EXPECT_TRUE(page.resync) << cursor;
    ASSERT_EQ(page.events.size(), 1u);
    EXPECT_EQ(page.events[0].type, "resync");
    EXPECT_EQ(page.cursor, kFirst);
  }
  // An id of an earlier run (its first id was smaller) is not mistaken for one of this run.
  EventHub earlier({.capacity = 10, .first_id = 1'000});
  const std::uint64_t old_id = earlier.publish(event(1, "old"));
  EXPECT_EQ(hub.since(old_id, whole(1))[0].type, "resync");
}

TEST(EventHubTest, MoreThanMaxWaitingResyncs) {
  EventHub hub({.capacity = 100, .first_id = kFirst});
  for (int i = 0; i < 6; ++i)
    hub.publish(event(1, "e"));
  hub.publish(event(2, "other tenant"));
  EXPECT_FALSE(hub.read(kFirst - 1, whole(1), 6).resync);  // exactly max: fine
  const EventPage page = hub.read(kFirst - 1, whole(1), 5);
  EXPECT_TRUE(page.resync);
  EXPECT_EQ(types(page.events), (std::vector<std::string>{"resync"}));
  // Only the events the reader may see count.
  EXPECT_FALSE(hub.read(kFirst - 1, whole(2), 1).resync);
}

TEST(EventHubTest, HeadsAndAdminsSeeTheirTenantManagersAndOperatorsTheirOwn) {
  EventHub hub({.capacity = 100, .first_id = kFirst});
  hub.publish(event(1, "to 102", {"101", "102"}));
  hub.publish(event(1, "to 103", {"103"}));
  hub.publish(event(2, "tenant 2 to 102", {"102"}));
  hub.publish(event(1, "nobody", {}));

  AuthContext who;
  who.tenant_id = 1;
  who.username = "102";
  const auto seen_as = [&](Role role) {
    who.role = role;
    return types(hub.since(kFirst - 1, EventFilter::visible_to(who)));
  };
  const std::vector<std::string> all_of_1 = {"to 102", "to 103", "nobody"};
  EXPECT_EQ(seen_as(Role::admin), all_of_1);
  EXPECT_EQ(seen_as(Role::head), all_of_1);
  EXPECT_EQ(seen_as(Role::manager), (std::vector<std::string>{"to 102"}));
  EXPECT_EQ(seen_as(Role::operator_), (std::vector<std::string>{"to 102"}));
  who.tenant_id = 2;
  EXPECT_EQ(seen_as(Role::admin), (std::vector<std::string>{"tenant 2 to 102"}));
  EXPECT_EQ(seen_as(Role::manager), (std::vector<std::string>{"tenant 2 to 102"}));
  // A filter without a name sees nothing unless it is for the whole tenant.
  EXPECT_TRUE(hub.since(kFirst - 1, only(1, "")).empty());
}

TEST(EventHubTest, FrameIsIdTypeAndThePayloadMembers) {
  LiveEvent e = event(1, "call.ringing", {}, R"({"call_id":"c-1","user":"1002"})");
  e.id = 42;
  EXPECT_EQ(event_frame(e), R"({"id":42,"type":"call.ringing","call_id":"c-1","user":"1002"})");
  e.json = "{}";
  EXPECT_EQ(event_frame(e), R"({"id":42,"type":"call.ringing"})");
}

TEST(EventHubTest, SubscribersAreToldOfEveryPublishUntilUnsubscribed) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  int told = 0;
  {
    EventHub::Subscription subscription = hub.subscribe([&] { ++told; });
    hub.publish(event(1, "a"));
    EventHub::Subscription moved = std::move(subscription);
    hub.publish(event(1, "b"));
    EXPECT_EQ(told, 2);
  }
  hub.publish(event(1, "c"));
  EXPECT_EQ(told, 2);
}

TEST(EventHubTest, PublishersAndReadersOnOtherThreads) {
  EventHub hub({.capacity = 64, .first_id = kFirst});
  std::atomic<int> wakeups{0};
  auto subscription = hub.subscribe([&] { wakeups.fetch_add(1, std::memory_order_relaxed); });
  constexpr int kEvents = 20'000;
  std::thread publisher([&] {
    for (int i = 0; i < kEvents; ++i)
      hub.publish(event(1, "e"));
  });
  // A reader that keeps up sees increasing ids, or a resync when it fell behind the ring.
  std::uint64_t cursor = hub.last_id();
  std::uint64_t last_seen = 0;
  while (cursor < kFirst + kEvents - 1) {
    const EventPage page = hub.read(cursor, whole(1), 64);
    for (const auto& e : page.events) {
      if (e.type == "resync") continue;
      EXPECT_GT(e.id, last_seen);
      last_seen = e.id;
    }
    cursor = page.cursor;
  }
  publisher.join();
  EXPECT_EQ(wakeups.load(), kEvents);
  EXPECT_EQ(hub.size(), 64u);
}

// --- CallEventPublisher ------------------------------------------------------------------

pbx::CallEvent call_event(pbx::CallEventKind kind, std::string target = {}) {
  pbx::CallEvent e;
  e.kind = kind;
  e.call_id = 7;
  e.call_uid = "c-7";
  e.tenant_id = 1;
  e.at = WallTime{std::chrono::milliseconds{1'800'000'000'250}};
  e.caller = "1001";
  e.called = "2001";
  e.target = std::move(target);
  return e;
}

class CallEventPublisherTest : public ::testing::Test {
 protected:
  std::vector<LiveEvent> published() { return hub_.since(kFirst - 1, whole(1)); }
  json payload(std::size_t i) {
    const auto all = published();
    EXPECT_LT(i, all.size());
    return i < all.size() ? json::parse(event_frame(all[i])) : json();
  }

  EventHub hub_{{.capacity = 100, .first_id = kFirst}};
};

TEST_F(CallEventPublisherTest, AUserToUserCallNamesCallerAndCalleeThroughout) {
  CallEventPublisher publisher(hub_);
  using K = pbx::CallEventKind;
  publisher.on_call_event(call_event(K::started));
  publisher.on_call_event(call_event(K::ringing, "2001@a.example.com"));
  publisher.on_call_event(call_event(K::answered, "2001@a.example.com"));
  auto ended = call_event(K::ended);
  ended.detail = "answered";
  publisher.on_call_event(ended);

  const auto all = published();
  EXPECT_EQ(types(all), (std::vector<std::string>{"call.started", "call.ringing", "call.answered",
                                                  "call.ended"}));
  EXPECT_EQ(all[0].users, (std::vector<std::string>{"1001"}));
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i].users, (std::vector<std::string>{"1001", "2001"})) << all[i].type;
    EXPECT_EQ(all[i].call_id, "c-7");
    EXPECT_EQ(all[i].tenant_id, 1);
  }
  const json ringing = payload(1);
  EXPECT_EQ(ringing["id"], kFirst + 1);
  EXPECT_EQ(ringing["type"], "call.ringing");
  EXPECT_EQ(ringing["call_id"], "c-7");
  EXPECT_EQ(ringing["caller"], "1001");
  EXPECT_EQ(ringing["called"], "2001");
  EXPECT_EQ(ringing["target"], "2001@a.example.com");
  EXPECT_EQ(ringing["user"], "2001");
  EXPECT_EQ(ringing["at"], "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(payload(3)["outcome"], "answered");
  EXPECT_EQ(payload(3)["users"], json::array({"1001", "2001"}));
}

TEST_F(CallEventPublisherTest, OutsideNumbersAreNotUsers) {
  CallEventPublisher publisher(hub_);
  using K = pbx::CallEventKind;
  auto started = call_event(K::started);
  started.caller = "+380501234567";  // from a trunk
  publisher.on_call_event(started);
  auto ringing = started;
  ringing.kind = K::ringing;
  ringing.target = "1002@a.example.com";
  publisher.on_call_event(ringing);
  ringing.target = "+380441234567";  // forwarded out
  publisher.on_call_event(ringing);
  ringing.target = "sip:desk@198.51.100.7";  // a URI target
  publisher.on_call_event(ringing);
  auto anonymous = call_event(K::started);
  anonymous.call_id = 8;
  anonymous.caller = "anonymous";
  publisher.on_call_event(anonymous);

  const auto all = published();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_TRUE(all[0].users.empty());
  EXPECT_EQ(all[1].users, (std::vector<std::string>{"1002"}));
  EXPECT_EQ(all[2].users, (std::vector<std::string>{"1002"}));
  EXPECT_TRUE(payload(2)["user"].is_null());
  EXPECT_EQ(all[3].users, (std::vector<std::string>{"1002"}));
  EXPECT_TRUE(all[4].users.empty());
}

TEST_F(CallEventPublisherTest, TheIsUserLookupDecidesForCallersAndBoxes) {
  CallEventPublisher publisher(hub_, {.is_user = [](std::int64_t tenant, std::string_view name) {
                                 return tenant == 1 && name == "1001";
                               }});
  using K = pbx::CallEventKind;
  auto started = call_event(K::started);
  started.caller = "0501234567";  // a national number, not a user
  publisher.on_call_event(started);
  auto voicemail = call_event(K::voicemail_recorded, "sales");
  voicemail.call_id = 9;
  publisher.on_call_event(voicemail);
  EXPECT_TRUE(published()[0].users.empty());
  EXPECT_EQ(published()[1].users, (std::vector<std::string>{"1001"}));  // 9's caller; "sales" no
}

TEST_F(CallEventPublisherTest, EventsAfterTheEndKeepTheCallsUsers) {
  CallEventPublisher publisher(hub_);
  using K = pbx::CallEventKind;
  publisher.on_call_event(call_event(K::started));
  auto attempt = call_event(K::attempt, "2001@a.example.com");
  attempt.detail = "no answer";
  attempt.sip_status = 408;
  publisher.on_call_event(attempt);
  auto recording = call_event(K::recording_started);
  recording.media_id = 77;
  recording.channels = 2;
  publisher.on_call_event(recording);
  auto ended = call_event(K::ended);
  ended.detail = "voicemail";
  publisher.on_call_event(ended);
  auto voicemail = call_event(K::voicemail_recorded, "2001");
  voicemail.media_id = 99;
  voicemail.duration_ms = 4200;
  publisher.on_call_event(voicemail);
  auto finished = call_event(K::recording_finished);
  finished.media_id = 77;
  finished.complete = true;
  publisher.on_call_event(finished);

  const auto all = published();
  EXPECT_EQ(types(all),
            (std::vector<std::string>{"call.started", "call.attempt", "recording.started",
                                      "call.ended", "voicemail.recorded", "recording.finished"}));
  EXPECT_EQ(all[5].users, (std::vector<std::string>{"1001", "2001"}));
  EXPECT_EQ(payload(1)["result"], "no answer");
  EXPECT_EQ(payload(1)["sip_status"], 408);
  EXPECT_EQ(payload(2)["recording_id"], 77);
  EXPECT_EQ(payload(2)["channels"], 2);
  EXPECT_EQ(payload(4)["box"], "2001");
  EXPECT_EQ(payload(4)["voicemail_id"], 99);
  EXPECT_EQ(payload(4)["duration_ms"], 4200);
  EXPECT_EQ(payload(5)["complete"], true);
  // The payload never names a file on the server.
  EXPECT_EQ(published()[4].json.find("file"), std::string::npos);
}

TEST_F(CallEventPublisherTest, EndedCallsAreForgottenEventually) {
  CallEventPublisher publisher(hub_);
  using K = pbx::CallEventKind;
  for (std::uint64_t id = 1; id <= 5'000; ++id) {
    auto started = call_event(K::started);
    started.call_id = id;
    publisher.on_call_event(started);
    auto ended = started;
    ended.kind = K::ended;
    publisher.on_call_event(ended);
  }
  EXPECT_LE(publisher.tracked_calls(), 2'000u);
}

TEST(UserOfAorTest, OnlyUserAtRealm) {
  EXPECT_EQ(user_of_aor("1002@a.example.com"), "1002");
  EXPECT_EQ(user_of_aor("+380501234567"), "");
  EXPECT_EQ(user_of_aor("sip:1002@a.example.com"), "");
  EXPECT_EQ(user_of_aor("@a.example.com"), "");
  EXPECT_EQ(user_of_aor(""), "");
}

// --- Registration changes ----------------------------------------------------------------

TEST(RegistrationEventTest, NamesTheUserOfTheAor) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  sip::RegistrationChange change;
  change.kind = sip::RegistrationChange::Kind::registered;
  change.tenant_id = 2;
  change.aor = "1002@b.example.com";
  change.contact = "sip:1002@192.0.2.7:5060";
  change.contacts_now = 1;
  publish_registration_change(hub, change, WallTime{std::chrono::seconds{1'800'000'000}});
  const auto all = hub.since(kFirst - 1, only(2, "1002"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].type, "registration.changed");
  EXPECT_EQ(all[0].users, (std::vector<std::string>{"1002"}));
  const json frame = json::parse(event_frame(all[0]));
  EXPECT_EQ(frame["aor"], "1002@b.example.com");
  EXPECT_EQ(frame["user"], "1002");
  EXPECT_EQ(frame["state"], "registered");
  EXPECT_EQ(frame["contacts"], 1);
  EXPECT_EQ(frame["at"], "2027-01-15T08:00:00.000Z");
  EXPECT_FALSE(frame.contains("contact"));  // where a phone is stays on the server
  EXPECT_TRUE(hub.since(kFirst - 1, only(1, "1002")).empty());

  change.kind = sip::RegistrationChange::Kind::expired;
  change.contacts_now = 0;
  publish_registration_change(hub, change, WallTime{});
  EXPECT_EQ(json::parse(event_frame(hub.since(kFirst, whole(2))[0]))["state"], "expired");
}

TEST(RegistrationEventTest, TheRealmLookupIsAskedOnlyWithoutATenant) {
  EventHub hub({.capacity = 10, .first_id = kFirst});
  sip::RegistrationChange change;
  change.kind = sip::RegistrationChange::Kind::unregistered;
  change.aor = "1003@a.example.com";
  int asked = 0;
  const auto lookup = [&](std::string_view realm) -> std::int64_t {
    ++asked;
    return realm == "a.example.com" ? 1 : 0;
  };
  publish_registration_change(hub, change, WallTime{}, lookup);
  EXPECT_EQ(asked, 1);
  ASSERT_EQ(hub.since(kFirst - 1, only(1, "1003")).size(), 1u);
  change.tenant_id = 1;
  publish_registration_change(hub, change, WallTime{}, lookup);
  EXPECT_EQ(asked, 1);
  // No tenant and no lookup: nobody could see it, so it is not kept.
  change.tenant_id = 0;
  publish_registration_change(hub, change, WallTime{});
  EXPECT_EQ(hub.size(), 2u);
}

}  // namespace
}  // namespace dzvin::http
