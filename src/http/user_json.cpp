#include "http/user_json.hpp"

namespace dzvin::http {

nlohmann::json user_json(const WebUser& user) {
  return {
      {"id", user.id},
      {"username", user.username},
      {"display_name", user.display_name},
      {"email", user.email.empty() ? nlohmann::json(nullptr) : nlohmann::json(user.email)},
      {"role", to_string(user.role)},
      {"mobile", user.mobile},
      {"web_login", !user.password_hash.empty() && !user.email.empty()},
      {"created_at", user.created_at},
  };
}

std::string dump_json(const nlohmann::json& document) {
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dzvin::http
