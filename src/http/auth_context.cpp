#include "http/auth_context.hpp"

namespace dzvin::http {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::operator_:
      return "operator";
    case Role::manager:
      return "manager";
    case Role::head:
      return "head";
    case Role::admin:
      return "admin";
  }
  return "operator";  // unreachable: every enumerator is named above
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : {Role::operator_, Role::manager, Role::head, Role::admin}) {
    if (text == to_string(role)) return role;
  }
  return std::nullopt;
}

}  // namespace dzvin::http
