#include "http/api_auth.hpp"

#include <openssl/crypto.h>

#include <memory>
#include <stdexcept>

#include "base/log.hpp"
#include "http/api_error.hpp"
#include "http/password_hasher.hpp"

namespace dzvin::http {

namespace {

// RFC 9110 §9.2.1: the safe methods, which must not change anything and so need no CSRF token.
bool is_safe_method(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool same_secret(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() && !expected.empty() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

std::optional<std::string_view> request_cookie(const HttpRequest& request, std::string_view name) {
  const auto header = request.header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto semicolon = rest.find(';');
    const std::string_view pair = trim_ows(rest.substr(0, semicolon));
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (trim_ows(pair.substr(0, equals)) != name) continue;
    std::string_view value = trim_ows(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

HttpResponse auth_error_response(const Error& error) {
  if (error.code == 401) {
    HttpResponse response = json_error(401, "unauthorized", error.message);
    // RFC 9110 §15.5.2: a 401 carries a challenge. Bearer: browsers show no login dialog.
    response.set_header("WWW-Authenticate", "Bearer realm=\"dzvin\"");
    return response;
  }
  if (error.code == 403) return json_error(403, "csrf", error.message, kCsrfHeader);
  return api_error_response(error);
}

ApiAuth::ApiAuth(std::string database_path, const Clock& clock, ApiAuthSettings settings)
    : clock_(clock),
      settings_(settings),
      accounts_(std::move(database_path), clock),
      throttle_(clock, settings.throttle) {}

Result<AuthContext> ApiAuth::authenticate(const HttpRequest& request) {
  if (const auto authorization = request.header("Authorization")) {
    const std::string_view value = trim_ows(*authorization);
    constexpr std::string_view kScheme = "Bearer ";
    if (value.size() <= kScheme.size() ||
        !equals_ignoring_case(value.substr(0, kScheme.size()), kScheme))
      return make_error(401, "Authorization: only Bearer API tokens are accepted");
    auto found = accounts_.find_token(trim_ows(value.substr(kScheme.size())));
    if (!found) return found.error();
    if (!*found) return make_error(401, "Authorization: unknown or revoked API token");
    return std::move(**found);
  }

  const auto cookie = request_cookie(request, kSessionCookie);
  if (!cookie) return make_error(401, "not logged in");
  auto session = accounts_.find_session(*cookie);
  if (!session) return session.error();
  if (!*session) return make_error(401, "the session has expired; log in again");
  if (!is_safe_method(request.method)) {
    const auto csrf = request.header(kCsrfHeader);
    if (!csrf || !same_secret(trim_ows(*csrf), (*session)->csrf_token)) {
      log(LogLevel::info, "http.csrf_refused",
          {{"user", (*session)->context.username},
           {"method", request.method},
           {"path", request.path},
           {"remote", request.remote_address}});
      return make_error(403, std::string(kCsrfHeader) + ": missing or not this session's token");
    }
  }
  return std::move((*session)->context);
}

void ApiAuth::add_authed(Router& router, std::string_view method, std::string_view pattern,
                         Role minimum, AuthedHandler handler) {
  if (!handler) throw std::invalid_argument("authed route has no handler: " + std::string(pattern));
  router.add(method, pattern,
             [this, minimum, handler = std::move(handler)](const HttpRequest& request,
                                                           const RouteParams& params) {
               auto context = authenticate(request);
               HttpResponse response = [&] {
                 if (!context) return auth_error_response(context.error());
                 if (!context->at_least(minimum))
                   return json_error(
                       403, "forbidden",
                       "this needs the role " + std::string(to_string(minimum)) + " or above");
                 return handler(request, params, *context);
               }();
               if (!response.header("Cache-Control"))
                 response.set_header("Cache-Control", "no-store");
               return response;
             });
}

std::function<void(std::string_view, std::string_view, Role, AuthedHandler)> ApiAuth::audited_adder(
    Router& router) {
  return [this, &router](std::string_view method, std::string_view pattern, Role minimum,
                         AuthedHandler handler) {
    const std::string_view action = method == "POST"     ? "create"
                                    : method == "DELETE" ? "delete"
                                                         : "update";
    add_authed(
        router, method, pattern, minimum,
        [this, action, handler = std::move(handler)](
            const HttpRequest& request, const RouteParams& params, const AuthContext& who) {
          HttpResponse response = handler(request, params, who);
          if (!is_safe_method(request.method) && response.status >= 200 && response.status < 300) {
            constexpr std::string_view kPrefix = "/api/v1/";
            std::string_view resource = request.path;
            if (resource.starts_with(kPrefix)) resource.remove_prefix(kPrefix.size());
            audit({who.tenant_id, who.user_id, action, resource,
                   who.via_token ? "via API token" : ""});
          }
          return response;
        });
  };
}

std::string ApiAuth::session_cookie(std::string_view value) const {
  std::string cookie =
      std::string(kSessionCookie) + "=" + std::string(value) +
      "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(kSessionAbsolute.count());
  if (settings_.secure_cookie) cookie += "; Secure";
  return cookie;
}

std::string ApiAuth::cleared_session_cookie() const {
  std::string cookie =
      std::string(kSessionCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
  if (settings_.secure_cookie) cookie += "; Secure";
  return cookie;
}

const std::string& ApiAuth::dummy_hash() {
  if (dummy_hash_.empty()) {
    // Fails only without memory or randomness; then "" (never matches) and another try later.
    if (auto hash = hash_password("no-such-user-has-this-password")) dummy_hash_ = std::move(*hash);
  }
  return dummy_hash_;
}

void ApiAuth::audit(const AuditEntry& entry) {
  if (auto written = accounts_.audit(entry); !written)
    log(LogLevel::error, "http.audit_failed",
        {{"action", entry.action},
         {"resource", entry.resource},
         {"reason", written.error().message}});
}

}  // namespace dzvin::http
