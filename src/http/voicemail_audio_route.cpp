#include "http/voicemail_audio_route.hpp"

#include <charconv>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "base/log.hpp"
#include "http/decimal.hpp"
#include "http/file_response.hpp"
#include "notify/media_link.hpp"
#include "store/database.hpp"

namespace dzvin::http {

namespace {

constexpr std::string_view kAudioSuffix = ".wav";

HttpResponse serve(const VoicemailAudioRoute& route, const HttpRequest& request,
                   const RouteParams& params) {
  const std::string_view kind = params.get("kind");
  if (kind != "voicemail" && kind != "recording")
    return json_error(404, "not_found", "no such resource");

  std::string_view file = params.get("file");
  if (!file.ends_with(kAudioSuffix))
    return json_error(400, "bad_media_id", "the file must be <id>.wav", "file");
  file.remove_suffix(kAudioSuffix.size());
  const auto id = parse_decimal(file);
  if (!id) return json_error(400, "bad_media_id", "the id must be a decimal number", "file");

  const auto expires_text = request.query_parameter("expires");
  const auto sig = request.query_parameter("sig");
  const auto expires = expires_text ? parse_decimal(*expires_text) : std::nullopt;
  // A link without a readable expiry cannot carry a valid signature either.
  const auto check = expires && sig
                         ? notify::check_media_link(route.secret, kind, *id, *expires, *sig,
                                                    unix_seconds(route.clock->wall_now()))
                         : notify::LinkCheck::bad_signature;
  switch (check) {
    case notify::LinkCheck::bad_signature:
      log(LogLevel::info, "http.media_link_refused",
          {{"kind", kind},
           {"id", *id},
           {"reason", "bad_signature"},
           {"remote", request.remote_address}});
      return json_error(403, "bad_signature", "the link is not valid", "sig");
    case notify::LinkCheck::expired:
      return json_error(410, "link_expired", "link expired", "expires");
    case notify::LinkCheck::ok:
      break;
  }

  const auto path = route.lookup(kind, *id);
  if (!path) return json_error(404, "not_found", "the audio file is gone");
  HttpResponse response = file_response(request, *path, "audio/wav");
  // Signed links are personal: caches shared between users must not keep the audio.
  if (response.status == 200 || response.status == 206 || response.status == 304) {
    response.set_header("Cache-Control", "private");
    response.set_header("Content-Disposition", "inline; filename=\"" + std::string(kind) + "-" +
                                                   std::to_string(*id) + ".wav\"");
  }
  return response;
}

struct StoreMediaLookup {
  std::string database_path;
  std::filesystem::path data_dir;
  std::mutex mutex;  // the connection is meant for the HTTP thread; this keeps copies honest
  store::Database db;
  store::Statement voicemail;
  store::Statement recording;

  Result<void> open() {
    if (db.is_open()) return {};
    store::DatabaseOptions options;
    options.read_only = true;
    auto opened = store::Database::open(database_path, options);
    if (!opened) return opened.error();
    auto v = opened->prepare("SELECT path FROM voicemails WHERE id=?1 AND deleted_at IS NULL");
    if (!v) return v.error();
    auto r = opened->prepare("SELECT path FROM recordings WHERE id=?1 AND state='complete'");
    if (!r) return r.error();
    voicemail = std::move(*v);
    recording = std::move(*r);
    db = std::move(*opened);
    return {};
  }

  std::optional<std::string> find(std::string_view kind, std::int64_t id) {
    std::lock_guard lock(mutex);
    if (auto r = open(); !r) {
      log(LogLevel::error, "http.media_lookup_failed", {{"reason", r.error().message}});
      return std::nullopt;
    }
    if (kind != "voicemail" && kind != "recording") return std::nullopt;
    store::Statement& query = kind == "voicemail" ? voicemail : recording;
    query.reset();
    query.bind(1, id);
    auto row = query.step();
    if (!row) {
      log(LogLevel::error, "http.media_lookup_failed", {{"reason", row.error().message}});
      query.reset();
      return std::nullopt;
    }
    if (!*row) return std::nullopt;
    const std::string relative = query.column_text(0);
    query.reset();  // ends the read transaction: the writer's WAL can be checkpointed
    auto path = resolve_under(data_dir, relative);
    if (!path)
      log(LogLevel::error, "http.media_path_refused",
          {{"kind", kind}, {"id", id}, {"path", relative}});
    return path;
  }
};

}  // namespace

void add_voicemail_audio_route(Router& router, VoicemailAudioRoute route) {
  if (route.clock == nullptr || !route.lookup)
    throw std::invalid_argument("voicemail audio route needs a clock and a lookup");
  auto shared = std::make_shared<const VoicemailAudioRoute>(std::move(route));
  router.get("/media/{kind}/{file}",
             [shared](const HttpRequest& request, const RouteParams& params) {
               return serve(*shared, request, params);
             });
}

MediaFileLookup make_store_media_lookup(std::string database_path, std::string data_dir) {
  auto lookup = std::make_shared<StoreMediaLookup>();
  lookup->database_path = std::move(database_path);
  lookup->data_dir = std::filesystem::absolute(data_dir).lexically_normal();
  // "/var/lib/dzvin/" normalises with an empty last part; drop it so prefixes compare alike.
  if (!lookup->data_dir.has_filename()) lookup->data_dir = lookup->data_dir.parent_path();
  return [lookup](std::string_view kind, std::int64_t id) { return lookup->find(kind, id); };
}

}  // namespace dzvin::http
