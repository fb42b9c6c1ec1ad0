#pragma once
// The JSON form of a user in every API answer. Never a hash or a password: only whether the
// user can log in on the web. Pulls in nlohmann/json: for handler .cpp files only.
#include <nlohmann/json.hpp>

#include "http/web_accounts.hpp"

namespace dzvin::http {

// {"id", "username", "display_name", "email" (null when none), "role", "mobile", "web_login",
//  "created_at"}
nlohmann::json user_json(const WebUser& user);

// A JSON document as a response body; bytes that are not UTF-8 are replaced, never thrown on.
std::string dump_json(const nlohmann::json& document);

}  // namespace dzvin::http
