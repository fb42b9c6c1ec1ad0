#include "http/auth_routes.hpp"

#include <charconv>

#include "base/log.hpp"
#include "http/api_error.hpp"
#include "http/decimal.hpp"
#include "http/json_body.hpp"
#include "http/password_hasher.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxTokenNameBytes = 100;

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse wrong_credentials() {
  // One message for an unknown e-mail and a wrong password: no account enumeration.
  HttpResponse response = json_error(401, "unauthorized", "wrong e-mail or password");
  response.set_header("WWW-Authenticate", "Bearer realm=\"dzvin\"");
  return response;
}

HttpResponse login(ApiAuth& auth, const HttpRequest& request) {
  auto body = parse_json_object(request, {"email", "password"});
  if (!body) return api_error_response(body.error());
  auto email = required_string(*body, "email", kMaxEmailBytes);
  if (!email) return api_error_response(email.error());
  auto password = required_string(*body, "password", kMaxPasswordBytes);
  if (!password) return api_error_response(password.error());

  const std::string key = fold_email(*email);
  const std::string& address = request.remote_address;
  if (const auto wait = auth.throttle().retry_after(key, address)) {
    log(LogLevel::warn, "http.login_throttled", {{"remote", address}});
    HttpResponse refused =
        json_error(429, "too_many_requests", "too many failed logins; try again later");
    refused.set_header("Retry-After", std::to_string(wait->count()));
    return refused;
  }

  auto found = auth.accounts().find_by_email(key);
  if (!found) return api_error_response(found.error());
  const WebUser* user = *found && !(*found)->password_hash.empty() ? &**found : nullptr;
  // An unknown e-mail costs one argon2id verification too (against a hash nobody matches).
  const bool verified =
      verify_password(*password, user != nullptr ? user->password_hash : auth.dummy_hash());
  if (!verified || user == nullptr) {
    auth.throttle().record_failure(key, address);
    const std::string detail = "remote=" + address;
    if (*found) {
      const WebUser& known = **found;
      auth.audit({known.tenant_id, known.id, "login_failed", "users/" + known.username, detail});
      log(LogLevel::info, "http.login_failed", {{"user", known.username}, {"remote", address}});
    } else {
      // No tenant to file it under: tenant 0, which no tenant's queries see.
      auth.audit({0, std::nullopt, "login_failed", "auth/login", "unknown e-mail; " + detail});
      log(LogLevel::info, "http.login_failed", {{"user", ""}, {"remote", address}});
    }
    return wrong_credentials();
  }

  auth.throttle().record_success(key);
  // A session cookie sent along belongs to an earlier login in this browser: end it.
  if (const auto old = request_cookie(request, kSessionCookie)) {
    if (auto ended = auth.accounts().delete_session(*old); !ended)
      return api_error_response(ended.error());
  }
  if (auto purged = auth.accounts().purge_expired_sessions(); !purged)
    log(LogLevel::error, "http.session_purge_failed", {{"reason", purged.error().message}});
  auto session = auth.accounts().create_session(*user);
  if (!session) return api_error_response(session.error());
  auth.audit({user->tenant_id, user->id, "login", "users/" + user->username, "remote=" + address});
  log(LogLevel::info, "http.login", {{"user", user->username}, {"remote", address}});

  const nlohmann::json document = {{"user", user_json(*user)}, {"csrf_token", session->csrf_token}};
  HttpResponse response = json(200, dump_json(document));
  response.set_header("Set-Cookie", auth.session_cookie(session->cookie_value));
  response.set_header("Cache-Control", "no-store");
  return response;
}

HttpResponse logout(ApiAuth& auth, const HttpRequest& request) {
  if (const auto cookie = request_cookie(request, kSessionCookie)) {
    if (auto ended = auth.accounts().delete_session(*cookie); !ended)
      return api_error_response(ended.error());
  }
  HttpResponse response = no_content();
  response.set_header("Set-Cookie", auth.cleared_session_cookie());
  return response;
}

