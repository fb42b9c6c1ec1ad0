#pragma once
// Tasks (crm/task_store.hpp): call-back tasks made from missed calls, tasks from the intake form.
//   GET   /api/v1/tasks?state=open|done|cancelled&assignee=&overdue=true&number=&contact_id=
//                                 &limit=&before=
//                                 any role: managers and operators get their own only
//   GET   /api/v1/tasks/{id}      any role (their own below head)
//   POST  /api/v1/tasks           operator+ {"title", "detail", "assignee", "number",
//                                 "contact_id", "due_at" (ISO 8601), "call_id"}: an intake task
//   PATCH /api/v1/tasks/{id}      {"state": "done"|"cancelled"}: the assignee or head+
#include <functional>

#include "crm/crm_worker.hpp"
#include "http/call_routes.hpp"
#include "http/crm_stores.hpp"

namespace dzvin::http {

// `notify` hears of tasks created or closed through these routes (the live events).
void add_task_routes(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                     std::function<void(const crm::TaskNotice&)> notify = {});

}  // namespace dzvin::http
