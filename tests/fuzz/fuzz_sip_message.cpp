// libFuzzer target: any byte sequence through parse_message and validate_request; for every
// request that parses, the response built from it must parse again and keep the transaction
// identifiers (RFC 3261 §8.2.6.2).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/header_values.hpp"
#include "sip/message_writer.hpp"
#include "sip/sip_message.hpp"

namespace {

using namespace dzvin::sip;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void check_reason(std::string_view reason) {
  for (char c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("control char in reason", reason);
  }
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const auto p = reinterpret_cast<std::uintptr_t>(part.data());
  const auto w = reinterpret_cast<std::uintptr_t>(whole.data());
  return p >= w && p + part.size() <= w + whole.size();
}

std::size_t via_count(const SipMessage& m) {
  std::size_t n = 0;
  for (const Header& h : m.headers()) {
    if (h.id != HeaderId::via) continue;
    for (auto it = CommaList(h.value).begin(); it != CommaList(h.value).end(); ++it)
      ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = parse_message(std::string(reinterpret_cast<const char*>(data), size));
  if (!parsed) {
    const int code = parsed.error().code;
    if (code != 400 && code != 413 && code != 505 && code != 513) fail("odd parse status", "");
    check_reason(parsed.error().message);
    return 0;
  }
  // Move it around: the views must follow the buffer.
  SipMessage m = std::move(parsed).value();
  SipMessage moved;
  moved = std::move(m);
  const std::string_view raw = moved.raw();
  for (const Header& h : moved.headers()) {
    if (!inside(h.name, raw) || !inside(h.value, raw)) fail("header view outside buffer", raw);
  }
  if (!inside(moved.body(), raw) || !inside(moved.core().call_id, raw)) {
    fail("view outside buffer", raw);
  }
  if (moved.is_response()) return 0;

  const auto valid = validate_request(moved);
  if (!valid) check_reason(valid.error().message);
  (void)check_max_forwards(moved);
  const int status = valid ? 200 : valid.error().code;
  std::string out;
  const ExtraHeader extra[] = {{"Server", "fuzz"}};
  build_response(out, moved, {"192.0.2.1", 5060}, status, valid ? "" : valid.error().message,
                 "fuzztag", extra, valid ? "body" : "", "text/plain");
  auto response = parse_message(out);
  if (!response) fail(response.error().message.c_str(), out);
  if (response->status() != status) fail("status changed", out);
  if (response->core().call_id != moved.core().call_id) fail("Call-ID changed", out);
  if (response->core().cseq != moved.core().cseq) fail("CSeq changed", out);
  if (response->core().from_tag != moved.core().from_tag) fail("From tag changed", out);
  if (moved.find(HeaderId::to) != nullptr) {
    const std::string_view want = moved.core().to_tag.empty() ? "fuzztag" : moved.core().to_tag;
    if (response->core().to_tag != want) fail("To tag wrong", out);
  }
  if (via_count(*response) != via_count(moved)) fail("Via count changed", out);
  if (moved.core().has_via && response->core().top_via.branch != moved.core().top_via.branch) {
    fail("top branch changed", out);
  }
  return 0;
}