HttpResponse me(ApiAuth& auth, const HttpRequest& request, const AuthContext& context) {
  auto user = auth.accounts().find_user_by_id(context.tenant_id, context.user_id);
  if (!user) return api_error_response(user.error());
  if (!*user) return json_error(401, "unauthorized", "the account is gone");
  nlohmann::json document = {{"user", user_json(**user)}, {"via_token", context.via_token}};
  if (!context.via_token) {
    // The page may have been reloaded: it gets the CSRF token of its session again.
    const auto cookie = request_cookie(request, kSessionCookie);
    auto session = auth.accounts().find_session(cookie.value_or(""));
    if (!session) return api_error_response(session.error());
    if (*session) document["csrf_token"] = (*session)->csrf_token;
  }
  return json(200, dump_json(document));
}

nlohmann::json token_json(const ApiToken& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"created_at", token.created_at},
          {"last_used_at",
           token.last_used_at ? nlohmann::json(*token.last_used_at) : nlohmann::json(nullptr)}};
}

HttpResponse create_token(ApiAuth& auth, const HttpRequest& request, const AuthContext& context) {
  auto body = parse_json_object(request, {"name"});
  if (!body) return api_error_response(body.error());
  auto name = required_string(*body, "name", kMaxTokenNameBytes);
  if (!name) return api_error_response(name.error());
  if (name->find_first_not_of(' ') == std::string::npos)
    return json_error(400, "invalid", "name: must not be empty", "name");
  auto created = auth.accounts().create_token(context.tenant_id, context.user_id, *name);
  if (!created) return api_error_response(created.error());
  const std::string resource = "tokens/" + std::to_string(created->token.id);
  auth.audit({context.tenant_id, context.user_id, "create", resource, "name=" + *name});
  nlohmann::json document = token_json(created->token);
  document["token"] = created->secret;
  HttpResponse response = json(201, dump_json(document));
  response.set_header("Location", "/api/v1/" + resource);
  return response;
}

HttpResponse list_tokens(ApiAuth& auth, const AuthContext& context) {
  auto tokens = auth.accounts().list_tokens(context.tenant_id, context.user_id);
  if (!tokens) return api_error_response(tokens.error());
  nlohmann::json items = nlohmann::json::array();
  for (const ApiToken& token : *tokens)
    items.push_back(token_json(token));
  const auto total = items.size();
  return json(200, dump_json({{"items", std::move(items)}, {"total", total}}));
}

HttpResponse revoke_token(ApiAuth& auth, const RouteParams& params, const AuthContext& context) {
  const std::string_view text = params.get("id");
  const auto id = parse_id(text);
  const HttpResponse not_found = json_error(404, "not_found", "no such token");
  if (!id) return not_found;
  auto token = auth.accounts().find_token_by_id(context.tenant_id, *id);
  if (!token) return api_error_response(token.error());
  // Someone else's token looks like no token (unless an admin asks).
  if (!*token || ((*token)->user_id != context.user_id && !context.at_least(Role::admin)))
    return not_found;
  if (auto revoked = auth.accounts().revoke_token(context.tenant_id, *id); !revoked)
    return api_error_response(revoked.error());
  auth.audit({context.tenant_id, context.user_id, "delete", "tokens/" + std::to_string(*id),
              "name=" + (*token)->name});
  return no_content();
}

}  // namespace

void add_auth_routes(Router& router, ApiAuth& auth) {
  ApiAuth* a = &auth;
  router.post("/api/v1/auth/login",
              [a](const HttpRequest& request, const RouteParams&) { return login(*a, request); });
  auth.add_authed(router, "POST", "/api/v1/auth/logout", Role::operator_,
                  [a](const HttpRequest& request, const RouteParams&, const AuthContext&) {
                    return logout(*a, request);
                  });
  auth.add_authed(router, "GET", "/api/v1/auth/me", Role::operator_,
                  [a](const HttpRequest& request, const RouteParams&, const AuthContext& context) {
                    return me(*a, request, context);
                  });
  auth.add_authed(router, "POST", "/api/v1/tokens", Role::operator_,
                  [a](const HttpRequest& request, const RouteParams&, const AuthContext& context) {
                    return create_token(*a, request, context);
                  });
  auth.add_authed(router, "GET", "/api/v1/tokens", Role::operator_,
                  [a](const HttpRequest&, const RouteParams&, const AuthContext& context) {
                    return list_tokens(*a, context);
                  });
  auth.add_authed(router, "DELETE", "/api/v1/tokens/{id}", Role::operator_,
                  [a](const HttpRequest&, const RouteParams& params, const AuthContext& context) {
                    return revoke_token(*a, params, context);
                  });
}

}  // namespace dzvin::http
