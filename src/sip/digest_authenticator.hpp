#pragma once
// Digest authentication of SIP requests (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760):
// challenges, response verification against the HA1 the AccountDirectory holds, nonce expiry
// and replay refusal. Runs on the signalling thread; not thread-safe.
//
// Outcomes and what the registrar answers:
//   no credentials for the realm / unsupported algorithm or qop -> 401 with fresh challenges
//   correct response, nonce expired/forgotten/replayed/of a
//     previous run                                              -> 401, stale=true
//   wrong response, or unknown username                         -> 403 "Bad credentials"
// Unknown usernames are hashed against a random per-process HA1 so that they cost the same
// work and get the same answer as a wrong password (no user enumeration).
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "sip/account_directory.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/nonce_manager.hpp"
#include "sip/response_headers.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {

enum class AuthOutcome : std::uint8_t {
  authenticated,
  challenge,        // no usable credentials: 401 with fresh challenges
  stale,            // right password, nonce no longer usable: 401 with stale=true
  bad_credentials,  // wrong response or unknown user: 403
  malformed,        // Authorization header that does not parse: 400
};

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::challenge;
  const SipAccount* account = nullptr;  // set when authenticated
  std::string_view detail;              // for logs; never contains credentials
};

struct DigestConfig {
  NonceConfig nonce;
  // Offer MD5 besides SHA-256 (most deployed phones only do MD5; RFC 8760 §2.4 orders).
  bool offer_md5 = true;
  bool offer_sha256 = true;
  // Offer SHA-256 before MD5 (RFC 8760 order of preference). Off by default: see
  // add_challenges() for the phones that stop at the first algorithm they do not know.
  bool prefer_sha256 = false;
};

// The request-digest of RFC 2617 §3.2.2.1 / RFC 7616 §3.4.1, for qop=auth (nc_text and
// cnonce set) or the RFC 2069 form (qop_auth false). Used by the verifier and by clients.
struct DigestResponseInput {
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::string_view ha1;  // hex
  std::string_view nonce;
  bool qop_auth = true;
  std::string_view nc_text;  // "00000001"
  std::string_view cnonce;
  std::string_view method;
  std::string_view uri;
};
std::string_view compute_digest_response(DigestHasher& hasher, const DigestResponseInput& in,
                                         DigestHex& out);

class DigestAuthenticator {
 public:
  DigestAuthenticator(const AccountDirectory& accounts, const Clock& clock,
                      DigestConfig config = {});

  // Looks through the request's Authorization headers for one whose realm is `realm` (RFC
  // 3261 §22.4: several may be present) and verifies it.
  AuthResult authenticate(const SipMessage& request, std::string_view realm);

  // Verifies parsed credentials for a request with `method` in `realm`.
  AuthResult verify(const DigestCredentials& credentials, std::string_view method,
                    std::string_view realm);

  // Adds the WWW-Authenticate challenges (SHA-256 first, then MD5: RFC 8760 §2.4) with a
  // fresh nonce shared by both.
  void add_challenges(ResponseHeaders& headers, std::string_view realm, bool stale);

  NonceManager& nonces() { return nonces_; }

 private:
  const AccountDirectory& accounts_;
  DigestConfig config_;
  NonceManager nonces_;
  DigestHasher hasher_;
  std::string opaque_;
  std::string nonce_buffer_;
  std::string dummy_ha1_md5_;
  std::string dummy_ha1_sha256_;
};

}  // namespace dzvin::sip
