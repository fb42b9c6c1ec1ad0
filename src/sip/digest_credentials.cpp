#include "sip/digest_credentials.hpp"

#include "sip/digest_params.hpp"
#include "sip/header_values.hpp"

#include <array>
#include <string>

namespace dzvin::sip {

namespace {

constexpr int kBadRequest = 400;

enum Field : std::uint8_t {
  kUsername,
  kRealm,
  kNonce,
  kUri,
  kResponse,
  kAlgorithm,
  kCnonce,
  kOpaque,
  kQop,
  kNc,
  kUserhash,
  kFieldCount,
  kUnknown = kFieldCount,
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "username", "realm",  "nonce", "uri", "response", "algorithm",
    "cnonce",   "opaque", "qop",   "nc",  "userhash"};

Error bad(std::string message) {
  return make_error(kBadRequest, std::move(message));
}

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::md5 ? "MD5" : "SHA-256";
}

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view text) {
  if (iequals(text, "MD5")) return DigestAlgorithm::md5;
  if (iequals(text, "SHA-256")) return DigestAlgorithm::sha256;
  return std::nullopt;
}

Result<DigestCredentials> parse_digest_credentials(std::string_view header_value,
                                                   const DigestLimits& limits) {
  if (header_value.size() > limits.max_header_bytes) return bad("Authorization header too long");
  AuthParamReader in(header_value, "Authorization", limits);
  if (!iequals(in.scheme(), "Digest")) return bad("Authorization scheme is not Digest");
  if (!in.space_after_scheme()) return bad("Authorization: no parameters after Digest");

  DigestCredentials creds;
  UnescapeStorage storage{creds.storage_};
  // qop and nc are tokens in the grammar; some clients quote them anyway, which is harmless to
  // accept, so quoted and token values are treated alike.
  KnownAuthParams values(kFieldNames);
  if (auto read = values.read(in, storage); !read) return read.error();
  // Credentials are one element: what is left would be a second scheme.
  if (!in.at_end()) return bad("Authorization: parameter without value");

  static constexpr std::array<Field, 5> kRequired = {kUsername, kRealm, kNonce, kUri, kResponse};
  for (Field f : kRequired) {
    if (!values.has(f)) return bad("Authorization: missing " + std::string(kFieldNames[f]));
  }
  creds.username = values[kUsername];
  creds.realm = values[kRealm];
  creds.nonce = values[kNonce];
  creds.uri = values[kUri];
  creds.response = values[kResponse];
  creds.opaque = values[kOpaque];
  if (creds.nonce.empty()) return bad("Authorization: empty nonce");
  // digest-uri is the Request-URI (RFC 7616 §3.4): it enters HA2 and cannot be empty.
  if (creds.uri.empty()) return bad("Authorization: empty uri");
  if (creds.response.empty()) return bad("Authorization: empty response");

  if (values.has(kAlgorithm)) {
    const auto algorithm = parse_digest_algorithm(values[kAlgorithm]);
    creds.algorithm = algorithm.value_or(DigestAlgorithm::md5);
    creds.algorithm_supported = algorithm.has_value();
  }

  if (values.has(kQop)) {
    creds.qop = iequals(values[kQop], "auth") ? DigestQop::auth : DigestQop::other;
    if (!values.has(kCnonce) || values[kCnonce].empty())
      return bad("Authorization: qop without cnonce");
    if (!values.has(kNc)) return bad("Authorization: qop without nc");
    const std::string_view nc = values[kNc];
    if (nc.size() != 8) return bad("Authorization: nc must be 8 hex digits");
    std::uint32_t count = 0;
    for (char c : nc) {
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return bad("Authorization: nc must be 8 hex digits");
      }
      count = count * 16 + digit;
    }
    if (count == 0) return bad("Authorization: nc must not be 0");
    creds.nc = count;
    creds.nc_text = nc;
    creds.cnonce = values[kCnonce];
  } else if (values.has(kNc) || values.has(kCnonce)) {
    // RFC 2617 §3.2.2: cnonce and nc MUST NOT be sent without qop.
    return bad("Authorization: cnonce/nc without qop");
  }
  return creds;
}

}  // namespace dzvin::sip
