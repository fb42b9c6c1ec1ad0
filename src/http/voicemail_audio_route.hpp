#pragma once
// GET /media/{kind}/{id}.wav?expires=..&sig=..: the recorded audio behind the expiring signed
// links that notify/ puts in voicemail e-mails (notify/media_link.hpp). No login: the HMAC
// signature is the permission, and it covers kind, id and expiry.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "http/router.hpp"

namespace dzvin::http {

// kind ("voicemail" or "recording") and id -> the absolute path of the audio file; nullopt
// when there is none (unknown, deleted, still being recorded).
using MediaFileLookup =
    std::function<std::optional<std::string>(std::string_view kind, std::int64_t id)>;

struct VoicemailAudioRoute {
  std::string secret;            // the link secret (notify::load_or_create_secret); never logged
  MediaFileLookup lookup;        // called on the HTTP thread
  const Clock* clock = nullptr;  // wall time decides expiry; must outlive the router
};

// Registers GET (and so HEAD) /media/{kind}/{file}. Answers: 404 for another kind, 400 when
// the file is not "<id>.wav" with a decimal id, 403 for a missing or wrong signature (or
// expiry), 410 for a genuine link past its expiry, 404 when the lookup finds no file, and
// otherwise the file as audio/wav with byte ranges (file_response.hpp).
void add_voicemail_audio_route(Router& router, VoicemailAudioRoute route);

// A lookup reading the store: `voicemails` rows not deleted and `recordings` rows in state
// 'complete' (migration 3), whose paths are relative to `data_dir`. It opens its own
// read-only connection on first use (on the HTTP thread) and refuses a stored path that is
// absolute or leads outside `data_dir`. Store failures are logged and look like "no file".
MediaFileLookup make_store_media_lookup(std::string database_path, std::string data_dir);

}  // namespace dzvin::http
