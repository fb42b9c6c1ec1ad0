#pragma once
// The live events the web sees (the caller card, the wallboard): the call engine's and the
// registrar's news, kept for a while so that a client that reconnects can resume where it
// stopped. Written on the signalling thread, read on the HTTP thread.
//
// EventHub: a bounded ring (by default the last 10,000 events) behind one mutex; publish()
// is a move into the ring plus a wake-up of the subscribers, so the signalling thread never
// waits for a reader. Readers keep a cursor (the id of the last event they saw) and pull what
// came after it; nothing is queued per reader.
//
// CallEventPublisher and publish_registration_change() turn the engine's values into live
// events; they run on the signalling thread.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "http/auth_context.hpp"
#include "pbx/call_event.hpp"
#include "sip/location_service.hpp"

namespace dzvin::http {

struct LiveEvent {
  // Assigned by the hub, one more than the previous event's. The first id of a process run is
  // derived from the wall clock at start (unix milliseconds × 1000, below 2^53 so JavaScript
  // reads it exactly until the year 2255): ids of an earlier run are smaller than every id of
  // this one, so a client resuming with one is told to resync instead of being mistaken for
  // a client of this run (unless the clock went back between the runs and this run already
  // published more events than the clock went back in milliseconds × 1000).
  std::uint64_t id = 0;
  std::int64_t tenant_id = 0;
  // "call.started", "call.ringing", "call.attempt", "call.answered", "call.ended",
  // "voicemail.recorded", "recording.started", "recording.finished", "registration.changed";
  // "resync" for the marker the hub hands out itself.
  std::string type;
  std::string call_id;             // the call's uid (GET /api/v1/calls/{id}); "" when none
  std::vector<std::string> users;  // usernames the event concerns (see visible_to)
  // The payload: a JSON object of the event's fields, built at publish time. A client gets
  // {"id": id, "type": type, ...the payload's members} (event_frame()).
  std::string json = "{}";
};

// The one text frame a client gets for an event: {"id":..,"type":..,...payload}.
std::string event_frame(const LiveEvent& event);

// Which events a reader may see: every event of its tenant (head, admin), or only those whose
// `users` name it (manager, operator). Events of another tenant never.
struct EventFilter {
  std::int64_t tenant_id = 0;
  bool whole_tenant = false;
  std::string username;

  static EventFilter visible_to(const AuthContext& who);
  bool admits(const LiveEvent& event) const;
};

// What a reader gets after its cursor.
struct EventPage {
  // Oldest first. When `resync`, only the marker {"id": cursor, "type": "resync"}.
  std::vector<LiveEvent> events;
  // The cursor to read after next time: the newest id the hub has looked at (events the
  // filter refused are skipped for good), or the given one when nothing is new.
  std::uint64_t cursor = 0;
  // The cursor was not one the ring can continue from (0, an id of an earlier run, one that
  // fell out of the ring, one from the future), or more than `max` events were waiting: what
  // the reader missed is unknown or too much to replay. It should fetch the current state
  // over the REST API and carry on from the marker's id.
  bool resync = false;
};

struct EventHubSettings {
  std::size_t capacity = 10'000;  // events kept for resuming
  std::uint64_t first_id = 0;     // 0: from the wall clock at construction (see LiveEvent::id)
};

class EventHub {
 public:
  explicit EventHub(EventHubSettings settings = {});
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Any thread. Assigns the id (returned), drops the oldest event when the ring is full, then
  // runs every subscriber's callback.
  std::uint64_t publish(LiveEvent event);

  // Any thread. The events after `after` that `filter` admits, at most `max` (more: resync).
  EventPage read(std::uint64_t after, const EventFilter& filter, std::size_t max) const;
  // read() with no bound but the ring's: the events after `last_id`, or the resync marker.
  std::vector<LiveEvent> since(std::uint64_t last_id, const EventFilter& filter) const;

  // The newest id handed out (first_id - 1 before the first event): a new reader's cursor.
  std::uint64_t last_id() const;
  std::uint64_t first_id() const { return first_id_; }
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

  // Unsubscribes when destroyed (and waits for a callback running on another thread).
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription();
    void reset();

   private:
    friend class EventHub;
    Subscription(EventHub* hub, std::uint64_t key) : hub_(hub), key_(key) {}
    EventHub* hub_ = nullptr;
    std::uint64_t key_ = 0;
  };
  // `on_publish` runs on the publishing thread after each event, with the subscribers' lock
  // held (so it never runs once its Subscription is gone): it must be quick and must not call
  // publish() or subscribe(). A WebSocketWaker is the intended callback.
  [[nodiscard]] Subscription subscribe(std::function<void()> on_publish);

 private:
  void unsubscribe(std::uint64_t key);

  const std::size_t capacity_;
  const std::uint64_t first_id_;
  mutable std::mutex mutex_;  // the ring
  std::deque<LiveEvent> ring_;
  std::uint64_t next_id_;
  std::mutex subscribers_mutex_;
  std::map<std::uint64_t, std::function<void()>> subscribers_;
  std::uint64_t next_key_ = 1;
};

struct CallEventPublisherSettings {
  // Whether `name` is a user of `tenant_id` rather than an outside number (the caller of a
  // call from a trunk is a number). Unset: a caller is a user unless it is empty, "anonymous"
  // or starts with '+'.
  std::function<bool(std::int64_t tenant_id, std::string_view name)> is_user;
};

// The call engine's events as live events (a pbx::CallEventSink on the signalling thread).
// `users` of a call's events are everyone involved so far: the caller when a user, and every
// user a target of the call rang ("1002@realm" → "1002"; numbers and URIs are not users).
// So a phone that rang also hears that someone else answered and that the call ended, and the
// voicemail and recording news that follow the end (the box too, when it is a user's).
class CallEventPublisher final : public pbx::CallEventSink {
 public:
  explicit CallEventPublisher(EventHub& hub, CallEventPublisherSettings settings = {});
  void on_call_event(const pbx::CallEvent& event) override;

  std::size_t tracked_calls() const { return calls_.size(); }

 private:
  struct Involved {
    std::vector<std::string> users;
    bool ended = false;
    std::int64_t started_ms = 0;  // the call's first event: when its INVITE was taken
  };
  Involved& involved(const pbx::CallEvent& event);
  void add_user(Involved& call, std::int64_t tenant_id, std::string_view name) const;
  void forget_ended(std::uint64_t call_id);

  EventHub& hub_;
  CallEventPublisherSettings settings_;
  std::map<std::uint64_t, Involved> calls_;  // by pbx call id (increasing): oldest first
  std::deque<std::uint64_t> ended_;          // ended calls still kept, oldest first
};

// The user of a target or AoR: "1002@realm" → "1002"; "" for a number, a URI with a scheme
// ("sip:..."), or anything else.
std::string user_of_aor(std::string_view aor);

// Publishes a registrar change as "registration.changed" with `users` = the AoR's user and
// the payload {"aor", "user", "state": "registered" | "unregistered" | "expired",
// "contacts": bindings left, "at"}. The change names its tenant; `tenant_of_realm` (optional)
// is asked only when it does not (tenant 0), with the AoR's realm.
void publish_registration_change(
    EventHub& hub, const sip::RegistrationChange& change, WallTime at,
    const std::function<std::int64_t(std::string_view realm)>& tenant_of_realm = {});

}  // namespace dzvin::http
