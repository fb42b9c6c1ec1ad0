#include "http/event_hub.hpp"

#include "http/http_response.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <utility>

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

// Calls that never end (a lost event) must not grow the map for ever.
constexpr std::size_t kMaxTrackedCalls = 100'000;
// Ended calls kept for the voicemail and recording events that follow the end (a recording's
// file is finished after the call).
constexpr std::size_t kKeepEndedCalls = 2'000;

std::uint64_t clock_first_id() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return ms > 0 ? static_cast<std::uint64_t>(ms) * 1000 : 1;
}

std::string_view event_type(pbx::CallEventKind kind) {
  switch (kind) {
    case pbx::CallEventKind::started:
      return "call.started";
    case pbx::CallEventKind::ringing:
      return "call.ringing";
    case pbx::CallEventKind::attempt:
      return "call.attempt";
    case pbx::CallEventKind::answered:
      return "call.answered";
    case pbx::CallEventKind::ended:
      return "call.ended";
    case pbx::CallEventKind::voicemail_recorded:
      return "voicemail.recorded";
    case pbx::CallEventKind::recording_started:
      return "recording.started";
    case pbx::CallEventKind::recording_finished:
      return "recording.finished";
  }
  return "call.unknown";
}

std::string_view registration_state(sip::RegistrationChange::Kind kind) {
  switch (kind) {
    case sip::RegistrationChange::Kind::registered:
      return "registered";
    case sip::RegistrationChange::Kind::unregistered:
      return "unregistered";
    case sip::RegistrationChange::Kind::expired:
      return "expired";
  }
  return "changed";
}

Json user_or_null(std::string_view aor) {
  std::string user = user_of_aor(aor);
  return user.empty() ? Json(nullptr) : Json(std::move(user));
}

// Engine strings are not guaranteed UTF-8 (a caller's From user); never throw on them.
std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string event_frame(const LiveEvent& event) {
  std::string frame = "{\"id\":" + std::to_string(event.id) + ",\"type\":";
  frame += dump(Json(event.type));
  // The payload's members follow: "{}" adds none.
  const std::string_view payload = event.json;
  if (payload.size() > 2 && payload.front() == '{' && payload.back() == '}') {
    frame += ',';
    frame.append(payload.substr(1));
  } else {
    frame += '}';
  }
  return frame;
}

EventFilter EventFilter::visible_to(const AuthContext& who) {
  EventFilter filter;
  filter.tenant_id = who.tenant_id;
  filter.whole_tenant = who.sees_all_calls();
  filter.username = who.username;
  return filter;
}

bool EventFilter::admits(const LiveEvent& event) const {
  if (event.tenant_id != tenant_id) return false;
  if (whole_tenant) return true;
  if (username.empty()) return false;
  return std::find(event.users.begin(), event.users.end(), username) != event.users.end();
}

EventHub::EventHub(EventHubSettings settings)
    : capacity_(std::max<std::size_t>(settings.capacity, 1)),
      first_id_(settings.first_id != 0 ? settings.first_id : clock_first_id()),
      next_id_(first_id_) {}

std::uint64_t EventHub::publish(LiveEvent event) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    event.id = id;
    if (ring_.size() == capacity_) ring_.pop_front();
    ring_.push_back(std::move(event));
  }
  std::lock_guard lock(subscribers_mutex_);
  for (const auto& [key, on_publish] : subscribers_)
    on_publish();
  return id;
}

EventPage EventHub::read(std::uint64_t after, const EventFilter& filter, std::size_t max) const {
  EventPage page;
  std::lock_guard lock(mutex_);
  const std::uint64_t newest = next_id_ - 1;
  // The ring holds ids [newest - size + 1, newest]: a cursor can continue when everything
  // after it is still there.
  const std::uint64_t before_oldest = newest - ring_.size();
  if (after < before_oldest || after > newest) {
    page.resync = true;
  } else {
    for (auto i = static_cast<std::size_t>(after - before_oldest); i < ring_.size(); ++i) {
      if (!filter.admits(ring_[i])) continue;
      if (page.events.size() == max) {
        page.resync = true;
        break;
      }
      page.events.push_back(ring_[i]);
    }
  }
  page.cursor = newest;
  if (page.resync) {
    page.events.clear();
    LiveEvent marker;
    marker.id = newest;
    marker.tenant_id = filter.tenant_id;
    marker.type = "resync";
    page.events.push_back(std::move(marker));
  }
  return page;
}

std::vector<LiveEvent> EventHub::since(std::uint64_t last_id, const EventFilter& filter) const {
  return read(last_id, filter, capacity_).events;
}

std::uint64_t EventHub::last_id() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

std::size_t EventHub::size() const {
  std::lock_guard lock(mutex_);
  return ring_.size();
}

EventHub::Subscription EventHub::subscribe(std::function<void()> on_publish) {
  std::lock_guard lock(subscribers_mutex_);
  const std::uint64_t key = next_key_++;
  subscribers_.emplace(key, std::move(on_publish));
  return Subscription(this, key);
}

void EventHub::unsubscribe(std::uint64_t key) {
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(key);
}

EventHub::Subscription::Subscription(Subscription&& other) noexcept
    : hub_(std::exchange(other.hub_, nullptr)), key_(other.key_) {}

EventHub::Subscription& EventHub::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    hub_ = std::exchange(other.hub_, nullptr);
    key_ = other.key_;
  }
  return *this;
}

EventHub::Subscription::~Subscription() {
  reset();
}

