// libFuzzer target: a byte stream fed to StreamFramer in chunks whose sizes come from the
// input itself. Framing must not depend on where the chunks break: the messages, the pings
// and the error (if any) must be those of feeding the whole stream at once. Each framed
// message also goes through parse_message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/sip_message.hpp"
#include "sip/stream_framer.hpp"

namespace {

using namespace dzvin::sip;

struct Outcome {
  std::vector<std::string> messages;
  std::size_t pings = 0;
  int error = 0;
  bool operator==(const Outcome&) const = default;
};

// Drains the framer; false once it reported an error (the stream is then dead).
bool drain(StreamFramer& framer, Outcome& out) {
  while (true) {
    auto next = framer.next();
    out.pings += framer.take_pings();
    if (!next) {
      out.error = next.error().code;
      return false;
    }
    if (!next->has_value()) return true;
    out.messages.push_back(std::move(**next));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  MessageLimits limits;
  limits.max_message_bytes = 2048;  // small, so that fuzz inputs reach the limits
  limits.max_body_bytes = 1024;
  const std::size_t seed = data[0] | (static_cast<std::size_t>(data[1]) << 8);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  Outcome whole;
  {
    StreamFramer framer(limits);
    framer.feed(stream);
    drain(framer, whole);
  }
  Outcome chunked;
  {
    StreamFramer framer(limits);
    std::size_t state = seed | 1;
    for (std::size_t pos = 0; pos < stream.size();) {
      state = state * 1103515245u + 12345u;
      const std::size_t n = std::min<std::size_t>(stream.size() - pos, 1 + (state >> 8) % 64);
      framer.feed(stream.substr(pos, n));
      pos += n;
      if (!drain(framer, chunked)) break;
    }
  }
  if (!(whole == chunked)) {
    std::fprintf(stderr, "chunking changed the framing: %zu vs %zu messages, error %d vs %d\n",
                 whole.messages.size(), chunked.messages.size(), whole.error, chunked.error);
    std::abort();
  }
  for (const std::string& m : whole.messages) {
    if (m.size() > limits.max_message_bytes) std::abort();
    (void)parse_message(m, limits);
  }
  return 0;
}
