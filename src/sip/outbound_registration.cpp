#include "sip/outbound_registration.hpp"

#include <algorithm>
#include <utility>

#include "base/log.hpp"
#include "sip/digest_client.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/header_values.hpp"
#include "sip/name_addr.hpp"
#include "sip/outgoing_request.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {

namespace {

using std::chrono::seconds;

// Credentials answered per attempt: the first challenge, and one more when it says the nonce
// was stale (RFC 7616 §3.3); a 423 per attempt at most this often (each raises Expires).
constexpr int kMaxAuthRounds = 2;
constexpr int kMaxIntervalRounds = 3;
constexpr std::size_t kMaxReasonBytes = 128;

std::string reason_of(const SipMessage& response) {
  return std::string(response.reason().substr(0, kMaxReasonBytes));
}

long long whole_seconds(Duration d) {
  return std::chrono::duration_cast<seconds>(d).count();
}

}  // namespace

struct OutboundRegistrations::Trunk {
  OutboundRegistrationConfig config;
  std::string call_id;  // §10.2: the same for every REGISTER of this trunk
  std::string from_tag;
  std::uint32_t cseq = 0;
  seconds expires{};  // what we ask for (raised by a 423)
  TransactionId tx = 0;
  bool removing = false;  // the REGISTER in flight (or next) has Expires: 0
  int auth_rounds = 0;
  int interval_rounds = 0;
  std::string_view authorization_name;
  std::string authorization;  // credentials for the next REGISTER of this attempt
  RegistrationState state = RegistrationState::registering;
  int last_status = 0;
  std::string last_reason;
  WallTime expires_at{};
  std::uint32_t attempts = 0;
  TimerId timer = 0;
};

std::string_view to_string(RegistrationState state) {
  switch (state) {
    case RegistrationState::registering:
      return "registering";
    case RegistrationState::registered:
      return "registered";
    case RegistrationState::failed:
      return "failed";
    case RegistrationState::unregistered:
      return "unregistered";
  }
  return "?";
}

OutboundRegistrations::OutboundRegistrations(TransactionLayer& transactions, TimerQueue& timers,
                                             const Clock& clock, OutboundRegistrationTiming timing)
    : transactions_(transactions), timers_(timers), clock_(clock), timing_(timing) {}

OutboundRegistrations::~OutboundRegistrations() {
  for (const auto& t : trunks_) {
    if (t->timer != 0) timers_.cancel(t->timer);
  }
}

void OutboundRegistrations::add(OutboundRegistrationConfig config) {
  for (const auto& t : trunks_) {
    if (t->config.name == config.name) {
      log(LogLevel::warn, "sip.trunk.duplicate", {{"trunk", config.name}});
      return;
    }
  }
  auto trunk = std::make_unique<Trunk>();
  trunk->config = std::move(config);
  trunk->call_id = random_hex(12) + "@dzvin";
  trunk->from_tag = random_hex(6);
  trunk->expires = std::max(trunk->config.expires, seconds(1));
  Trunk& t = *trunk;
  trunks_.push_back(std::move(trunk));
  log(LogLevel::info, "sip.trunk.registering",
      {{"trunk", t.config.name},
       {"registrar", t.config.registrar.remote.to_string()},
       {"aor", t.config.aor}});
  start_attempt(t);
}

OutboundRegistrations::Trunk* OutboundRegistrations::find(TransactionId tx) {
  if (tx == 0) return nullptr;
  for (const auto& t : trunks_) {
    if (t->tx == tx) return t.get();
  }
  return nullptr;
}

void OutboundRegistrations::start_attempt(Trunk& t) {
  t.timer = 0;
  t.auth_rounds = 0;
  t.interval_rounds = 0;
  t.authorization.clear();
  ++t.attempts;
  // A refresh keeps the trunk registered: its binding is valid until it expires.
  if (t.state != RegistrationState::registered && t.state != RegistrationState::registering) {
    t.state = RegistrationState::registering;
    changed(t);
  }
  send_register(t);
}

