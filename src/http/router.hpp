#pragma once
// Maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// segments that match one non-empty path segment: "/media/{kind}/{file}". A literal segment
// is preferred to a parameter where both match ("/users/me" before "/users/{id}").
//
// handle() is the whole request-to-response path without the network: it decodes the target,
// finds the route, answers 400/404/405 itself, serves HEAD with the GET handler (body
// dropped) and turns a handler's exception into a logged 500. Routes are added before the
// server starts; handle() is const and then safe to call from the HTTP thread.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "http/http_request.hpp"
#include "http/http_response.hpp"

namespace dzvin::http {

// The values of a route's `{name}` segments, decoded.
class RouteParams {
 public:
  // "" when the pattern has no parameter of this name.
  std::string_view get(std::string_view name) const {
    for (const auto& [key, value] : values_) {
      if (key == name) return value;
    }
    return {};
  }
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

using Handler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

// Fills request.path and request.query from request.target (RFC 9112 §3.2 origin-form, or
// absolute-form whose scheme and authority are dropped). Percent-escapes are decoded; in the
// query '+' is a space (HTML form encoding). Refused, with Error::code 400 and a message that
// says why: a target that is not a path, a bad escape, an encoded '/' (%2F) or NUL in the
// path, a NUL in the query, and "." or ".." segments (no route may ever see them).
Result<void> decode_target(HttpRequest& request);

class Router {
 public:
  // Adds a route. A malformed pattern or a second route for the same method and pattern is a
  // programming error: std::invalid_argument.
  void add(std::string_view method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler handler) { add("GET", pattern, std::move(handler)); }
  void post(std::string_view pattern, Handler handler) { add("POST", pattern, std::move(handler)); }

  // For GET and HEAD requests no pattern matches (the web app's files and its client-side
  // routes); without one they get 404.
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  // Decodes the target, dispatches, and answers: 400 (target refused), 404 (no pattern
  // matches), 405 with Allow (the path matches only other methods), 500 (handler threw).
  HttpResponse handle(HttpRequest request) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool parameter = false;
  };
  Handler fallback_;
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  // Whether `route` matches `segments`; fills `params` when it does.
  static bool match(const Route& route, const std::vector<std::string_view>& segments,
                    RouteParams* params);
  // Whether `a` is preferred to `b` for the same path: the first segment where they differ
  // is literal in `a`.
  static bool more_specific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace dzvin::http
