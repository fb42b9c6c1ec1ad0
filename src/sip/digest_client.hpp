#pragma once
// Digest authentication as a client (RFC 3261 §22.2, §22.3; RFC 2617; RFC 7616; RFC 8760):
// the Authorization / Proxy-Authorization header that answers a provider's 401/407, for a
// REGISTER to a trunk or an INVITE through it. The hashing is digest_hasher's and the
// request-digest formula the verifier's (compute_digest_response), so what Dzvin sends is what
// its own DigestAuthenticator accepts. Passwords are never logged or kept.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/digest_challenge.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {

struct AuthorizationHeader {
  std::string_view name;  // "Authorization" or "Proxy-Authorization"
  std::string value;
};

// The challenge a response is answered with, and the header name that answers it.
struct ChosenChallenge {
  DigestChallenge challenge;     // views into the response
  std::string_view header_name;  // "Authorization" (401) or "Proxy-Authorization" (407)
};

// From a 401 (its WWW-Authenticate headers) or a 407 (its Proxy-Authenticate headers): the
// challenge to answer. Every challenge of every such header is considered, comma-joined ones
// too; usable ones are MD5 or SHA-256 with qop=auth offered or no qop (RFC 2069 form). SHA-256
// wins over MD5 (RFC 8760 §2.4), else the first in order. A header that does not parse is
// skipped. Errors: code 0 when the response is not a 401/407; code = its status (401/407)
// when no challenge is usable, with a message that says why, e.g. "407 without a usable Digest
// challenge: algorithm SHA-512-256 not supported".
Result<ChosenChallenge> choose_challenge(const SipMessage& response);

// What the client puts into a digest response.
struct DigestAnswer {
  std::string_view username;
  std::string_view password;
  std::string_view method;      // the request's method ("REGISTER", "INVITE")
  std::string_view digest_uri;  // the request's Request-URI (RFC 3261 §22.4)
  std::string_view cnonce;      // used with qop=auth
  std::uint32_t nc = 1;         // nonce-count, with qop=auth
};

// The credentials answering `challenge` (which must be usable()): RFC 7616 §3.4 with qop=auth
// when offered, else the RFC 2069 form; opaque echoed; quoted values escaped. Deterministic,
// for tests against published vectors.
std::string digest_authorization(const DigestChallenge& challenge, const DigestAnswer& answer);

// The header answering a chosen challenge, with a fresh random cnonce and nc=00000001.
AuthorizationHeader answer_challenge(const ChosenChallenge& chosen, std::string_view username,
                                     std::string_view password, std::string_view method,
                                     std::string_view digest_uri);

// choose_challenge, then the header answering it: what to add when the request is retried
// (with a new CSeq and branch, RFC 3261 §22.2).
Result<AuthorizationHeader> answer_challenge(const SipMessage& response, std::string_view username,
                                             std::string_view password, std::string_view method,
                                             std::string_view digest_uri);

}  // namespace dzvin::sip
