#include "sip/digest_challenge.hpp"

#include <array>
#include <string>

#include "sip/digest_params.hpp"
#include "sip/header_values.hpp"

namespace dzvin::sip {

namespace {

constexpr std::string_view kWhat = "Digest challenge";

enum Field : std::uint8_t {
  kRealm,
  kNonce,
  kOpaque,
  kDomain,
  kAlgorithm,
  kStale,
  kQop,
  kCharset,
  kUserhash,
  kFieldCount,
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "realm", "nonce", "opaque", "domain", "algorithm", "stale", "qop", "charset", "userhash"};

Error bad(std::string_view what) {
  return make_error(400, std::string(kWhat) + ": " + std::string(what));
}

// The parameters after "Digest" up to the next challenge or the end.
Result<void> read_challenge(AuthParamReader& in, DigestChallenge& c, UnescapeStorage& storage) {
  if (!in.space_after_scheme()) return bad("no parameters after Digest");
  KnownAuthParams values(kFieldNames);
  if (auto read = values.read(in, storage); !read) return read;
  if (!values.has(kRealm)) return bad("missing realm");
  if (!values.has(kNonce)) return bad("missing nonce");
  c.realm = values[kRealm];
  c.nonce = values[kNonce];
  if (c.nonce.empty()) return bad("empty nonce");
  c.has_opaque = values.has(kOpaque);
  c.opaque = values[kOpaque];
  c.domain = values[kDomain];
  if (values.has(kAlgorithm)) {
    c.algorithm_text = values[kAlgorithm];
    const auto algorithm = parse_digest_algorithm(c.algorithm_text);
    c.algorithm = algorithm.value_or(DigestAlgorithm::md5);
    c.algorithm_supported = algorithm.has_value();
  }
  // RFC 2617 §3.2.1: "If stale is TRUE (case-insensitive)"; anything else is false.
  c.stale = iequals(values[kStale], "true");
  if (values.has(kQop)) {
    // qop-options = "qop" "=" <"> 1#qop-value <"> (RFC 2617 §3.2.1, RFC 7616 §3.3).
    c.qop_offered = true;
    for (std::string_view option : CommaList(values[kQop])) {
      if (iequals(option, "auth")) c.qop_auth = true;
      if (iequals(option, "auth-int")) c.qop_auth_int = true;
    }
  }
  return {};
}

}  // namespace

Result<std::vector<DigestChallenge>> parse_digest_challenges(std::string_view header_value,
                                                             const DigestLimits& limits) {
  if (header_value.size() > limits.max_header_bytes) {
    return make_error(400, std::string(kWhat) + " header too long");
  }
  AuthParamReader in(header_value, kWhat, limits);
  std::vector<DigestChallenge> challenges;
  std::size_t count = 0;
  while (!in.at_end()) {
    if (++count > limits.max_challenges) return bad("too many challenges");
    const std::string_view scheme = in.scheme();
    if (scheme.empty()) return bad("malformed auth-scheme");
    if (!iequals(scheme, "Digest")) {
      in.skip_challenge();
      continue;
    }
    DigestChallenge c;
    UnescapeStorage storage{c.storage_};
    if (auto read = read_challenge(in, c, storage); !read) return read.error();
    challenges.push_back(std::move(c));
  }
  return challenges;
}

Result<DigestChallenge> parse_digest_challenge(std::string_view header_value,
                                               const DigestLimits& limits) {
  auto challenges = parse_digest_challenges(header_value, limits);
  if (!challenges) return challenges.error();
  if (challenges->empty()) return bad("no Digest challenge");
  if (challenges->size() > 1) return bad("more than one challenge");
  return std::move(challenges->front());
}

}  // namespace dzvin::sip
