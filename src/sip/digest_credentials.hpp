#pragma once
// The credentials of an Authorization / Proxy-Authorization header with the Digest scheme
// (RFC 3261 §25.1 "credentials", RFC 2617 §3.2.2, RFC 7616 §3.4). Values are views into the
// header text; a quoted value that contains \-escapes is unescaped into storage owned by the
// object (the object is move-only, so the views stay valid).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::sip {

enum class DigestAlgorithm : std::uint8_t { md5, sha256 };
// "MD5", "SHA-256" as written in the algorithm parameter.
std::string_view to_string(DigestAlgorithm algorithm);
// The algorithm an algorithm parameter names (case-insensitive); nullopt for MD5-sess,
// SHA-512-256 and unknown tokens.
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view text);

enum class DigestQop : std::uint8_t {
  none,   // RFC 2069 compatibility form: no qop, cnonce or nc
  auth,   // qop=auth
  other,  // auth-int or an unknown token: parsed, refused by the authenticator
};

// Bounds on untrusted input: a value longer than max_value_bytes, a header longer than
// max_header_bytes, more than max_params parameters (per challenge) or more than max_challenges
// challenges in one header value is an error.
struct DigestLimits {
  std::size_t max_header_bytes = 4096;
  std::size_t max_value_bytes = 1024;
  std::size_t max_params = 24;
  std::size_t max_challenges = 16;
};

class DigestCredentials {
 public:
  DigestCredentials() = default;
  DigestCredentials(DigestCredentials&&) noexcept = default;
  DigestCredentials& operator=(DigestCredentials&&) noexcept = default;
  DigestCredentials(const DigestCredentials&) = delete;
  DigestCredentials& operator=(const DigestCredentials&) = delete;

  std::string_view username;
  std::string_view realm;
  std::string_view nonce;
  std::string_view uri;       // digest-uri, as sent (it enters HA2 verbatim)
  std::string_view response;  // hex, as sent
  std::string_view cnonce;    // empty without qop
  std::string_view opaque;    // empty when absent
  std::string_view nc_text;   // the 8 hex digits as sent (they enter the hash verbatim)
  std::uint32_t nc = 0;       // nonce-count value; 0 without qop
  DigestQop qop = DigestQop::none;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;  // RFC 2617 §3.2.1: MD5 when absent
  bool algorithm_supported = true;  // false for MD5-sess, SHA-512-256, unknown tokens

 private:
  friend Result<DigestCredentials> parse_digest_credentials(std::string_view, const DigestLimits&);
  std::unique_ptr<char[]> storage_;  // unescaped quoted values, allocated only when needed
};

// Parses a header value such as
//   Digest username="1001", realm="pbx.example", nonce="..", uri="sip:pbx.example",
//          response="..", algorithm=SHA-256, cnonce="..", qop=auth, nc=00000001
// Parameter names are case-insensitive and may come in any order; unknown parameters are
// ignored (RFC 7616 §3.4); a repeated known parameter is an error. username, realm, nonce,
// uri and response are required; with qop also cnonce and nc (8 hex digits). Errors carry
// 400 and say what was wrong.
Result<DigestCredentials> parse_digest_credentials(std::string_view header_value,
                                                   const DigestLimits& limits = {});

}  // namespace dzvin::sip
