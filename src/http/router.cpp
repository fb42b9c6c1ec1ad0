#include "http/router.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "base/log.hpp"

namespace dzvin::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Part { path, query };

// RFC 3986 §2.1 percent-decoding of one path or one query component.
Result<std::string> percent_decode(std::string_view text, Part part) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return make_error(400, "bad percent-escape in the request target");
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return make_error(400, "bad percent-escape in the request target");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      // An encoded '/' would let one segment pass for two (or hide a "../") once decoded.
      if (c == '/' && part == Part::path) return make_error(400, "encoded '/' in the path");
    } else if (c == '+' && part == Part::query) {
      c = ' ';  // application/x-www-form-urlencoded
    }
    if (c == '\0') return make_error(400, "NUL in the request target");
    out += c;
  }
  return out;
}

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}. `path` starts with '/'.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool is_parameter_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<void> decode_target(HttpRequest& request) {
  std::string_view target = request.target;
  // RFC 9112 §3.2.2: a server accepts the absolute-form; only its path and query matter here.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (starts_with_ignoring_case(target, scheme)) {
      target.remove_prefix(scheme.size());
      const auto end = target.find_first_of("/?#");
      target = end == std::string_view::npos ? std::string_view("/") : target.substr(end);
      break;
    }
  }
  if (target.empty() || target.front() != '/')
    return make_error(400, "the request target must be a path starting with '/'");
  if (target.find('#') != std::string_view::npos)
    return make_error(400, "the request target must not have a fragment");

  const auto question = target.find('?');
  auto path = percent_decode(target.substr(0, question), Part::path);
  if (!path) return path.error();
  for (std::string_view segment : split_path(*path)) {
    // RFC 3986 §5.2.4 would remove dot segments; refusing them keeps every route and every
    // file lookup free of "../" tricks.
    if (segment == "." || segment == "..")
      return make_error(400, "'.' or '..' segment in the path");
  }

  std::vector<QueryParameter> query;
  if (question != std::string_view::npos) {
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.empty()) continue;
      const auto equals = pair.find('=');
      auto key = percent_decode(pair.substr(0, equals), Part::query);
      if (!key) return key.error();
      auto value = percent_decode(
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
          Part::query);
      if (!value) return value.error();
      query.emplace_back(std::move(*key), std::move(*value));
    }
  }
  request.path = std::move(*path);
  request.query = std::move(query);
  return {};
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  if (method.empty()) throw std::invalid_argument("route method is empty");
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  if (!handler) throw std::invalid_argument("route has no handler: " + std::string(pattern));
  Route route{std::string(method), std::string(pattern), {}, std::move(handler)};
  for (std::string_view text : split_path(pattern)) {
    Segment segment;
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
      segment.text = std::string(text.substr(1, text.size() - 2));
      segment.parameter = true;
      if (!is_parameter_name(segment.text))
        throw std::invalid_argument("bad parameter name in route pattern " + route.pattern);
      for (const Segment& earlier : route.segments) {
        if (earlier.parameter && earlier.text == segment.text)
          throw std::invalid_argument("repeated parameter in route pattern " + route.pattern);
      }
    } else {
      if (text.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("a parameter must be a whole segment: " + route.pattern);
      segment.text = std::string(text);
    }
    route.segments.push_back(std::move(segment));
  }
  for (const Route& other : routes_) {
    if (other.method != route.method || other.segments.size() != route.segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < route.segments.size() && same; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = other.segments[i];
      same = a.parameter == b.parameter && (a.parameter || a.text == b.text);
    }
    if (same)
      throw std::invalid_argument("route " + route.method + " " + route.pattern +
                                  " is already taken by " + other.pattern);
  }
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string_view>& segments,
                   RouteParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = route.segments[i];
    if (s.parameter ? segments[i].empty() : segments[i] != s.text) return false;
  }
  if (params != nullptr) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (route.segments[i].parameter)
        params->add(route.segments[i].text, std::string(segments[i]));
    }
  }
  return true;
}

bool Router::more_specific(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].parameter != b.segments[i].parameter) return !a.segments[i].parameter;
  }
  return false;
}

HttpResponse Router::handle(HttpRequest request) const {
  const bool head = request.method == "HEAD";
  HttpResponse response = [&] {
    if (auto decoded = decode_target(request); !decoded)
      return json_error(400, "bad_target", decoded.error().message);
    const auto segments = split_path(request.path);

    const Route* best = nullptr;
    const Route* best_get = nullptr;  // HEAD falls back to the GET route (RFC 9110 §9.3.2)
    std::vector<std::string_view> allowed;
    for (const Route& route : routes_) {
      if (!match(route, segments, nullptr)) continue;
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end())
        allowed.push_back(route.method);
      if (route.method == request.method && (best == nullptr || more_specific(route, *best)))
        best = &route;
      if (head && route.method == "GET" && (best_get == nullptr || more_specific(route, *best_get)))
        best_get = &route;
    }
    if (best == nullptr) best = best_get;
    if (best == nullptr) {
      if (allowed.empty()) {
        if (fallback_ && (request.method == "GET" || head)) {
          try {
            return fallback_(request, RouteParams{});
          } catch (const std::exception&) {
            return json_error(500, "internal_error", "the request could not be answered");
          }
        }
        return json_error(404, "not_found", "no such resource");
      }
      const bool has_get = std::find(allowed.begin(), allowed.end(), "GET") != allowed.end();
      const bool has_head = std::find(allowed.begin(), allowed.end(), "HEAD") != allowed.end();
      if (has_get && !has_head) allowed.push_back("HEAD");
      std::sort(allowed.begin(), allowed.end());
      std::string allow;
      for (std::string_view method : allowed) {
        if (!allow.empty()) allow += ", ";
        allow += method;
      }
      HttpResponse refused = json_error(405, "method_not_allowed",
                                        "method " + request.method + " is not allowed here");
      refused.set_header("Allow", std::move(allow));
      return refused;
    }

    RouteParams params;
    match(*best, segments, &params);
    try {
      return best->handler(request, params);
    } catch (const std::exception& e) {
      log(LogLevel::error, "http.handler_failed",
          {{"method", request.method}, {"route", best->pattern}, {"reason", e.what()}});
    } catch (...) {
      log(LogLevel::error, "http.handler_failed",
          {{"method", request.method}, {"route", best->pattern}, {"reason", "unknown exception"}});
    }
    return json_error(500, "internal_error", "internal server error");
  }();
  if (head) response.drop_body();
  return response;
}

}  // namespace dzvin::http