void OutboundRegistrations::send_register(Trunk& t) {
  ++t.cseq;
  const std::string aor = "<" + t.config.aor + ">";
  const std::string expires = std::to_string(t.removing ? 0 : t.expires.count());
  ExtraHeader extra[3];
  std::size_t n = 0;
  extra[n++] = {"Expires", expires};
  if (!t.authorization.empty()) extra[n++] = {t.authorization_name, t.authorization};
  extra[n++] = {"User-Agent", "Dzvin"};
  OutgoingRequest request;
  request.method = Method::register_;
  request.request_uri = t.config.registrar_uri;
  request.from = aor;
  request.from_tag = t.from_tag;
  request.to = aor;
  request.call_id = t.call_id;
  request.cseq = t.cseq;
  request.contact = t.config.contact;
  request.extra = std::span<const ExtraHeader>(extra, n);
  build_request(scratch_, t.config.registrar, transactions_.new_branch(), request);

  auto parsed = parse_message(scratch_);
  Result<TransactionId> sent =
      parsed
          ? transactions_.send_request(std::move(parsed).value(), t.config.registrar)
          : Result<TransactionId>(make_error(
                0, "REGISTER does not parse (check the trunk's URIs): " + parsed.error().message));
  if (!sent) {
    t.tx = 0;
    return end_attempt(t, sent.error().code == 0 ? 0 : 503, sent.error().message);
  }
  t.tx = *sent;
  log(LogLevel::debug, "sip.trunk.register_sent",
      {{"trunk", t.config.name},
       {"cseq", t.cseq},
       {"expires", expires},
       {"credentials", t.authorization.empty() ? "no" : "yes"}});
}

bool OutboundRegistrations::on_response(TransactionId tx, const SipMessage& response) {
  Trunk* t = find(tx);
  if (t == nullptr) return false;
  const int status = response.status();
  if (status < 200) return true;
  t->tx = 0;
  if (status == 401 || status == 407) {
    on_challenge(*t, response);
  } else if (t->removing) {
    end_attempt(*t, status, reason_of(response));
  } else if (status < 300) {
    on_registered(*t, response);
  } else if (status == 423) {
    on_interval_too_brief(*t, response);
  } else {
    fail(*t, status, reason_of(response));
  }
  return true;
}

bool OutboundRegistrations::on_client_failure(TransactionId tx, ClientOutcome outcome) {
  Trunk* t = find(tx);
  if (t == nullptr) return false;
  t->tx = 0;
  // RFC 3261 §8.1.3.1: a timeout counts as a 408, a transport error as a 503.
  const bool timeout = outcome == ClientOutcome::timeout;
  const int status = timeout ? 408 : 503;
  end_attempt(*t, status, timeout ? "no response (timeout)" : "transport error");
  return true;
}

void OutboundRegistrations::on_challenge(Trunk& t, const SipMessage& response) {
  const int status = response.status();
  auto chosen = choose_challenge(response);
  if (!chosen) return end_attempt(t, status, chosen.error().message);
  // A challenge in answer to our credentials refuses them, unless it only says the nonce was
  // stale (RFC 7616 §3.3; RFC 3261 §22.2: do not retry with the same credentials).
  if (t.auth_rounds >= kMaxAuthRounds || (t.auth_rounds > 0 && !chosen->challenge.stale)) {
    return end_attempt(t, status,
                       reason_of(response) + " (credentials refused: check username and password)");
  }
  ++t.auth_rounds;
  AuthorizationHeader header = answer_challenge(*chosen, t.config.auth_username, t.config.password,
                                                "REGISTER", t.config.registrar_uri);
  t.authorization_name = header.name;
  t.authorization = std::move(header.value);
  send_register(t);
}

void OutboundRegistrations::on_interval_too_brief(Trunk& t, const SipMessage& response) {
  // RFC 3261 §10.2.8: retry with at least Min-Expires.
  const std::uint32_t min_expires = parse_delta_seconds(response.header(HeaderId::min_expires), 0);
  if (min_expires <= t.expires.count() || t.interval_rounds >= kMaxIntervalRounds) {
    return fail(t, 423, reason_of(response) + " (no usable Min-Expires)");
  }
  ++t.interval_rounds;
  log(LogLevel::info, "sip.trunk.expires_raised",
      {{"trunk", t.config.name}, {"from", t.expires.count()}, {"to", min_expires}});
  t.expires = seconds(min_expires);
  // A new request: a challenge to it is a first one.
  t.auth_rounds = 0;
  t.authorization.clear();
  send_register(t);
}

