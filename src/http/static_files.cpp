#include "http/static_files.hpp"

#include <filesystem>

#include "http/file_response.hpp"

namespace dzvin::http {

namespace {

std::string_view content_type_of(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

void add_static_files(Router& router, std::string root) {
  std::filesystem::path base = std::filesystem::absolute(root).lexically_normal();
  if (!base.has_filename()) base = base.parent_path();
  router.set_fallback([base](const HttpRequest& request, const RouteParams&) {
    // API and media paths that no route took stay JSON 404s, not the app.
    const std::string_view path = request.path;
    if (path.starts_with("/api/") || path.starts_with("/media/")) {
      return json_error(404, "not_found", "no such resource");
    }
    const std::string index = (base / "index.html").string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(index, ec)) {
      return json_error(404, "not_found",
                        "the web app is not built (run scripts/build.sh; it builds web/)");
    }
    if (path.size() > 1) {
      if (auto file = resolve_under(base, std::string(path.substr(1)));
          file && std::filesystem::is_regular_file(*file, ec)) {
        HttpResponse response = file_response(request, *file, content_type_of(*file));
        // Vite names assets by their content hash: they never change under one name.
        response.set_header("Cache-Control", path.starts_with("/assets/")
                                                 ? "public, max-age=31536000, immutable"
                                                 : "no-cache");
        return response;
      }
    }
    HttpResponse response = file_response(request, index, "text/html; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    return response;
  });
}

}  // namespace dzvin::http
