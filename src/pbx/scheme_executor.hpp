#pragma once
// Runs a routing scheme for one call as a coroutine on the signalling loop. Includes Asio's
// awaitable (through call_control.hpp): include it only where the call engine is written.
#include "pbx/call_control.hpp"
#include "pbx/routing_scheme.hpp"
#include "pbx/scheme_result.hpp"

namespace dzvin::pbx {

class Directory;

// Runs `scheme` (a copy: edits to the stored scheme do not reach a call in progress) for the
// call behind `call`, reading users, groups and schedules from `directory` as each step is
// reached. `directory` and `call` must outlive the coroutine. The result says how it ended;
// what the executor did to the call:
//   answered  - nothing more: the answered leg stays bridged (the B2BUA's from here on);
//   voicemail - called call.voicemail(box);   rejected - called call.hangup(status, reason);
//   abandoned - nothing (the caller is gone);
//   unanswered - called call.hangup(480, "Temporarily Unavailable");
//   failed    - an exception from `call` was caught; call.hangup(500, ...) was tried.
// It never throws. Start it with co_spawn(io, run_scheme(scheme, directory, call), handler)
// where handler is void(std::exception_ptr, SchemeResult), or co_await it from the call's own
// coroutine.
boost::asio::awaitable<SchemeResult> run_scheme(RoutingScheme scheme, const Directory& directory,
                                                CallControl& call, SchemeLimits limits = {});

}  // namespace dzvin::pbx
