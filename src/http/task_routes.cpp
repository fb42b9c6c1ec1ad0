#include "http/task_routes.hpp"

#include <algorithm>
#include <chrono>

#include "http/api_error.hpp"
#include "http/crm_json.hpp"
#include "http/decimal.hpp"
#include "http/instant_text.hpp"
#include "http/json_body.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

std::int64_t now_ms(const Clock& clock) {
  return unix_ms(clock.wall_now());
}

// Below head a user sees and closes only the tasks given to them.
bool may_see(const AuthContext& who, const crm::Task& task) {
  return who.sees_all_calls() || task.assignee == who.username;
}

HttpResponse not_found() {
  return json_error(404, "not_found", "no such task", "id");
}

}  // namespace

void add_task_routes(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                     std::function<void(const crm::TaskNotice&)> notify) {
  const auto tell = [notify](crm::TaskNoticeKind kind, const crm::Task& task) {
    if (notify) notify(crm::TaskNotice{kind, task});
  };
  add("GET", "/api/v1/tasks", Role::operator_,
      [stores](const HttpRequest& request, const RouteParams&, const AuthContext& who) {
        auto open = stores->open();
        if (!open) return api_error_response(open.error());
        crm::TaskFilter filter;
        filter.now_ms = now_ms(stores->clock());
        if (const auto state = request.query_parameter("state")) {
          filter.state = crm::parse_task_state(*state);
          if (!filter.state) {
            return json_error(400, "invalid", "state: open, done or cancelled", "state");
          }
        }
        if (const auto overdue = request.query_parameter("overdue")) {
          if (*overdue != "true" && *overdue != "false") {
            return json_error(400, "invalid", "overdue: true or false", "overdue");
          }
          filter.overdue_only = *overdue == "true";
        }
        const auto assignee = request.query_parameter("assignee");
        if (!who.sees_all_calls()) {
          if (assignee && *assignee != who.username) {
            return json_error(403, "forbidden", "assignee: only your own tasks are visible to you",
                              "assignee");
          }
          filter.assignee = who.username;
        } else if (assignee) {
          filter.assignee = std::string(*assignee);
        }
        if (const auto limit = request.query_parameter("limit")) {
          const auto n = parse_decimal(*limit);
          if (!n || *n < 1 || *n > static_cast<std::int64_t>(crm::kMaxTaskPage)) {
            return json_error(400, "invalid", "limit: 1 to 200", "limit");
          }
          filter.limit = static_cast<std::size_t>(*n);
        }
        if (const auto number = request.query_parameter("number")) {
          auto normal = crm::contact_number(*number, "number");
          if (!normal) return api_error_response(normal.error());
          filter.number = std::move(*normal);
        }
        if (const auto contact = request.query_parameter("contact_id")) {
          const auto n = parse_id(*contact);
          if (!n) return json_error(400, "invalid", "contact_id: a contact's id", "contact_id");
          filter.contact_id = *n;
        }
        if (const auto before = request.query_parameter("before")) {
          const auto n = parse_id(*before);
          if (!n) return json_error(400, "invalid", "before: a task id", "before");
          filter.before_id = *n;
        }
        auto page = stores->tasks().list(who.tenant_id, filter);
        if (!page) return api_error_response(page.error());
        Json items = Json::array();
        for (const crm::Task& t : page->items)
          items.push_back(task_json(t));
        return json(200, dump_json({{"items", std::move(items)},
                                    {"next_before", page->next_before ? Json(*page->next_before)
                                                                      : Json(nullptr)}}));
      });
  add("GET", "/api/v1/tasks/{id}", Role::operator_,
      [stores](const HttpRequest&, const RouteParams& params, const AuthContext& who) {
        auto open = stores->open();
        if (!open) return api_error_response(open.error());
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found();
        auto task = stores->tasks().find(who.tenant_id, *id);
        if (!task) return api_error_response(task.error());
        if (!*task || !may_see(who, **task)) return not_found();
        return json(200, dump_json(task_json(**task)));
      });
  add("POST", "/api/v1/tasks", Role::operator_,
      [stores, tell](const HttpRequest& request, const RouteParams&, const AuthContext& who) {
        auto open = stores->open();
        if (!open) return api_error_response(open.error());
        auto body = parse_json_object(
            request, {"title", "detail", "assignee", "number", "contact_id", "due_at", "call_id"});
        if (!body) return api_error_response(body.error());
        crm::NewTask task;
        auto title = required_string(*body, "title", 200);
        if (!title) return api_error_response(title.error());
        task.title = std::move(*title);
        auto assignee = required_string(*body, "assignee", 64);
        if (!assignee) return api_error_response(assignee.error());
        task.assignee = std::move(*assignee);
        if (auto call_id = optional_string(*body, "call_id", 128); !call_id) {
          return api_error_response(call_id.error());
        } else if (*call_id) {
          task.call_id = std::move(**call_id);
        }
        // The question taken: text in several lines (optional_string refuses line breaks).
        if (body->contains("detail")) {
          const Json& detail = (*body)["detail"];
          if (!detail.is_string()) {
            return json_error(400, "invalid", "detail: must be a string", "detail");
          }
          task.detail = detail.get<std::string>();
          if (task.detail.size() > 10'000) {
            return json_error(400, "invalid", "detail: at most 10000 bytes", "detail");
          }
          if (std::any_of(task.detail.begin(), task.detail.end(), [](char c) {
                return (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' &&
                        c != '\t') ||
                       c == 0x7f;
              })) {
            return json_error(400, "invalid", "detail: must not contain control characters",
                              "detail");
          }
        }
        if (auto number = optional_string(*body, "number", 40); !number) {
          return api_error_response(number.error());
        } else if (*number && !(*number)->empty()) {
          auto normal = crm::contact_number(**number, "number");
          if (!normal) return api_error_response(normal.error());
          task.number = std::move(*normal);
        }
        if (body->contains("contact_id")) {
          if (!(*body)["contact_id"].is_number_integer()) {
            return json_error(400, "invalid", "contact_id: a contact's id", "contact_id");
          }
          task.contact_id = (*body)["contact_id"].get<std::int64_t>();
          auto contact = stores->contacts().find(who.tenant_id, *task.contact_id);
          if (!contact) return api_error_response(contact.error());
          if (!*contact)
            return json_error(400, "invalid", "contact_id: no such contact", "contact_id");
        }
        task.due_at_ms = now_ms(stores->clock()) + 24 * 3600 * 1000;
        if (auto due = optional_string(*body, "due_at", 40); !due) {
          return api_error_response(due.error());
        } else if (*due) {
          const auto ms = parse_instant_ms(**due);
          if (!ms)
            return json_error(400, "invalid", "due_at: ISO 8601 with Z or an offset", "due_at");
          task.due_at_ms = *ms;
        }
        auto exists =
            stores->database().cached("SELECT 1 FROM users WHERE tenant_id = ?1 AND username = ?2");
        if (!exists) return api_error_response(exists.error());
        exists->bind(1, who.tenant_id).bind(2, task.assignee);
        auto row = exists->step();
        if (!row) return api_error_response(row.error());
        if (!*row) return json_error(400, "invalid", "assignee: unknown user", "assignee");
        auto created = stores->tasks().create(who.tenant_id, task);
        if (!created) return api_error_response(created.error());
        tell(crm::TaskNoticeKind::created, *created);
        return json(201, dump_json(task_json(*created)));
      });
  add("PATCH", "/api/v1/tasks/{id}", Role::operator_,
      [stores, tell](const HttpRequest& request, const RouteParams& params,
                     const AuthContext& who) {
        auto open = stores->open();
        if (!open) return api_error_response(open.error());
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found();
        auto body = parse_json_object(request, {"state"});
        if (!body) return api_error_response(body.error());
        auto state_text = required_string(*body, "state", 20);
        if (!state_text) return api_error_response(state_text.error());
        const auto state = crm::parse_task_state(*state_text);
        if (!state || *state == crm::TaskState::open) {
          return json_error(400, "invalid", "state: done or cancelled", "state");
        }
        auto task = stores->tasks().find(who.tenant_id, *id);
        if (!task) return api_error_response(task.error());
        if (!*task || !may_see(who, **task)) return not_found();
        auto closed = stores->tasks().close(who.tenant_id, *id, *state, who.username);
        if (!closed) return api_error_response(closed.error());
        tell(crm::TaskNoticeKind::closed, *closed);
        return json(200, dump_json(task_json(*closed)));
      });
}

}  // namespace dzvin::http
