#pragma once
// Codes of the Result errors the media module returns (Error::code).
namespace dzvin::media {

enum class MediaErrc : int {
  no_free_port = 1,    // every RTP/RTCP pair of the range is in use or busy
  socket_failed = 2,   // socket() or bind() failed for a reason other than a busy port
  unknown_relay = 3,   // the RelayId was destroyed or never existed
  bad_leg_params = 4,  // LegParams that cannot be applied (the message names the field)
};

constexpr int code(MediaErrc e) {
  return static_cast<int>(e);
}

}  // namespace dzvin::media
