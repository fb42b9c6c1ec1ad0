#pragma once
// SipService: the transaction user of this version. It receives every new server
// transaction from the TransactionLayer, validates the request (RFC 3261 §8.2) and routes it
// by method:
//   REGISTER -> Registrar (digest-authenticated)
//   OPTIONS  -> 200 with Allow/Accept/Accept-Language, no authentication (§11.2; phones and
//               load balancers use it as a keep-alive ping)
//   INVITE   -> 501 "Calls not enabled in this version"
//   ACK      -> ignored (no transaction, nothing to answer: §17.2.3)
//   CANCEL, BYE -> 481: there are no calls or dialogs they could match (§9.2, §15.1.2)
//   other    -> 405 with Allow (§8.2.1)
// Final responses to requests without a To tag get a random one (§8.2.6.2).
#include <array>
#include <cstdint>
#include <string_view>

#include "sip/registrar.hpp"
#include "sip/transaction_layer.hpp"

namespace dzvin::sip {

// The methods this version handles (the Allow header).
inline constexpr std::string_view kAllowedMethods = "REGISTER, OPTIONS, ACK, CANCEL, BYE";

struct SipServiceStats {
  std::uint64_t requests = 0;
  std::uint64_t registers = 0;
  std::uint64_t options = 0;
  std::uint64_t rejected = 0;  // validation failures and 405/481/501
};

class SipService final : public TransactionUser {
 public:
  // Registers itself as the layer's transaction user; the destructor unregisters.
  SipService(TransactionLayer& transactions, Registrar& registrar);
  ~SipService() override;
  SipService(const SipService&) = delete;
  SipService& operator=(const SipService&) = delete;

  void on_request(TransactionId tx, const SipMessage& request, const Peer& from) override;
  void on_response(TransactionId tx, const SipMessage& response) override;
  void on_client_failure(TransactionId tx, ClientOutcome outcome) override;

  const SipServiceStats& stats() const { return stats_; }

 private:
  std::string_view new_tag(const SipMessage& request);
  void respond(TransactionId tx, const SipMessage& request, int status, std::string_view reason,
               std::span<const ExtraHeader> extra = {});

  TransactionLayer& transactions_;
  Registrar& registrar_;
  SipServiceStats stats_;
  std::uint64_t tag_state_ = 0;
  std::array<char, 16> tag_{};
};

}  // namespace dzvin::sip