void EventHub::Subscription::reset() {
  if (hub_ != nullptr) std::exchange(hub_, nullptr)->unsubscribe(key_);
}

std::string user_of_aor(std::string_view aor) {
  const auto at = aor.find('@');
  if (at == 0 || at == std::string_view::npos) return {};
  const std::string_view user = aor.substr(0, at);
  // "sip:1002@host" is a URI (an outside destination), not an AoR of ours.
  if (user.find(':') != std::string_view::npos) return {};
  return std::string(user);
}

CallEventPublisher::CallEventPublisher(EventHub& hub, CallEventPublisherSettings settings)
    : hub_(hub), settings_(std::move(settings)) {}

void CallEventPublisher::add_user(Involved& call, std::int64_t tenant_id,
                                  std::string_view name) const {
  if (name.empty()) return;
  if (settings_.is_user) {
    if (!settings_.is_user(tenant_id, name)) return;
  } else if (name == "anonymous" || name.front() == '+') {
    return;
  }
  if (std::find(call.users.begin(), call.users.end(), name) == call.users.end())
    call.users.emplace_back(name);
}

CallEventPublisher::Involved& CallEventPublisher::involved(const pbx::CallEvent& event) {
  auto [it, added] = calls_.try_emplace(event.call_id);
  if (added) {
    it->second.started_ms = unix_ms(event.at);
    add_user(it->second, event.tenant_id, event.caller);
    if (calls_.size() > kMaxTrackedCalls) {
      // The oldest call id: the one most likely to have lost its end.
      const auto oldest = calls_.begin();
      if (oldest != it) calls_.erase(oldest);
    }
  }
  return it->second;
}

void CallEventPublisher::forget_ended(std::uint64_t call_id) {
  ended_.push_back(call_id);
  while (ended_.size() > kKeepEndedCalls) {
    const auto it = calls_.find(ended_.front());
    if (it != calls_.end() && it->second.ended) calls_.erase(it);
    ended_.pop_front();
  }
}

void CallEventPublisher::on_call_event(const pbx::CallEvent& event) {
  Involved& call = involved(event);
  Json payload = {{"call_id", event.call_uid},
                  {"caller", event.caller},
                  {"called", event.called},
                  {"at", format_instant(unix_ms(event.at))},
                  // Unix ms, for the time from the INVITE to what a page shows (the caller card).
                  {"started_ms", call.started_ms}};
  switch (event.kind) {
    case pbx::CallEventKind::started:
      break;
    case pbx::CallEventKind::ringing:
    case pbx::CallEventKind::answered: {
      const std::string user = user_of_aor(event.target);
      if (!user.empty() &&
          std::find(call.users.begin(), call.users.end(), user) == call.users.end())
        call.users.push_back(user);
      payload["target"] = event.target;
      payload["user"] = user_or_null(event.target);
      break;
    }
    case pbx::CallEventKind::attempt: {
      const std::string user = user_of_aor(event.target);
      if (!user.empty() &&
          std::find(call.users.begin(), call.users.end(), user) == call.users.end())
        call.users.push_back(user);
      payload["target"] = event.target;
      payload["user"] = user_or_null(event.target);
      payload["result"] = event.detail;
      if (event.sip_status != 0) payload["sip_status"] = event.sip_status;
      break;
    }
    case pbx::CallEventKind::ended:
      payload["outcome"] = event.detail;
      if (event.sip_status != 0) payload["sip_status"] = event.sip_status;
      break;
    case pbx::CallEventKind::voicemail_recorded:
      add_user(call, event.tenant_id, event.target);  // a user's own box
      payload["box"] = event.target;
      payload["voicemail_id"] = event.media_id;
      payload["duration_ms"] = event.duration_ms;
      break;
    case pbx::CallEventKind::recording_started:
      payload["recording_id"] = event.media_id;
      payload["channels"] = event.channels;
      break;
    case pbx::CallEventKind::recording_finished:
      payload["recording_id"] = event.media_id;
      payload["duration_ms"] = event.duration_ms;
      payload["complete"] = event.complete;
      break;
  }
  payload["users"] = call.users;

  LiveEvent live;
  live.tenant_id = event.tenant_id;
  live.type = std::string(event_type(event.kind));
  live.call_id = event.call_uid;
  live.users = call.users;
  live.json = dump(payload);
  if (event.kind == pbx::CallEventKind::ended && !call.ended) {
    call.ended = true;
    forget_ended(event.call_id);  // may erase older calls, never this one (just pushed)
  }
  hub_.publish(std::move(live));
}

void publish_registration_change(
    EventHub& hub, const sip::RegistrationChange& change, WallTime at,
    const std::function<std::int64_t(std::string_view realm)>& tenant_of_realm) {
  std::int64_t tenant_id = change.tenant_id;
  if (tenant_id == 0 && tenant_of_realm) {
    const auto at_sign = change.aor.find('@');
    if (at_sign != std::string_view::npos)
      tenant_id = tenant_of_realm(change.aor.substr(at_sign + 1));
  }
  if (tenant_id == 0) return;  // nobody could see it
  const std::string user = user_of_aor(change.aor);
  LiveEvent live;
  live.tenant_id = tenant_id;
  live.type = "registration.changed";
  if (!user.empty()) live.users.push_back(user);
  live.json = dump(Json{{"aor", change.aor},
                        {"user", user.empty() ? Json(nullptr) : Json(user)},
                        {"state", registration_state(change.kind)},
                        {"contacts", change.contacts_now},
                        {"at", format_instant(unix_ms(at))}});
  hub.publish(std::move(live));
}

}  // namespace dzvin::http
