// libFuzzer target: parse_digest_credentials (the Authorization header, RFC 7616) on any
// bytes. A parse that succeeds has a nonce, uri and response, no value beyond the limit, and a qop
// request has its cnonce and 8-hex-digit nc; errors are 400 with a message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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
  auto c = parse_digest_credentials(text, limits);
  if (!c) {
    if (c.error().code != 400 || c.error().message.empty()) fail("odd error", text);
    return 0;
  }
  for (std::string_view v :
       {c->username, c->realm, c->nonce, c->uri, c->response, c->cnonce, c->opaque, c->nc_text}) {
    if (v.size() > limits.max_value_bytes) fail("value over the limit", text);
  }
  if (c->nonce.empty() || c->uri.empty() || c->response.empty()) {
    fail("required field empty", text);
  }
  if (c->qop != DigestQop::none && (c->cnonce.empty() || c->nc_text.size() != 8)) {
    fail("qop without cnonce or nc", text);
  }
  return 0;
}
