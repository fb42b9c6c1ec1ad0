#include "http/task_events.hpp"

#include "http/crm_json.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

void publish_task_notice(EventHub& hub, const crm::TaskNotice& notice) {
  LiveEvent live;
  live.tenant_id = notice.task.tenant_id;
  live.type = std::string(crm::to_string(notice.kind));
  live.call_id = notice.task.last_call_id;
  if (!notice.task.assignee.empty()) live.users.push_back(notice.task.assignee);
  live.json = dump_json({{"task", task_json(notice.task)}});
  hub.publish(std::move(live));
}

}  // namespace dzvin::http
