#pragma once
// RFC 3261 §17 transactions: INVITE and non-INVITE, client and server, with timers A-K.
// Runs on the signalling loop; time comes from a Clock and timers from a TimerQueue so that
// tests drive it with a FakeClock.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/load_monitor.hpp"
#include "sip/message_writer.hpp"
#include "sip/sip_message.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct TransactionTimers {
  Duration t1 = std::chrono::milliseconds(500);
  Duration t2 = std::chrono::seconds(4);
  Duration t4 = std::chrono::seconds(5);
  // Timer B/F = 64*T1, H = 64*T1, J = 64*T1 (UDP), D = max(32 s, 64*T1) on UDP.
  // On TCP, A/E/G are not used and D/I/J/K are zero (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
};

using TransactionId = std::uint64_t;  // 0 = none

enum class ClientOutcome : std::uint8_t { timeout, transport_error };

// The transaction user (TU): the registrar, later the dialog layer / call engine.
class TransactionUser {
 public:
  virtual ~TransactionUser() = default;
  // A new request (not a retransmission) created server transaction `tx`; the TU answers it
  // with TransactionLayer::respond, now or later. `request` is valid during this call only.
  // For ACK there is no transaction (tx == 0): an ACK that matched an INVITE server
  // transaction (non-2xx) is absorbed and never reaches the TU; an ACK for a 2xx is passed
  // here. A non-INVITE transaction the TU leaves unanswered for 64*T1 (when the client has
  // given up, Timer F) is discarded.
  virtual void on_request(TransactionId tx, const SipMessage& request, const Peer& from) = 0;
  // A response for a client transaction (retransmissions absorbed; 2xx to INVITE passed on
  // every time, per §17.1.1.2 the TU handles them: a 2xx retransmission that arrives after the
  // transaction ended comes with tx == 0, so the TU can ACK it again, §13.2.2.4).
  virtual void on_response(TransactionId tx, const SipMessage& response) = 0;
  // A client transaction ended without a final response.
  virtual void on_client_failure(TransactionId tx, ClientOutcome outcome) = 0;
  // A server transaction failed to deliver its response (§17.2.4); default ignores.
  virtual void on_server_transport_error(TransactionId /*tx*/) {}
};

struct TransactionStats {
  std::uint64_t server_created = 0;
  std::uint64_t client_created = 0;
  std::uint64_t retransmissions_absorbed = 0;  // requests, ACKs and responses
  std::uint64_t stray_responses = 0;           // matched no client transaction
  std::uint64_t client_timeouts = 0;           // Timer B/F fired
  std::uint64_t ack_timeouts = 0;              // Timer H fired (no ACK for a non-2xx)
  std::uint64_t transport_errors = 0;          // TransportSender::send returned false
  std::uint64_t overload_rejected = 0;         // 503s sent by admission control (LoadMonitor)
  std::uint64_t unanswered_discarded = 0;      // non-INVITE server tx the TU never answered
  std::size_t active_server = 0;
  std::size_t active_client = 0;
  std::size_t pool_slots = 0;  // transaction slots held, live or free (shrinks after a peak)
};

class TransactionLayer final : public MessageSink {
 public:
  TransactionLayer(TransportSender& transport, TimerQueue& timers, const Clock& clock,
                   TransactionTimers config = {});
  ~TransactionLayer() override;
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // Admission control (load_monitor.hpp): while `monitor` says overloaded, a new
  // out-of-dialog request other than ACK/CANCEL gets a stateless 503 with Retry-After and
  // never reaches the TU. nullptr (the default) admits everything.
  void set_load_monitor(LoadMonitor* monitor);

  void set_user(TransactionUser* user) { user_ = user; }

  // Entry point from the transports: matches the message to a transaction (§17.1.3, §17.2.3,
  // with the RFC 2543 fallback for branches without the magic cookie) or creates one.
  void on_message(SipMessage&& message, const Peer& from) override;

  // Answers server transaction `tx` (1xx..6xx). Builds the response from the stored request.
  // Returns false when the response was not sent: the transaction no longer exists or already
  // has a final response (ignored), a bad status, or a transport error (then the TU also
  // gets on_server_transport_error and the transaction ends).
  bool respond(TransactionId tx, int status, std::string_view reason = {},
               std::string_view to_tag = {}, std::span<const ExtraHeader> extra = {},
               std::string_view body = {}, std::string_view content_type = {});

  // Sends a request as a new client transaction. The request's top Via branch identifies it
  // (the caller builds it with a fresh branch, see new_branch()). Fails when the branch lacks
  // the magic cookie, is already in use, or the first send fails (no transaction is created:
  // the caller knows at once). An ACK (for a 2xx, §17.1.1.3) is not a transaction: it is sent
  // once and the result is 0.
  Result<TransactionId> send_request(SipMessage request, const Peer& to);

  // The INVITE server transaction a CANCEL refers to (§9.2: §17.2.3 matching with the method
  // ignored), or 0. Lets the TU answer the INVITE with 487 after answering the CANCEL.
  TransactionId cancel_target(const SipMessage& cancel) const;

  // A fresh RFC 3261 branch ("z9hG4bK" + random).
  std::string new_branch();

  const TransactionStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  TransactionUser* user_ = nullptr;
};

}  // namespace dzvin::sip
