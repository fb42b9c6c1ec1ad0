#pragma once
// The live events of one company, handed to the webhook outbox (notify/webhook_outbox.hpp):
// the outbox's thread pulls what was published since it last asked; publishing only wakes it.
#include <cstdint>
#include <mutex>
#include <vector>

#include "http/event_hub.hpp"
#include "notify/webhook_outbox.hpp"

namespace dzvin::http {

class WebhookForwarder {
 public:
  // Starts after the hub's newest event: what happened before is not sent again.
  WebhookForwarder(EventHub& hub, std::int64_t tenant_id);

  // The outbox's thread: the company's events since the last pull, oldest first, as webhook
  // events (the body is the event's frame: {"id", "type", ...}).
  std::vector<notify::WebhookEvent> pull();
  // From now on every publish wakes `outbox`. Once, before events flow.
  void attach(notify::WebhookOutbox& outbox);
  // No more wake-ups (before the outbox is stopped and destroyed).
  void detach() { subscription_.reset(); }

 private:
  EventHub& hub_;
  EventFilter filter_;
  std::mutex mutex_;
  std::uint64_t cursor_;
  EventHub::Subscription subscription_;
};

}  // namespace dzvin::http
