#include "http/webhook_forwarder.hpp"

#include "base/log.hpp"

namespace dzvin::http {

WebhookForwarder::WebhookForwarder(EventHub& hub, std::int64_t tenant_id)
    : hub_(hub), cursor_(hub.last_id()) {
  filter_.tenant_id = tenant_id;
  filter_.whole_tenant = true;
}

std::vector<notify::WebhookEvent> WebhookForwarder::pull() {
  std::lock_guard lock(mutex_);
  std::vector<notify::WebhookEvent> events;
  const EventPage page = hub_.read(cursor_, filter_, hub_.capacity());
  if (page.resync) {
    // The ring moved on past the cursor (the outbox was stuck for a whole ring of events):
    // what fell out is lost to webhooks; say so and go on from here.
    log(LogLevel::warn, "webhook.events_skipped", {{"after", cursor_}, {"to", page.cursor}});
  } else {
    for (const LiveEvent& e : page.events) {
      events.push_back(
          notify::WebhookEvent{e.tenant_id, e.type, std::to_string(e.id), event_frame(e)});
    }
  }
  cursor_ = page.cursor;
  return events;
}

void WebhookForwarder::attach(notify::WebhookOutbox& outbox) {
  subscription_ = hub_.subscribe([&outbox] { outbox.wake(); });
}

}  // namespace dzvin::http
