#include "sip/digest_authenticator.hpp"
#include "sip/header_values.hpp"

#include <array>

namespace dzvin::sip {

namespace {

// The client's response in lowercase (LHEX, RFC 2617 §3.2.1); false when it is not hex of
// the expected length. Only lowercasing, no early exit on content, so the comparison that
// follows stays constant-time.
bool normalize_response(std::string_view response, std::size_t expected_size, DigestHex& out) {
  if (response.size() != expected_size) return false;
  bool hex = true;
  for (std::size_t i = 0; i < response.size(); ++i) {
    char c = response[i];
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    out[i] = c;
  }
  return hex;
}

}  // namespace

std::string_view compute_digest_response(DigestHasher& hasher, const DigestResponseInput& in,
                                         DigestHex& out) {
  // RFC 2617 §3.2.2.3 / RFC 7616 §3.4.3: HA2 = H(method ":" digest-uri) for qop=auth and
  // without qop.
  DigestHex ha2_buf{};
  const std::string_view ha2_parts[] = {in.method, in.uri};
  const std::string_view ha2 = hasher.hash_joined(in.algorithm, ha2_parts, ha2_buf);
  if (in.qop_auth) {
    const std::string_view parts[] = {in.ha1, in.nonce, in.nc_text, in.cnonce, "auth", ha2};
    return hasher.hash_joined(in.algorithm, parts, out);
  }
  const std::string_view parts[] = {in.ha1, in.nonce, ha2};
  return hasher.hash_joined(in.algorithm, parts, out);
}

DigestAuthenticator::DigestAuthenticator(const AccountDirectory& accounts, const Clock& clock,
                                         DigestConfig config)
    : accounts_(accounts),
      config_(std::move(config)),
      nonces_(clock, config_.nonce),
      opaque_(random_hex(8)),
      dummy_ha1_md5_(random_hex(16)),
      dummy_ha1_sha256_(random_hex(32)) {
  config_.nonce.secret.clear();
  nonce_buffer_.reserve(64);
}

AuthResult DigestAuthenticator::authenticate(const SipMessage& request, std::string_view realm) {
  bool any = false;
  for (const Header& h : request.headers()) {
    if (h.id != HeaderId::authorization) continue;
    any = true;
    auto creds = parse_digest_credentials(h.value);
    if (!creds) return AuthResult{AuthOutcome::malformed, nullptr, "malformed Authorization"};
    // Credentials for another realm are for someone else (RFC 3261 §22.4); look further.
    if (!iequals(creds->realm, realm)) continue;
    return verify(*creds, request.method_text(), realm);
  }
  return AuthResult{AuthOutcome::challenge, nullptr,
                    any ? "no credentials for realm" : "no credentials"};
}

AuthResult DigestAuthenticator::verify(const DigestCredentials& credentials,
                                       std::string_view method, std::string_view realm) {
  if (!credentials.algorithm_supported || credentials.qop == DigestQop::other) {
    return AuthResult{AuthOutcome::challenge, nullptr, "unsupported algorithm or qop"};
  }
  const bool sha = credentials.algorithm == DigestAlgorithm::sha256;
  if ((sha && !config_.offer_sha256) || (!sha && !config_.offer_md5)) {
    return AuthResult{AuthOutcome::challenge, nullptr, "algorithm not offered"};
  }

  // Same work whether or not the user exists: a lookup, then HA2 and the response hash.
  const SipAccount* account = accounts_.find(realm, credentials.username);
  std::string_view ha1 = sha ? dummy_ha1_sha256_ : dummy_ha1_md5_;
  bool real_ha1 = false;
  if (account != nullptr) {
    const std::string& stored = sha ? account->ha1_sha256 : account->ha1_md5;
    if (stored.size() == digest_hex_size(credentials.algorithm)) {
      ha1 = stored;
      real_ha1 = true;
    }
  }

  DigestHex expected_buf{};
  const std::string_view expected = compute_digest_response(
      hasher_,
      DigestResponseInput{credentials.algorithm, ha1, credentials.nonce,
                          credentials.qop == DigestQop::auth, credentials.nc_text,
                          credentials.cnonce, method, credentials.uri},
      expected_buf);

  DigestHex got_buf{};
  const bool well_formed = normalize_response(credentials.response, expected.size(), got_buf);
  const bool match =
      constant_time_equal(expected, std::string_view(got_buf.data(), expected.size()));
  if (!well_formed || !match || !real_ha1) {
    return AuthResult{AuthOutcome::bad_credentials, nullptr, "bad credentials"};
  }

  switch (nonces_.use(credentials.nonce, credentials.qop == DigestQop::auth ? credentials.nc : 0)) {
    case NonceCheck::valid:
      return AuthResult{AuthOutcome::authenticated, account, "ok"};
    case NonceCheck::replay:
      return AuthResult{AuthOutcome::stale, nullptr, "nonce-count replayed"};
    case NonceCheck::invalid:
      // The response is right for this nonce, so the client knows the password: a nonce of a
      // previous run (random secret) or damaged in transit. stale=true lets it retry silently.
      return AuthResult{AuthOutcome::stale, nullptr, "nonce not ours"};
    case NonceCheck::stale:
      break;
  }
  return AuthResult{AuthOutcome::stale, nullptr, "nonce expired"};
}

void DigestAuthenticator::add_challenges(ResponseHeaders& headers, std::string_view realm,
                                         bool stale) {
  nonce_buffer_.clear();
  nonces_.issue(nonce_buffer_);
  const auto add_one = [&](DigestAlgorithm algorithm) {
    // RFC 7616 §3.3 challenge; the realm is a tenant's SIP domain (a hostname), so it needs
    // no escaping inside the quotes.
    if (!headers.begin("WWW-Authenticate")) return;
    headers.append("Digest realm=\"");
    headers.append(realm);
    headers.append("\", nonce=\"");
    headers.append(nonce_buffer_);
    headers.append("\", opaque=\"");
    headers.append(opaque_);
    headers.append("\", algorithm=");
    headers.append(to_string(algorithm));
    headers.append(", qop=\"auth\"");
    if (stale) headers.append(", stale=true");
    headers.commit();
  };
  // RFC 8760 §2.4: challenges in order of preference. Deployed stacks (libre/baresip 1.0,
  // SIPp 3.6) give up on the first challenge whose algorithm they lack instead of trying the
  // next one, so MD5 goes first unless the operator prefers SHA-256.
  if (config_.prefer_sha256) {
    if (config_.offer_sha256) add_one(DigestAlgorithm::sha256);
    if (config_.offer_md5) add_one(DigestAlgorithm::md5);
  } else {
    if (config_.offer_md5) add_one(DigestAlgorithm::md5);
    if (config_.offer_sha256) add_one(DigestAlgorithm::sha256);
  }
}

}  // namespace dzvin::sip
