#pragma once
// SipService: the transaction user of this version. It receives every new server
// transaction from the TransactionLayer, validates the request (RFC 3261 §8.2) and routes it
// by method:
//   REGISTER -> Registrar (digest-authenticated)
//   OPTIONS  -> 200 with Allow/Accept/Accept-Language, no authentication (§11.2; phones and
//               load balancers use it as a keep-alive ping)
//   INVITE, ACK, BYE, CANCEL, INFO, UPDATE -> the call engine (a TransactionUser given at
//               construction), which also gets the client transactions' responses; without
//               one: INVITE 501 "Calls not enabled", BYE/CANCEL 481, ACK ignored
//   other    -> 405 with Allow (§8.2.1)
// Responses whose CSeq method is REGISTER go to the outbound registrations (set_registrations),
// which are also offered every client transaction failure first; the rest goes to the call
// engine.
// Final responses to requests without a To tag get a random one (§8.2.6.2).
#include <array>
#include <cstdint>
#include <string_view>

#include "sip/registrar.hpp"
#include "sip/transaction_layer.hpp"

namespace dzvin::sip {

class OutboundRegistrations;

// The methods this version handles (the Allow header).
inline constexpr std::string_view kAllowedMethods = "REGISTER, OPTIONS, ACK, CANCEL, BYE";
inline constexpr std::string_view kAllowedMethodsWithCalls =
    "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE";

struct SipServiceStats {
  std::uint64_t requests = 0;
  std::uint64_t registers = 0;
  std::uint64_t options = 0;
  std::uint64_t rejected = 0;  // validation failures and 405/481/501
  std::uint64_t calls = 0;     // requests handed to the call engine
};

class SipService final : public TransactionUser {
 public:
  // Registers itself as the layer's transaction user; the destructor unregisters.
  // `calls` (may be null) is the call engine: it gets call requests and all responses.
  SipService(TransactionLayer& transactions, Registrar& registrar,
             TransactionUser* calls = nullptr);
  ~SipService() override;
  SipService(const SipService&) = delete;
  SipService& operator=(const SipService&) = delete;

  // Where responses to REGISTER and client transaction failures go first (outbound
  // registrations to trunk providers); nullptr (the default) sends everything to the call engine.
  void set_registrations(OutboundRegistrations* registrations) { registrations_ = registrations; }

  void on_request(TransactionId tx, const SipMessage& request, const Peer& from) override;
  void on_response(TransactionId tx, const SipMessage& response) override;
  void on_client_failure(TransactionId tx, ClientOutcome outcome) override;
  void on_server_transport_error(TransactionId tx) override;

  const SipServiceStats& stats() const { return stats_; }

 private:
  std::string_view new_tag(const SipMessage& request);
  void respond(TransactionId tx, const SipMessage& request, int status, std::string_view reason,
               std::span<const ExtraHeader> extra = {});

  TransactionLayer& transactions_;
  std::string_view allowed_methods() const;
  Registrar& registrar_;
  TransactionUser* calls_ = nullptr;
  OutboundRegistrations* registrations_ = nullptr;
  SipServiceStats stats_;
  std::uint64_t tag_state_ = 0;
  std::array<char, 16> tag_{};
};

}  // namespace dzvin::sip