void OutboundRegistrations::on_registered(Trunk& t, const SipMessage& response) {
  // §10.2.4: the expiry the registrar granted our Contact, else the Expires header, else what
  // we asked for.
  const std::uint32_t asked = static_cast<std::uint32_t>(t.expires.count());
  std::uint32_t granted = parse_delta_seconds(response.header(HeaderId::expires), asked);
  const auto ours = parse_uri(t.config.contact);
  bool found = false;
  for (const Header& h : response.headers()) {
    if (h.id != HeaderId::contact || found) continue;
    for (std::string_view element : CommaList(h.value)) {
      auto contact = parse_name_addr(element);
      if (!contact) continue;
      if (ours ? !uri_equal(contact->uri, *ours) : contact->uri_text != t.config.contact) continue;
      if (auto expires = contact->param("expires"))
        granted = parse_delta_seconds(*expires, granted);
      found = true;
      break;
    }
  }
  if (granted == 0) return fail(t, response.status(), "registrar granted no time (expires 0)");

  const bool was_registered = t.state == RegistrationState::registered;
  t.state = RegistrationState::registered;
  t.last_status = response.status();
  t.last_reason = reason_of(response);
  t.attempts = 0;
  t.authorization.clear();
  const Duration lifetime = seconds(granted);
  t.expires_at = clock_.wall_now() + std::chrono::duration_cast<WallTime::duration>(lifetime);
  // Half-way, not sooner than min_refresh, always before the binding ends.
  const Duration refresh =
      std::max<Duration>(lifetime / 2, std::min<Duration>(timing_.min_refresh, lifetime * 9 / 10));
  schedule(t, refresh);
  log(was_registered ? LogLevel::debug : LogLevel::info,
      was_registered ? "sip.trunk.refreshed" : "sip.trunk.registered",
      {{"trunk", t.config.name}, {"expires", granted}, {"refresh_in", whole_seconds(refresh)}});
  changed(t);
}

void OutboundRegistrations::end_attempt(Trunk& t, int status, std::string reason) {
  if (t.removing) {
    finish_unregister(t, status, std::move(reason));
  } else {
    fail(t, status, std::move(reason));
  }
}

void OutboundRegistrations::fail(Trunk& t, int status, std::string reason) {
  t.last_status = status;
  t.last_reason = std::move(reason);
  t.expires_at = {};
  t.authorization.clear();
  t.state = RegistrationState::failed;
  // Back-off: retry_initial doubling with each failed attempt, up to retry_max.
  Duration delay = timing_.retry_initial;
  for (std::uint32_t i = 1; i < t.attempts && delay < timing_.retry_max; ++i)
    delay *= 2;
  delay = std::min(delay, timing_.retry_max);
  schedule(t, delay);
  log(LogLevel::warn, "sip.trunk.registration_failed",
      {{"trunk", t.config.name},
       {"registrar", t.config.registrar.remote.to_string()},
       {"status", status},
       {"reason", t.last_reason},
       {"attempts", t.attempts},
       {"retry_in", whole_seconds(delay)}});
  changed(t);
}

void OutboundRegistrations::finish_unregister(Trunk& t, int status, std::string reason) {
  t.removing = false;
  t.state = RegistrationState::unregistered;
  t.last_status = status;
  t.last_reason = std::move(reason);
  t.expires_at = {};
  t.authorization.clear();
  log(LogLevel::info, "sip.trunk.unregistered",
      {{"trunk", t.config.name}, {"status", status}, {"reason", t.last_reason}});
  changed(t);
}

void OutboundRegistrations::unregister_all() {
  for (const auto& trunk : trunks_) {
    Trunk& t = *trunk;
    if (t.timer != 0) timers_.cancel(t.timer);
    t.timer = 0;
    if (t.removing || t.state == RegistrationState::unregistered) continue;
    if (t.state != RegistrationState::registered && t.tx == 0) {
      t.state = RegistrationState::unregistered;
      t.expires_at = {};
      changed(t);
      continue;
    }
    // A REGISTER in flight may have created a binding: remove it too. Its response, if any,
    // is no longer ours.
    t.removing = true;
    t.tx = 0;
    t.auth_rounds = 0;
    t.authorization.clear();
    send_register(t);
  }
}

std::size_t OutboundRegistrations::unregistering() const {
  return static_cast<std::size_t>(std::count_if(
      trunks_.begin(), trunks_.end(), [](const auto& t) { return t->removing && t->tx != 0; }));
}

void OutboundRegistrations::schedule(Trunk& t, Duration delay) {
  if (t.timer != 0) timers_.cancel(t.timer);
  t.timer = timers_.schedule(clock_.now() + delay, [this, &t] { start_attempt(t); });
}

void OutboundRegistrations::changed(const Trunk& t) const {
  if (on_change) on_change(status_of(t));
}

OutboundRegistrationStatus OutboundRegistrations::status_of(const Trunk& t) const {
  return OutboundRegistrationStatus{t.config.name, t.state,      t.last_status,
                                    t.last_reason, t.expires_at, t.attempts};
}

std::vector<OutboundRegistrationStatus> OutboundRegistrations::status() const {
  std::vector<OutboundRegistrationStatus> out;
  out.reserve(trunks_.size());
  for (const auto& t : trunks_)
    out.push_back(status_of(*t));
  return out;
}

}  // namespace dzvin::sip
