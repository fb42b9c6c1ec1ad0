#pragma once
// What the call engine tells the rest of Dzvin (ARCHITECTURE.md "Events"): the call-record
// writer, and later CRM policies, the web app's live view and webhooks, subscribe. The engine
// never calls them directly; it emits these values on the signalling thread.
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"

namespace dzvin::pbx {

enum class CallEventKind : std::uint8_t {
  started,   // a caller's INVITE was accepted for routing
  ringing,   // a target's phone rings (target = AoR or number)
  attempt,   // a ring attempt ended without answer (detail = its result: busy, no answer, ...)
  answered,  // target answered
  ended,     // the call ended (detail = outcome: answered, missed, abandoned, failed: reason)
  // May come after `ended` (the file is finished once the call is over):
  voicemail_recorded,  // a message was kept: target = box, file, duration_ms
  recording_started,   // the call is being recorded into `file` (channels)
  recording_finished,  // the recording of `file` ended: complete or not, duration_ms
};

std::string_view to_string(CallEventKind kind);

struct CallEvent {
  CallEventKind kind = CallEventKind::started;
  std::uint64_t call_id = 0;  // Dzvin's id of the call in this process
  std::string call_uid;       // unique across restarts and nodes: the call record's key
  std::uint32_t seq = 0;      // 0, 1, 2, ... per call: the order of its events
  std::int64_t tenant_id = 0;
  WallTime at;
  std::string caller;  // the caller's user or number
  std::string called;  // what was dialled
  std::string target;  // ringing/attempt/answered: who
  std::string detail;  // attempt: result; ended: outcome and reason
  int sip_status = 0;  // attempt/ended: the SIP status behind it, when there is one
  // voicemail_recorded, recording_*: the audio file, relative to the data directory, and the
  // id the store keeps it under (voicemails.id, recordings.id): random, positive, < 2^53.
  std::string file;
  std::int64_t media_id = 0;
  std::int64_t duration_ms = 0;
  int channels = 0;       // recording_started: 1 mixed, 2 stereo
  bool complete = false;  // recording_finished: under its final name
};

class CallEventSink {
 public:
  virtual ~CallEventSink() = default;
  virtual void on_call_event(const CallEvent& event) = 0;
};

// Hands every event to each subscriber, in the order they were added (the call-record writer
// first, so a voicemail's row is queued before anyone is told about it).
class CallEventFanout final : public CallEventSink {
 public:
  void add(CallEventSink* sink) {
    if (sink != nullptr) sinks_.push_back(sink);
  }
  void on_call_event(const CallEvent& event) override {
    for (CallEventSink* sink : sinks_)
      sink->on_call_event(event);
  }

 private:
  std::vector<CallEventSink*> sinks_;
};

}  // namespace dzvin::pbx
