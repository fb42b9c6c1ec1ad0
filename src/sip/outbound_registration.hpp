#pragma once
// Outbound registrations (RFC 3261 §10.2): Dzvin as a UA registering its Contact with SIP trunk
// providers, so that calls to its numbers reach it. One REGISTER client per trunk over the
// TransactionLayer, on the signalling loop; time from a Clock, timers from a TimerQueue (tests
// drive both with a FakeClock).
//
// Per trunk: one Call-ID and From tag for all its REGISTERs, CSeq + 1 each (§10.2.4); a 401/407
// is answered once per attempt with digest credentials (digest_client.hpp; a second challenge is
// answered only when it says stale=true); 423 raises Expires to Min-Expires and retries (§10.2.8);
// a 2xx makes it registered for what the registrar granted (our Contact's expires param in the
// 2xx, else its Expires header, else what we asked) and it refreshes at about half of that;
// anything else (3xx-6xx, 401 again, timeout = 408, transport error = 503) makes it failed and
// retries with a doubling back-off. The password is never logged.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/sip_message.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct OutboundRegistrationConfig {
  std::string name;  // trunk name, for logs/status
  // Where REGISTERs go. `local` picks the socket as for any request (the UDP listener bound to
  // that address, else the first of the same IP family) and is the Via sent-by: give the
  // listener's address. For TCP, connection_id 0 (reuse or open a connection).
  Peer registrar;
  std::string registrar_uri;  // Request-URI, e.g. "sip:sip.provider.example"
  std::string aor;            // To/From URI, e.g. "sip:380441234567@sip.provider.example"
  std::string auth_username;  // digest username
  std::string password;       // never logged
  std::string contact;        // our Contact URI, e.g. "sip:380441234567@203.0.113.5:5060"
  std::chrono::seconds expires{300};
};

enum class RegistrationState : std::uint8_t { registering, registered, failed, unregistered };
std::string_view to_string(RegistrationState state);  // "registering", ...

struct OutboundRegistrationStatus {
  std::string name;
  RegistrationState state = RegistrationState::registering;
  int last_status = 0;         // status of the last final response (408 timeout, 503 transport)
  std::string last_reason;     // its reason phrase, or what went wrong
  WallTime expires_at{};       // while registered: when the binding the registrar granted ends
  std::uint32_t attempts = 0;  // attempts since the last success, the one under way included
};

// Retry and refresh timing.
struct OutboundRegistrationTiming {
  Duration retry_initial = std::chrono::seconds(5);  // first retry after a failure, doubling
  Duration retry_max = std::chrono::minutes(5);
  // A refresh is sent half-way through the granted time, but not sooner than this after the
  // 2xx, and always before the binding expires.
  Duration min_refresh = std::chrono::seconds(5);
};

class OutboundRegistrations {
 public:
  OutboundRegistrations(TransactionLayer& transactions, TimerQueue& timers, const Clock& clock,
                        OutboundRegistrationTiming timing = {});
  ~OutboundRegistrations();  // cancels its timers; transactions in flight are forgotten
  OutboundRegistrations(const OutboundRegistrations&) = delete;
  OutboundRegistrations& operator=(const OutboundRegistrations&) = delete;

  // Starts registering the trunk at once. A second trunk with a name already added is ignored
  // (logged).
  void add(OutboundRegistrationConfig config);

  // From the SipService (request_dispatcher.hpp): responses and failures of client
  // transactions. Return whether the transaction was one of ours (others are ignored).
  bool on_response(TransactionId tx, const SipMessage& response);
  bool on_client_failure(TransactionId tx, ClientOutcome outcome);

  std::vector<OutboundRegistrationStatus> status() const;

  // Graceful shutdown: a REGISTER with Expires: 0 for our Contact for every trunk that is
  // registered or has a REGISTER in flight; the others become unregistered at once. No refresh
  // or retry follows.
  void unregister_all();
  // How many of those REGISTERs with Expires: 0 still wait for their final response (a shutdown
  // may wait for 0, with a deadline).
  std::size_t unregistering() const;

  // Optional: called when a trunk starts registering and after each final outcome (registered,
  // refreshed, failed, unregistered), for logs, events and metrics.
  std::function<void(const OutboundRegistrationStatus&)> on_change;

 private:
  struct Trunk;
  Trunk* find(TransactionId tx);
  void start_attempt(Trunk& trunk);
  void send_register(Trunk& trunk);
  void on_registered(Trunk& trunk, const SipMessage& response);
  void on_challenge(Trunk& trunk, const SipMessage& response);
  void on_interval_too_brief(Trunk& trunk, const SipMessage& response);
  // The attempt ended without a binding: unregistered when it was removing one, else failed.
  void end_attempt(Trunk& trunk, int status, std::string reason);
  void fail(Trunk& trunk, int status, std::string reason);
  void finish_unregister(Trunk& trunk, int status, std::string reason);
  void schedule(Trunk& trunk, Duration delay);
  void changed(const Trunk& trunk) const;
  OutboundRegistrationStatus status_of(const Trunk& trunk) const;

  TransactionLayer& transactions_;
  TimerQueue& timers_;
  const Clock& clock_;
  OutboundRegistrationTiming timing_;
  std::vector<std::unique_ptr<Trunk>> trunks_;
  std::string scratch_;
};

}  // namespace dzvin::sip
