#include "sip/digest_client.hpp"

#include <openssl/crypto.h>

#include <array>
#include <optional>
#include <string>

#include "sip/digest_authenticator.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/header_values.hpp"

namespace dzvin::sip {

namespace {

// Why a parsed challenge cannot be answered, for the error message.
std::string unusable_reason(const DigestChallenge& c) {
  if (!c.algorithm_supported) {
    return "algorithm " + std::string(c.algorithm_text.substr(0, 40)) + " not supported";
  }
  return c.qop_auth_int ? "only qop auth-int offered" : "no supported qop offered";
}

}  // namespace

Result<ChosenChallenge> choose_challenge(const SipMessage& response) {
  const int status = response.is_response() ? response.status() : 0;
  if (status != 401 && status != 407) {
    return make_error(0, "not a 401/407 challenge (status " + std::to_string(status) + ")");
  }
  const bool proxy = status == 407;
  const HeaderId id = proxy ? HeaderId::proxy_authenticate : HeaderId::www_authenticate;
  std::string why = "no " + std::string(canonical_name(id)) + " header";
  std::optional<DigestChallenge> best;
  for (const Header& h : response.headers()) {
    if (h.id != id) continue;
    auto challenges = parse_digest_challenges(h.value);
    if (!challenges) {
      why = challenges.error().message;
      continue;
    }
    if (challenges->empty() && !best) why = "no Digest challenge";
    for (DigestChallenge& c : *challenges) {
      if (!c.usable()) {
        why = unusable_reason(c);
        continue;
      }
      // RFC 8760 §2.4: the strongest algorithm the client supports.
      if (!best ||
          (best->algorithm == DigestAlgorithm::md5 && c.algorithm == DigestAlgorithm::sha256)) {
        best = std::move(c);
      }
    }
  }
  if (!best) {
    return make_error(status,
                      std::to_string(status) + " without a usable Digest challenge: " + why);
  }
  return ChosenChallenge{std::move(*best), proxy ? "Proxy-Authorization" : "Authorization"};
}

std::string digest_authorization(const DigestChallenge& challenge, const DigestAnswer& answer) {
  const DigestAlgorithm algorithm = challenge.algorithm;
  const bool qop = challenge.qop_offered;
  DigestHasher hasher;
  // HA1 = H(username ":" realm ":" password), RFC 7616 §3.4.2; not kept beyond this call.
  DigestHex ha1_buffer{};
  const std::string_view ha1_parts[] = {answer.username, challenge.realm, answer.password};
  const std::string_view ha1 = hasher.hash_joined(algorithm, ha1_parts, ha1_buffer);

  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 8> nc{};
  for (std::size_t i = 0; i < nc.size(); ++i)
    nc[i] = kHex[(answer.nc >> (28 - 4 * i)) & 0xf];
  const std::string_view nc_text(nc.data(), nc.size());

  DigestHex response_buffer{};
  const std::string_view response =
      compute_digest_response(hasher,
                              DigestResponseInput{algorithm, ha1, challenge.nonce, qop, nc_text,
                                                  answer.cnonce, answer.method, answer.digest_uri},
                              response_buffer);
  OPENSSL_cleanse(ha1_buffer.data(), ha1_buffer.size());

  std::string out = "Digest username=";
  out.reserve(256);
  append_quoted(out, answer.username);
  out += ", realm=";
  append_quoted(out, challenge.realm);
  out += ", nonce=";
  append_quoted(out, challenge.nonce);
  out += ", uri=";
  append_quoted(out, answer.digest_uri);
  out += ", response=\"";
  out += response;
  out += "\", algorithm=";
  out += to_string(algorithm);
  if (qop) {
    out += ", cnonce=";
    append_quoted(out, answer.cnonce);
    out += ", qop=auth, nc=";
    out += nc_text;
  }
  if (challenge.has_opaque) {
    out += ", opaque=";
    append_quoted(out, challenge.opaque);
  }
  return out;
}

AuthorizationHeader answer_challenge(const ChosenChallenge& chosen, std::string_view username,
                                     std::string_view password, std::string_view method,
                                     std::string_view digest_uri) {
  const std::string cnonce = random_hex(12);
  return AuthorizationHeader{
      chosen.header_name,
      digest_authorization(chosen.challenge,
                           DigestAnswer{username, password, method, digest_uri, cnonce, 1})};
}

Result<AuthorizationHeader> answer_challenge(const SipMessage& response, std::string_view username,
                                             std::string_view password, std::string_view method,
                                             std::string_view digest_uri) {
  auto chosen = choose_challenge(response);
  if (!chosen) return chosen.error();
  return answer_challenge(*chosen, username, password, method, digest_uri);
}

}  // namespace dzvin::sip
