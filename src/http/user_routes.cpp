#include "http/user_routes.hpp"

#include <charconv>
#include <limits>

#include "http/api_error.hpp"
#include "http/decimal.hpp"
#include "http/json_body.hpp"
#include "http/password_hasher.hpp"
#include "http/user_json.hpp"
#include "store/user_repository.hpp"

namespace dzvin::http {

namespace {

constexpr std::size_t kMaxDisplayNameBytes = 100;
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxMobileBytes = 16;
constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kMaxLimit = 200;

Error invalid(std::string_view field, std::string_view message) {
  return make_error(400, std::string(field) + ": " + std::string(message));
}

// "" (none) or E.164: '+', a non-zero digit, 6..14 more digits.
Result<void> validate_mobile(std::string_view mobile) {
  if (mobile.empty()) return {};
  const bool shape = mobile.size() >= 8 && mobile.size() <= 16 && mobile[0] == '+' &&
                     mobile[1] >= '1' && mobile[1] <= '9' &&
                     mobile.find_first_not_of("0123456789", 1) == std::string_view::npos;
  if (!shape) return invalid("mobile", "must be an E.164 number such as +380501234567, or empty");
  return {};
}

Result<Role> read_role(std::string_view text) {
  const auto role = parse_role(text);
  if (!role) return invalid("role", "must be one of operator, manager, head, admin");
  return *role;
}

Result<std::int64_t> query_number(const HttpRequest& request, std::string_view key,
                                  std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const auto text = request.query_parameter(key);
  if (!text) return fallback;
  const auto value = parse_decimal(*text);
  if (!value || *value < min || *value > max)
    return invalid(
        key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return *value;
}

// Heads and admins read every user of the tenant; the others only themselves.
bool may_read(const AuthContext& context, std::string_view username) {
  return context.at_least(Role::head) || context.username == username;
}

HttpResponse forbidden(std::string_view message, std::string_view field = {}) {
  return json_error(403, "forbidden", message, field);
}

HttpResponse user_response(int status, const WebUser& user) {
  return json(status, dump_json(user_json(user)));
}

HttpResponse list_users(ApiAuth& auth, const HttpRequest& request, const AuthContext& context) {
  auto limit = query_number(request, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit) return api_error_response(limit.error());
  auto offset = query_number(request, "offset", 0, 0, std::numeric_limits<std::int32_t>::max());
  if (!offset) return api_error_response(offset.error());
  auto page = auth.accounts().list_users(context.tenant_id, *limit, *offset);
  if (!page) return api_error_response(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const WebUser& user : page->items)
    items.push_back(user_json(user));
  return json(200, dump_json({{"items", std::move(items)},
                              {"total", page->total},
                              {"limit", *limit},
                              {"offset", *offset}}));
}

HttpResponse get_user(ApiAuth& auth, const RouteParams& params, const AuthContext& context) {
  const std::string_view username = params.get("username");
  if (!may_read(context, username)) return forbidden("you may only see your own account");
  auto user = auth.accounts().find_user(context.tenant_id, username);
  if (!user) return api_error_response(user.error());
  if (!*user) return json_error(404, "not_found", "no such user", "username");
  return user_response(200, **user);
}

HttpResponse create_user(ApiAuth& auth, const HttpRequest& request, const AuthContext& context) {
  auto body = parse_json_object(
      request, {"username", "display_name", "email", "role", "password", "sip_password", "mobile"});
  if (!body) return api_error_response(body.error());
  NewWebUser user;
  auto username = required_string(*body, "username", 64);
  if (!username) return api_error_response(username.error());
  if (auto valid = store::validate_username(*username); !valid)
    return api_error_response(valid.error());
  user.username = std::move(*username);

  auto display_name = optional_string(*body, "display_name", kMaxDisplayNameBytes);
  if (!display_name) return api_error_response(display_name.error());
  user.display_name = display_name->value_or("");

  auto email = optional_string(*body, "email", kMaxEmailBytes);
  if (!email) return api_error_response(email.error());
  if (*email && !(*email)->empty()) {
    auto normalized = normalize_email(**email);
    if (!normalized) return api_error_response(normalized.error());
    user.email = std::move(*normalized);
  }

  auto role = optional_string(*body, "role", 16);
  if (!role) return api_error_response(role.error());
  if (*role) {
    auto parsed = read_role(**role);
    if (!parsed) return api_error_response(parsed.error());
    user.role = *parsed;
  }

  auto mobile = optional_string(*body, "mobile", kMaxMobileBytes);
  if (!mobile) return api_error_response(mobile.error());
  user.mobile = mobile->value_or("");
  if (auto valid = validate_mobile(user.mobile); !valid) return api_error_response(valid.error());

  auto sip_password = required_string(*body, "sip_password", kMaxPasswordBytes);
  if (!sip_password) return api_error_response(sip_password.error());
  if (auto valid = validate_password(*sip_password, "sip_password"); !valid)
    return api_error_response(valid.error());
  user.sip_password = std::move(*sip_password);

  auto password = optional_string(*body, "password", kMaxPasswordBytes);
  if (!password) return api_error_response(password.error());
  if (*password) {
    if (user.email.empty())
      return api_error_response(invalid("email", "a web password needs an e-mail to log in with"));
    auto hash = hash_password(**password);  // validates the length
    if (!hash) return api_error_response(hash.error());
    user.password_hash = std::move(*hash);
  }

  auto created = auth.accounts().create_user(context.tenant_id, user);
  if (!created) return api_error_response(created.error());
  const std::string resource = "users/" + created->username;
  auth.audit({context.tenant_id, context.user_id, "create", resource,
              "role=" + std::string(to_string(created->role)) +
                  (created->password_hash.empty() ? "" : " web_login")});
  HttpResponse response = user_response(201, *created);
  response.set_header("Location", "/api/v1/" + resource);
  return response;
}

HttpResponse update_user(ApiAuth& auth, const HttpRequest& request, const RouteParams& params,
                         const AuthContext& context) {
  const std::string username(params.get("username"));
  const bool admin = context.at_least(Role::admin);
  const bool self = username == context.username;
  if (!admin && !self) return forbidden("you may only change your own account");

  auto body = parse_json_object(
      request, {"display_name", "email", "role", "password", "sip_password", "mobile"});
  if (!body) return api_error_response(body.error());
  if (body->empty()) return api_error_response(make_error(400, "the body names nothing to change"));
  if (!admin) {
    for (std::string_view field : {"email", "role"}) {
      if (body->contains(field))
        return forbidden(std::string(field) + ": only an admin can change it", field);
    }
  }

  WebUserChanges changes;
  std::string detail;  // the names of the changed fields, never their secret values
  const auto note = [&detail](std::string_view text) {
    if (!detail.empty()) detail += ' ';
    detail += text;
  };

  auto display_name = optional_string(*body, "display_name", kMaxDisplayNameBytes);
  if (!display_name) return api_error_response(display_name.error());
  if (*display_name) {
    changes.display_name = std::move(**display_name);
    note("display_name");
  }

  auto email = optional_string(*body, "email", kMaxEmailBytes);
  if (!email) return api_error_response(email.error());
  if (*email) {
    if ((*email)->empty()) {
      changes.email = std::string();
    } else {
      auto normalized = normalize_email(**email);
      if (!normalized) return api_error_response(normalized.error());
      changes.email = std::move(*normalized);
    }
    note("email");
  }

  auto role = optional_string(*body, "role", 16);
  if (!role) return api_error_response(role.error());
  if (*role) {
    auto parsed = read_role(**role);
    if (!parsed) return api_error_response(parsed.error());
    // The last admin could lock everyone out; an admin is demoted by another admin.
    if (self && *parsed != Role::admin)
      return json_error(409, "conflict", "role: you cannot take away your own admin role", "role");
    changes.role = *parsed;
    note("role=" + std::string(to_string(*parsed)));
  }

  auto mobile = optional_string(*body, "mobile", kMaxMobileBytes);
  if (!mobile) return api_error_response(mobile.error());
  if (*mobile) {
    if (auto valid = validate_mobile(**mobile); !valid) return api_error_response(valid.error());
    changes.mobile = std::move(**mobile);
    note("mobile");
  }

  auto sip_password = optional_string(*body, "sip_password", kMaxPasswordBytes);
  if (!sip_password) return api_error_response(sip_password.error());
  if (*sip_password) {
    if (auto valid = validate_password(**sip_password, "sip_password"); !valid)
      return api_error_response(valid.error());
    changes.sip_password = std::move(**sip_password);
    note("sip_password");
  }

  auto password = optional_string(*body, "password", kMaxPasswordBytes);
  if (!password) return api_error_response(password.error());
  if (*password) {
    auto hash = hash_password(**password);
    if (!hash) return api_error_response(hash.error());
    changes.password_hash = std::move(*hash);
    note("password");
  }

  auto updated = auth.accounts().update_user(context.tenant_id, username, changes);
  if (!updated) return api_error_response(updated.error());
  if (changes.password_hash) {
    // A new password ends the user's other sessions (the caller's own stays when it is theirs).
    const auto cookie = request_cookie(request, kSessionCookie);
    const std::string_view keep = self && !context.via_token ? cookie.value_or("") : "";
    if (auto ended = auth.accounts().delete_sessions_of(context.tenant_id, updated->id, keep);
        !ended)
      return api_error_response(ended.error());
  }
  auth.audit({context.tenant_id, context.user_id, "update", "users/" + updated->username, detail});
  return user_response(200, *updated);
}

HttpResponse delete_user(ApiAuth& auth, const RouteParams& params, const AuthContext& context) {
  const std::string_view username = params.get("username");
  if (username == context.username)
    return json_error(409, "conflict", "username: you cannot delete yourself", "username");
  if (auto deleted = auth.accounts().delete_user(context.tenant_id, username); !deleted) {
    if (deleted.error().code == store::kNotFound)
      return json_error(404, "not_found", "no such user", "username");
    return api_error_response(deleted.error());
  }
  auth.audit({context.tenant_id, context.user_id, "delete", "users/" + std::string(username), ""});
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace

void add_user_routes(Router& router, ApiAuth& auth, UsersChanged users_changed,
                     UserDeleted user_deleted) {
  ApiAuth* a = &auth;
  // A successful change (2xx) tells the app, which refreshes the phones' accounts.
  const auto notify = [users_changed](HttpResponse response) {
    if (users_changed && response.status >= 200 && response.status < 300) users_changed();
    return response;
  };
  auth.add_authed(router, "GET", "/api/v1/users", Role::head,
                  [a](const HttpRequest& request, const RouteParams&, const AuthContext& context) {
                    return list_users(*a, request, context);
                  });
  auth.add_authed(router, "GET", "/api/v1/directory", Role::operator_,
                  [a](const HttpRequest&, const RouteParams&, const AuthContext& context) {
                    auto page = a->accounts().list_users(context.tenant_id, 10'000, 0);
                    if (!page) return api_error_response(page.error());
                    nlohmann::json items = nlohmann::json::array();
                    for (const WebUser& u : page->items)
                      items.push_back({{"username", u.username}, {"display_name", u.display_name}});
                    return json(200, dump_json({{"items", std::move(items)}}));
                  });
  auth.add_authed(router, "GET", "/api/v1/users/{username}", Role::operator_,
                  [a](const HttpRequest&, const RouteParams& params, const AuthContext& context) {
                    return get_user(*a, params, context);
                  });
  auth.add_authed(
      router, "POST", "/api/v1/users", Role::admin,
      [a, notify](const HttpRequest& request, const RouteParams&, const AuthContext& context) {
        return notify(create_user(*a, request, context));
      });
  auth.add_authed(router, "PATCH", "/api/v1/users/{username}", Role::operator_,
                  [a, notify](const HttpRequest& request, const RouteParams& params,
                              const AuthContext& context) {
                    return notify(update_user(*a, request, params, context));
                  });
  auth.add_authed(router, "DELETE", "/api/v1/users/{username}", Role::admin,
                  [a, notify, user_deleted](const HttpRequest&, const RouteParams& params,
                                            const AuthContext& context) {
                    HttpResponse response = delete_user(*a, params, context);
                    if (user_deleted && response.status == 204) {
                      user_deleted(context.tenant_id, params.get("username"), context.username);
                    }
                    return notify(std::move(response));
                  });
}

}  // namespace dzvin::http
