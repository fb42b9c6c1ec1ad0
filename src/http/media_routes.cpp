#include "http/media_routes.hpp"

#include <charconv>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "base/log.hpp"
#include "http/decimal.hpp"
#include "http/file_response.hpp"
#include "http/lazy_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {

namespace {

struct MediaFiles {
  explicit MediaFiles(MediaRouteDeps d) : deps(std::move(d)), db(deps.database_path, true) {}

  MediaRouteDeps deps;
  std::filesystem::path root;
  std::mutex mutex;  // one connection; the HTTP thread runs one handler at a time anyway
  LazyDatabase db;

  // The file of voicemail or recording `id` that `auth` may hear, or an error response.
  std::variant<std::string, HttpResponse> find(bool voicemail, std::int64_t id,
                                               const AuthContext& auth) {
    std::lock_guard lock(mutex);
    auto connection = db.get();
    if (!connection) {
      log(LogLevel::error, "http.media_lookup_failed", {{"reason", connection.error().message}});
      return json_error(503, "unavailable", "the recordings cannot be read now");
    }
    // The owner test for managers: their own box, or a call they made or answered.
    const char* sql = voicemail
                          ? "SELECT v.path, v.box = ?3 OR c.answered_by = ?4 OR c.caller = ?3 "
                            "FROM voicemails v LEFT JOIN calls c ON c.id = v.call_id "
                            "WHERE v.id = ?1 AND v.tenant_id = ?2 AND v.deleted_at IS NULL"
                          : "SELECT r.path, c.answered_by = ?4 OR c.caller = ?3 "
                            "FROM recordings r LEFT JOIN calls c ON c.id = r.call_id "
                            "WHERE r.id = ?1 AND r.tenant_id = ?2 AND r.state = 'complete'";
    auto stmt = (*connection)->cached(sql);
    if (!stmt) return json_error(503, "unavailable", "the recordings cannot be read now");
    stmt->bind(1, id).bind(2, auth.tenant_id).bind(3, auth.username);
    stmt->bind(4, auth.username + "@" + auth.realm);
    auto row = stmt->step();
    if (!row || !*row || (!auth.sees_all_calls() && stmt->column_int(1) != 1)) {
      return json_error(404, "not_found", voicemail ? "no such voicemail" : "no such recording",
                        "id");
    }
    auto path = resolve_under(root, stmt->column_text(0));
    if (!path) return json_error(404, "not_found", "no such file", "id");
    return *path;
  }
};

}  // namespace

void add_media_routes(const AuthedRouteAdder& add, MediaRouteDeps deps) {
  auto root = std::filesystem::absolute(deps.data_dir).lexically_normal();
  if (!root.has_filename()) root = root.parent_path();
  auto files = std::make_shared<MediaFiles>(std::move(deps));
  files->root = std::move(root);
  for (const bool voicemail : {true, false}) {
    add("GET", voicemail ? "/api/v1/voicemails/{id}/audio" : "/api/v1/recordings/{id}/audio",
        Role::operator_,
        [files, voicemail](const HttpRequest& request, const RouteParams& params,
                           const AuthContext& auth) {
          const auto id = parse_id(params.get("id"));
          if (!id) return json_error(400, "invalid_field", "id: not a positive number", "id");
          auto found = files->find(voicemail, *id, auth);
          if (auto* refused = std::get_if<HttpResponse>(&found)) return std::move(*refused);
          HttpResponse response = file_response(request, std::get<std::string>(found), "audio/wav");
          response.set_header("Cache-Control", "private");
          return response;
        });
  }
}

}  // namespace dzvin::http
