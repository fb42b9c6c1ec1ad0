#pragma once
// Who is making an API request, once authenticated (session cookie or API token): every
// handler behind authentication gets one and must confine what it reads and changes to
// `tenant_id`, and to the user's own calls and tasks when the role says so.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dzvin::http {

// In increasing power. admin: everything of the company; head: all calls and reports of the
// company; manager and operator: their own calls and tasks.
enum class Role : std::uint8_t { operator_, manager, head, admin };

std::string_view to_string(Role role);                  // "operator", "manager", ...
std::optional<Role> parse_role(std::string_view text);  // nullopt for anything else

struct AuthContext {
  std::int64_t tenant_id = 0;
  std::int64_t user_id = 0;
  std::string username;  // the SIP username (extension): "1002"
  std::string realm;     // the tenant's SIP domain: calls name users "1002@realm"
  Role role = Role::operator_;
  bool via_token = false;  // an API token, not a browser session (no CSRF check)

  bool at_least(Role r) const { return static_cast<int>(role) >= static_cast<int>(r); }
  // Sees every call of the tenant, not only the user's own.
  bool sees_all_calls() const { return at_least(Role::head); }
};

}  // namespace dzvin::http
