#pragma once
// A thing somebody must do: call a missed caller back (made by the missed-call policy, one
// open per number), or answer a question taken by the intake form.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dzvin::crm {

enum class TaskState : std::uint8_t { open, done, cancelled };
std::string_view to_string(TaskState state);
std::optional<TaskState> parse_task_state(std::string_view text);

struct Task {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string kind;  // call_back, intake
  std::string number;
  std::optional<std::int64_t> contact_id;
  std::string assignee;     // username
  std::string assigned_by;  // deal_owner, contact_owner, head, form
  std::string title;
  std::string detail;
  std::int64_t due_at_ms = 0;
  TaskState state = TaskState::open;
  std::int64_t calls = 1;  // missed calls behind a call-back task
  std::string first_call_id;
  std::string last_call_id;
  std::optional<std::int64_t> voicemail_id;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::optional<std::int64_t> closed_at_ms;
  std::optional<std::string> closed_by_call;
  std::optional<std::string> closed_by;
};

}  // namespace dzvin::crm
