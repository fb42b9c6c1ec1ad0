// libFuzzer target: parse_dtmf_info on any Content-Type and body. The input's first line is
// the Content-Type, the rest the body. Invariants: a key is one of "0123456789*#ABCD"; an error
// is 415 or 400 with a non-empty, bounded, printable message (it becomes a reason phrase).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_invariant.hpp"
#include "sip/dtmf_info.hpp"

using dzvin::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t eol = input.find('\n');
  const std::string_view type = input.substr(0, eol);
  const std::string_view body =
      eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  const auto r = dzvin::sip::parse_dtmf_info(type, body);
  if (r.ok()) {
    if (*r == '\0' || std::string_view("0123456789*#ABCD").find(*r) == std::string_view::npos) {
      fail("not a DTMF key");
    }
    return 0;
  }
  const auto& e = r.error();
  if (e.code != 415 && e.code != 400) fail("status");
  if (e.message.empty() || e.message.size() > 200) fail("message size");
  for (char c : e.message) {
    if (c < 0x20 || c > 0x7E) fail("message not printable");
  }
  return 0;
}
