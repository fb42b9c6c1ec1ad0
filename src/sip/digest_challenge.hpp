#pragma once
// The Digest challenges of a WWW-Authenticate / Proxy-Authenticate header (RFC 3261 §20.44,
// §25.1 "challenge"; RFC 2617 §3.2.1; RFC 7616 §3.3; RFC 7235 §4.1: one header value may hold
// several challenges, comma-separated, of any scheme). What Dzvin needs as a client of a SIP
// trunk provider. Values are views into the header text; a quoted value that contains
// \-escapes is unescaped into storage owned by the challenge (move-only, so the views stay
// valid).
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sip/digest_credentials.hpp"

namespace dzvin::sip {

class DigestChallenge {
 public:
  DigestChallenge() = default;
  DigestChallenge(DigestChallenge&&) noexcept = default;
  DigestChallenge& operator=(DigestChallenge&&) noexcept = default;
  DigestChallenge(const DigestChallenge&) = delete;
  DigestChallenge& operator=(const DigestChallenge&) = delete;

  std::string_view realm;
  std::string_view nonce;
  std::string_view opaque;  // echoed back unchanged when present (RFC 7616 §3.3)
  bool has_opaque = false;
  std::string_view domain;          // space-separated URIs, as sent; empty when absent
  std::string_view algorithm_text;  // as sent; empty when absent
  DigestAlgorithm algorithm = DigestAlgorithm::md5;  // RFC 2617 §3.2.1: MD5 when absent
  bool algorithm_supported = true;  // false for MD5-sess, SHA-512-256, unknown tokens
  bool stale = false;               // stale=true (case-insensitive): retry without re-prompting
  bool qop_offered = false;         // false: the RFC 2069 form (no qop, cnonce, nc)
  bool qop_auth = false;            // "auth" is in the qop list
  bool qop_auth_int = false;        // "auth-int" is in the qop list

  // Whether Dzvin can answer it: MD5 or SHA-256, and qop=auth or no qop at all.
  bool usable() const { return algorithm_supported && (!qop_offered || qop_auth); }

 private:
  friend Result<std::vector<DigestChallenge>> parse_digest_challenges(std::string_view,
                                                                      const DigestLimits&);
  std::unique_ptr<char[]> storage_;  // unescaped quoted values, allocated only when needed
};

// Parses a header value such as
//   Digest realm="sip.provider.example", nonce="..", opaque="..", algorithm=SHA-256,
//          qop="auth,auth-int", stale=FALSE, Digest realm=..
// into its Digest challenges, in order; challenges of other schemes (Basic, Bearer, ...) are
// skipped. Parameter names are case-insensitive; unknown ones are ignored (RFC 7616 §3.3); a
// repeated known one is an error. realm and a non-empty nonce are required. qop is a quoted
// comma-separated list (a bare token is accepted too); algorithm and stale may be quoted.
// Errors carry 400 and say what was wrong (e.g. "Digest challenge: missing nonce"); any byte
// sequence is safe, bounded by `limits`.
Result<std::vector<DigestChallenge>> parse_digest_challenges(std::string_view header_value,
                                                             const DigestLimits& limits = {});

// A header value that holds exactly one challenge, a Digest one.
Result<DigestChallenge> parse_digest_challenge(std::string_view header_value,
                                               const DigestLimits& limits = {});

}  // namespace dzvin::sip
