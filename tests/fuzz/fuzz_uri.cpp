// libFuzzer target: parse_uri on any bytes; a parsed URI equals itself and an identical copy
// (RFC 3261 §19.1.4 comparison is reflexive), and its views stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/uri.hpp"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const auto p = reinterpret_cast<std::uintptr_t>(part.data());
  const auto w = reinterpret_cast<std::uintptr_t>(whole.data());
  return p >= w && p + part.size() <= w + whole.size();
}

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, static_cast<int>(text.size()),
               text.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dzvin::sip;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto uri = parse_uri(text);
  (void)unescape(text);
  (void)is_valid_host(text);
  if (!uri) return 0;
  for (std::string_view part : {uri->scheme_text, uri->user, uri->password, uri->host, uri->params,
                                uri->headers, uri->text}) {
    if (!inside(part, text)) fail("view outside input", text);
  }
  if (!uri_equal(*uri, *uri)) fail("not equal to itself", text);
  const std::string copy = text;
  const auto again = parse_uri(copy);
  if (!again) fail("second parse failed", text);
  if (!uri_equal(*uri, *again) || !uri_equal(*again, *uri)) fail("not equal to a copy", text);
  (void)uri->transport();
  (void)uri->param("transport");
  return 0;
}
