#pragma once
// The CRM worker's task news as live events ("task.created", "task.updated", "task.closed",
// "task.overdue" with {"task": {...}}), seen by the assignee and by heads and admins. Any
// thread (EventHub::publish is).
#include "crm/crm_worker.hpp"
#include "http/event_hub.hpp"

namespace dzvin::http {

void publish_task_notice(EventHub& hub, const crm::TaskNotice& notice);

}  // namespace dzvin::http
