#pragma once
// The company's routing through the API: the whole routing document, or one scheme, schedule
// or number at a time (each a read-modify-write of the document with its version, so two
// editors cannot silently overwrite each other):
//   GET  /api/v1/routing                       head+  {document, numbers, version}
//   PUT  /api/v1/routing                       admin  {document, numbers, version?}
//   GET  /api/v1/schemes, /api/v1/schedules, /api/v1/numbers              head+
//   GET  /api/v1/schemes/{name}, /api/v1/schedules/{name}                 head+
//   PUT  /api/v1/schemes/{name}, /api/v1/schedules/{name}                 admin (the object)
//   PUT  /api/v1/numbers/{number}              admin  {"scheme": NAME}
//   DELETE /api/v1/schemes/{name}, /api/v1/schedules/{name}, /api/v1/numbers/{number}  admin
// and the same list/one/PUT/DELETE for /api/v1/groups, /api/v1/voicemail-boxes (the
// document's "voicemail") and /api/v1/prompts (text prompts), plus
//   PUT  /api/v1/prompts/{name}/audio          admin  an audio file as the body
// A document that does not validate is refused with the path of the wrong field (the step
// that is wrong): `schemes.sales.steps[1].targets[0]: unknown user "1009"`. Accepted changes
// apply to new calls at once.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "http/auth_context.hpp"
#include "http/call_routes.hpp"

namespace dzvin::http {

struct RoutingView {
  std::string document;                                      // JSON object
  std::vector<std::pair<std::string, std::string>> numbers;  // number -> scheme name
  std::int64_t version = 0;
};

// The app's side (validation, storage, applying to the call engine). Called on the HTTP thread.
class RoutingEditor {
 public:
  virtual ~RoutingEditor() = default;
  virtual Result<RoutingView> current(const AuthContext& who) = 0;
  // Errors: 400 with the field path, 409 (the version moved on), 404 (no routing for the
  // company).
  virtual Result<RoutingView> replace(const AuthContext& who, RoutingView proposed) = 0;
  // Makes prompt `name` play `audio` (the bytes of a file libsndfile reads: WAV, FLAC, ...),
  // creating or replacing it. Errors: 400 for an empty body or audio that cannot be read
  // (naming "body"), 409, 404 as replace().
  virtual Result<RoutingView> set_prompt_audio(const AuthContext& who, std::string_view name,
                                               std::string_view audio) = 0;
};

void add_routing_routes(const AuthedRouteAdder& add, RoutingEditor& editor);

}  // namespace dzvin::http
