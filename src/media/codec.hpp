#pragma once
// The audio codecs the relay understands. The call engine maps SDP rtpmap names to these; the
// media module never sees SDP.
#include <cstdint>
#include <string_view>

namespace dzvin::media {

enum class Codec : std::uint8_t {
  pcmu,  // G.711 µ-law, "PCMU/8000"
  pcma,  // G.711 A-law, "PCMA/8000"
};

// RFC 3551 §6: the static payload type numbers (0 PCMU, 8 PCMA).
constexpr std::uint8_t static_payload_type(Codec codec) {
  return codec == Codec::pcmu ? 0 : 8;
}

constexpr std::string_view to_string(Codec codec) {
  return codec == Codec::pcmu ? "PCMU" : "PCMA";
}

}  // namespace dzvin::media
