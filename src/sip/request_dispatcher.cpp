#include "sip/request_dispatcher.hpp"

#include <string>

#include "sip/digest_hasher.hpp"
#include "sip/outbound_registration.hpp"

namespace dzvin::sip {

namespace {

// A reason phrase must not contain CR or LF (RFC 3261 §25.1 Reason-Phrase); validation
// messages are ours, but may quote input.
std::string sanitize_reason(std::string_view text) {
  std::string out(text.substr(0, 120));
  for (char& c : out) {
    if (c == '\r' || c == '\n' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) c = ' ';
  }
  return out;
}

}  // namespace

SipService::SipService(TransactionLayer& transactions, Registrar& registrar, TransactionUser* calls)
    : transactions_(transactions), registrar_(registrar), calls_(calls) {
  std::array<std::uint8_t, 8> seed{};
  random_bytes(seed);
  for (std::uint8_t b : seed)
    tag_state_ = (tag_state_ << 8) | b;
  transactions_.set_user(this);
}

SipService::~SipService() {
  transactions_.set_user(nullptr);
}

std::string_view SipService::new_tag(const SipMessage& request) {
  if (!request.core().to_tag.empty()) return {};
  // splitmix64: To tags need to be unique, not secret (§19.3: "globally unique and
  // cryptographically random with at least 32 bits of randomness" is satisfied by the random
  // seed; the sequence itself never repeats within 2^64 tags).
  std::uint64_t z = (tag_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < tag_.size(); ++i)
    tag_[i] = kHex[(z >> (4 * i)) & 0xf];
  return {tag_.data(), tag_.size()};
}

void SipService::respond(TransactionId tx, const SipMessage& request, int status,
                         std::string_view reason, std::span<const ExtraHeader> extra) {
  if (status >= 300) ++stats_.rejected;
  transactions_.respond(tx, status, reason, status >= 200 ? new_tag(request) : std::string_view{},
                        extra);
}

void SipService::on_request(TransactionId tx, const SipMessage& request, const Peer& from) {
  ++stats_.requests;
  if (request.method() == Method::ack || tx == 0) {  // §17: ACK gets no response
    if (calls_ != nullptr && request.method() == Method::ack) calls_->on_request(tx, request, from);
    return;
  }

  if (auto valid = validate_request(request); !valid) {
    const Error& e = valid.error();
    if (e.code == 420) {
      // §8.2.2.3: list the extensions we do not support.
      const ExtraHeader unsupported[] = {{"Unsupported", e.message}};
      respond(tx, request, 420, default_reason(420), unsupported);
    } else {
      const std::string reason =
          sanitize_reason(e.message.empty() ? default_reason(e.code) : e.message);
      respond(tx, request, e.code, reason);
    }
    return;
  }

  switch (request.method()) {
    case Method::register_: {
      ++stats_.registers;
      const RegisterReply& reply = registrar_.handle_register(request, from);
      respond(tx, request, reply.status, reply.reason, reply.headers.extra());
      return;
    }
    case Method::options: {
      ++stats_.options;
      // §11.2: capabilities.
      const ExtraHeader kCapabilities[] = {
          {"Allow", allowed_methods()},
          {"Accept", "application/sdp"},
          {"Accept-Language", "en"},
      };
      respond(tx, request, 200, "OK", kCapabilities);
      return;
    }
    case Method::invite:
    case Method::cancel:
    case Method::bye:
    case Method::info:
    case Method::update:
      if (calls_ != nullptr) {
        ++stats_.calls;
        calls_->on_request(tx, request, from);
        return;
      }
      if (request.method() == Method::invite) {
        respond(tx, request, 501, "Calls not enabled in this version");
      } else if (request.method() == Method::cancel || request.method() == Method::bye) {
        respond(tx, request, 481, default_reason(481));
      } else {
        const ExtraHeader allow[] = {{"Allow", allowed_methods()}};
        respond(tx, request, 405, default_reason(405), allow);
      }
      return;
    default: {
      const ExtraHeader allow[] = {{"Allow", allowed_methods()}};
      respond(tx, request, 405, default_reason(405), allow);
      return;
    }
  }
}

std::string_view SipService::allowed_methods() const {
  return calls_ != nullptr ? kAllowedMethodsWithCalls : kAllowedMethods;
}

// Client transactions are started by the outbound registrations (REGISTER) and by the call
// engine (INVITE, BYE, CANCEL, ...); the CSeq method tells whose a response is.
void SipService::on_response(TransactionId tx, const SipMessage& response) {
  if (registrations_ != nullptr && response.core().cseq_method == Method::register_) {
    registrations_->on_response(tx, response);
    return;
  }
  if (calls_ != nullptr) calls_->on_response(tx, response);
}

void SipService::on_client_failure(TransactionId tx, ClientOutcome outcome) {
  if (registrations_ != nullptr && registrations_->on_client_failure(tx, outcome)) return;
  if (calls_ != nullptr) calls_->on_client_failure(tx, outcome);
}

void SipService::on_server_transport_error(TransactionId tx) {
  if (calls_ != nullptr) calls_->on_server_transport_error(tx);
}

}  // namespace dzvin::sip
