// libFuzzer target: what a REST client controls of the routing and the CRM besides the JSON
// framing: a whole routing document (PUT /api/v1/routing and every section resource: groups,
// caller lists, schemes, ...), a phone number (contacts, caller card, caller lists, tasks) and
// an instant (from/to/due_at). Invariants: an accepted document survives a round trip
// unchanged; an accepted number is E.164 or an extension of digits; errors carry a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_invariant.hpp"
#include "http/instant_text.hpp"
#include "pbx/phone_number.hpp"
#include "pbx/routing_document.hpp"

using dzvin::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto document = dzvin::pbx::parse_routing_document(input)) {
    const std::string once = dzvin::pbx::to_json(*document);
    auto again = dzvin::pbx::parse_routing_document(once);
    if (!again) fail("a document written back does not parse");
    if (dzvin::pbx::to_json(*again) != once) fail("a document changed in a round trip");
  } else if (document.error().message.empty()) {
    fail("a refused document without a message");
  }

  const std::string_view first_line = input.substr(0, input.find('\n'));
  if (auto number = dzvin::pbx::normalize_phone_number(first_line)) {
    const std::string& text = number->text;
    if (number->kind == dzvin::pbx::NumberKind::e164) {
      if (!dzvin::pbx::is_e164(text)) fail("an accepted number is not E.164");
    } else if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
      fail("an extension that is not digits");
    }
  } else if (number.error().code != 400 || number.error().message.empty()) {
    fail("a refused number without a 400 and a message");
  }

  (void)dzvin::http::parse_instant_ms(first_line);
  return 0;
}
