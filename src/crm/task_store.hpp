#pragma once
// Tasks in SQLite (migration 5). A number has at most one open call-back task (a unique
// partial index): repeated missed calls update it; an answered call with the number closes it.
// Errors carry store::StoreError codes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "crm/task.hpp"
#include "store/database.hpp"

namespace dzvin::crm {

inline constexpr std::size_t kMaxTaskPage = 200;

// A missed call to turn into a call-back task (or into one more call on the open one).
struct MissedCall {
  std::string number;  // the caller, normalised
  std::optional<std::int64_t> contact_id;
  std::string assignee;
  std::string assigned_by;
  std::string title;
  std::string detail;
  std::int64_t due_at_ms = 0;
  std::string call_id;
};

struct NewTask {
  std::string kind = "intake";
  std::string number;
  std::optional<std::int64_t> contact_id;
  std::string assignee;
  std::string title;
  std::string detail;
  std::int64_t due_at_ms = 0;
  std::string call_id;  // the call it came from, "" for none
};

struct TaskChange {
  Task task;
  bool created = false;  // false: an open task got one more call
};

struct TaskFilter {
  std::string assignee;            // "" for everyone's
  std::optional<TaskState> state;  // nullopt for any
  bool overdue_only = false;       // open and past due at `now_ms`
  std::int64_t now_ms = 0;
  std::size_t limit = 50;
  std::int64_t before_id = 0;   // keyset: ids below it (0: from the newest)
  std::string number;           // "" for any
  std::int64_t contact_id = 0;  // 0 for any
};

struct TaskPage {
  std::vector<Task> items;
  std::optional<std::int64_t> next_before;
};

class TaskStore {
 public:
  TaskStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<TaskChange> record_missed_call(std::int64_t tenant_id, const MissedCall& call);
  // The open call-back task of `number` is done, closed by `call_id` (an answered call with
  // that number, either way); nullopt when there was none.
  Result<std::optional<Task>> close_by_call(std::int64_t tenant_id, std::string_view number,
                                            std::string_view call_id);
  // The message a missed call left, on the task that call made or updated.
  Result<std::optional<Task>> attach_voicemail(std::int64_t tenant_id, std::string_view call_id,
                                               std::int64_t voicemail_id);
  Result<Task> create(std::int64_t tenant_id, const NewTask& task);
  // By hand: done or cancelled (kInvalid for open), by `username`.
  Result<Task> close(std::int64_t tenant_id, std::int64_t id, TaskState state,
                     std::string_view username);
  Result<std::optional<Task>> find(std::int64_t tenant_id, std::int64_t id);
  Result<std::optional<Task>> open_call_back(std::int64_t tenant_id, std::string_view number);
  Result<TaskPage> list(std::int64_t tenant_id, const TaskFilter& filter);
  // Open tasks past due not yet reported overdue, marked reported (any tenant).
  Result<std::vector<Task>> take_newly_overdue(std::int64_t now_ms);

 private:
  Result<std::optional<Task>> read_one(std::string_view where, std::int64_t a, std::int64_t b,
                                       std::string_view text);
  std::int64_t now_ms() const;

  store::Database& db_;
  const Clock& clock_;
};

}  // namespace dzvin::crm
