#pragma once
// The recorded audio for logged-in users (the call log's player, the voicemail inbox):
//   GET /api/v1/recordings/{id}/audio   a complete call recording
//   GET /api/v1/voicemails/{id}/audio   a voicemail message
// with byte ranges (file_response). Confined to the caller's company (another company's id is
// a 404); managers and operators hear only their own calls' recordings (answered by them or
// made from their extension) and the messages of their own box.
#include <string>

#include "http/auth_context.hpp"
#include "http/call_routes.hpp"

namespace dzvin::http {

struct MediaRouteDeps {
  std::string database_path;  // read-only connection of its own, opened on first use
  std::string data_dir;       // the files' paths in the store are relative to it
};

void add_media_routes(const AuthedRouteAdder& add, MediaRouteDeps deps);

}  // namespace dzvin::http
