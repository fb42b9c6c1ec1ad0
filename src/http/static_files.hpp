#pragma once
// The web app: the files of its build (web/dist: index.html and hashed assets) for every GET
// no API route takes; a path that is no file gets index.html, so the app's own routes
// (/calls, /reports/heatmap) load it too. Hashed assets may be cached for a year; index.html
// never is.
#include <string>

#include "http/router.hpp"

namespace dzvin::http {

// Sets the router's fallback. Without `root`/index.html the fallback answers 404 saying the
// web app is not built.
void add_static_files(Router& router, std::string root);

}  // namespace dzvin::http
