// libFuzzer target: parse_digest_challenges (WWW-Authenticate / Proxy-Authenticate, RFC 7616
// §3.3, several challenges per value) on any bytes. A parse that succeeds holds at most
// max_challenges Digest challenges, each with a nonce and no value beyond the limit; errors are
// 400 with a message naming the header. Every usable challenge is answered (digest_client), and
// the answer must read back through the server's credentials parser as the same realm, nonce,
// opaque, algorithm and qop: what Dzvin sends is what a Dzvin registrar would parse.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/digest_challenge.hpp"
#include "sip/digest_client.hpp"
#include "sip/digest_credentials.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, static_cast<int>(text.size()),
               text.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dzvin::sip;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const DigestLimits limits;
  auto challenges = parse_digest_challenges(text, limits);
  if (!challenges) {
    const auto& e = challenges.error();
    if (e.code != 400 || !e.message.starts_with("Digest challenge")) fail("odd error", text);
    return 0;
  }
  if (challenges->size() > limits.max_challenges) fail("too many challenges", text);
  for (const DigestChallenge& c : *challenges) {
    for (std::string_view v : {c.realm, c.nonce, c.opaque, c.domain, c.algorithm_text}) {
      if (v.size() > limits.max_value_bytes) fail("value over the limit", text);
    }
    if (c.nonce.empty()) fail("empty nonce", text);
    if (!c.has_opaque && !c.opaque.empty()) fail("opaque without has_opaque", text);
    if (!c.usable()) continue;

    const std::string answer = digest_authorization(
        c, DigestAnswer{"user\"name", "pw", "REGISTER", "sip:registrar.example", "0a4f113b", 1});
    DigestLimits roomy = limits;  // escaping may make the answer longer than the challenge
    roomy.max_header_bytes = 4 * limits.max_header_bytes;
    auto credentials = parse_digest_credentials(answer, roomy);
    if (!credentials) fail("our answer does not parse", answer);
    if (credentials->realm != c.realm || credentials->nonce != c.nonce ||
        credentials->opaque != c.opaque || credentials->username != "user\"name" ||
        credentials->algorithm != c.algorithm ||
        (credentials->qop == DigestQop::auth) != c.qop_offered) {
      fail("our answer reads back differently", answer);
    }
  }
  return 0;
}
