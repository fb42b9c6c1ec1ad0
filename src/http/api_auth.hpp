#pragma once
// Who may call the REST API: a browser session (cookie `dzvin_session`, with the
// X-CSRF-Token header on every state-changing request) or an API token
// (`Authorization: Bearer dzv_...`, no CSRF: a browser never adds it by itself). Routes behind
// authentication are registered with ApiAuth::add_authed and a minimum role; their handlers
// get the AuthContext and confine themselves to its tenant.
//
// For the HTTP thread: the ApiAuth must outlive the Router (handlers keep a pointer to it).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "http/auth_context.hpp"
#include "http/login_throttle.hpp"
#include "http/router.hpp"
#include "http/web_accounts.hpp"

namespace dzvin::http {

inline constexpr std::string_view kSessionCookie = "dzvin_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct ApiAuthSettings {
  // The web is served over TLS (here or by a proxy in front): session cookies get `Secure`.
  bool secure_cookie = false;
  LoginThrottleSettings throttle;
};

using AuthedHandler =
    std::function<HttpResponse(const HttpRequest&, const RouteParams&, const AuthContext&)>;

class ApiAuth {
 public:
  ApiAuth(std::string database_path, const Clock& clock, ApiAuthSettings settings = {});
  ApiAuth(const ApiAuth&) = delete;
  ApiAuth& operator=(const ApiAuth&) = delete;

  // The caller of `request`. A Bearer token is preferred to a cookie when both are sent.
  // Errors (Error::code): 401 no credentials, an unknown/revoked token, an unknown or expired
  // session, another Authorization scheme; 403 a session request with a method other than
  // GET/HEAD/OPTIONS whose X-CSRF-Token header is missing or not the session's (the message
  // starts with "X-CSRF-Token: "); a store error code when the database fails.
  Result<AuthContext> authenticate(const HttpRequest& request);

  // Registers a route that answers 401 (with WWW-Authenticate) or 403 {"code": "csrf"} when
  // authenticate() refuses, 403 {"code": "forbidden"} below `minimum`, and otherwise calls
  // `handler`. Responses get `Cache-Control: no-store` unless the handler set one.
  void add_authed(Router& router, std::string_view method, std::string_view pattern, Role minimum,
                  AuthedHandler handler);

  WebAccounts& accounts() { return accounts_; }
  LoginThrottle& throttle() { return throttle_; }
  const Clock& clock() const { return clock_; }

  // The Set-Cookie value for a new session: HttpOnly, SameSite=Strict, Path=/, Max-Age of the
  // absolute session lifetime, and Secure when the settings say TLS.
  std::string session_cookie(std::string_view value) const;
  // The Set-Cookie value that removes the session cookie (logout).
  std::string cleared_session_cookie() const;

  // An argon2id hash of a password nobody has: a login for an unknown e-mail is verified
  // against it, so it takes as long as one for a known e-mail. Computed on first use.
  const std::string& dummy_hash();

  // Appends to the audit log; a failure is logged and does not undo the change it records.
  void audit(const AuditEntry& entry);

  // An adder for configuration routes: like add_authed, and every change that succeeds (a
  // 2xx answer to PUT, POST, PATCH or DELETE) goes into the audit log as
  // {update|create|delete, the path after /api/v1/}.
  std::function<void(std::string_view, std::string_view, Role, AuthedHandler)> audited_adder(
      Router& router);

 private:
  const Clock& clock_;
  ApiAuthSettings settings_;
  WebAccounts accounts_;
  LoginThrottle throttle_;
  std::string dummy_hash_;
};

// The value of cookie `name` in the request's Cookie header (RFC 6265 §5.4), if any.
std::optional<std::string_view> request_cookie(const HttpRequest& request, std::string_view name);

// The response to an authenticate() error (what add_authed answers).
HttpResponse auth_error_response(const Error& error);

}  // namespace dzvin::http
