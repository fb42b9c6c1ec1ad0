// libFuzzer target: what a client controls of a REST request body (parse_json_object) and of a
// WebSocket upgrade's Origin/Host (same_origin). The input's first line is the Content-Type,
// the second the Origin, the third the Host, the rest the body. Invariants: an accepted body
// is an object holding only the allowed fields; a refusal is 400, 413 or 415 with a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_invariant.hpp"
#include "http/json_body.hpp"
#include "http/websocket_route.hpp"

using dzvin::fuzz::fail;

namespace {

std::string_view next_line(std::string_view& rest) {
  const std::size_t eol = rest.find('\n');
  const std::string_view line = rest.substr(0, eol);
  rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  dzvin::http::HttpRequest request;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", std::string(next_line(rest)));
  request.headers.emplace_back("Origin", std::string(next_line(rest)));
  request.headers.emplace_back("Host", std::string(next_line(rest)));
  request.body = std::string(rest);
  (void)dzvin::http::same_origin(request);

  const auto parsed = dzvin::http::parse_json_object(request, {"email", "password", "role"});
  if (parsed) {
    if (!parsed->is_object()) fail("accepted a body that is not an object");
    for (const auto& [key, value] : parsed->items()) {
      if (key != "email" && key != "password" && key != "role") fail("accepted an unknown field");
    }
    return 0;
  }
  const int code = parsed.error().code;
  if (code != 400 && code != 413 && code != 415) fail("refusal status");
  if (parsed.error().message.empty()) fail("refusal without a message");
  return 0;
}
