// docs/openapi.json, as built into the binary and served at /api/v1/openapi.json, describes
// every route the server registers (and no other), each operation with the refusals it can
// give, and holds together as a document: it parses, its $refs resolve and every {parameter}
// of a path is declared.
#include "http/openapi_route.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "http/api_auth.hpp"
#include "http/audit_routes.hpp"
#include "http/auth_routes.hpp"
#include "http/call_routes.hpp"
#include "http/click_to_call_route.hpp"
#include "http/contact_routes.hpp"
#include "http/crm_stores.hpp"
#include "http/event_routes.hpp"
#include "http/first_contact_route.hpp"
#include "http/media_routes.hpp"
#include "http/metrics.hpp"
#include "http/registration_routes.hpp"
#include "http/router.hpp"
#include "http/routing_routes.hpp"
#include "http/task_routes.hpp"
#include "http/trunk_routes.hpp"
#include "http/user_routes.hpp"
#include "http/voicemail_audio_route.hpp"
#include "http/voicemail_routes.hpp"
#include "http/webhook_routes.hpp"
#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

struct Route {
  std::string_view method;
  std::string_view path;
};

// Every route of src/http/*.cpp, as src/app/server.cpp wires them. A new route belongs here and
// in docs/openapi.json (OpenApiCoverage.TheListIsWhatTheModulesRegister tells when a module
// registers one that is not listed).
constexpr Route kRoutes[] = {
    // openapi_route.cpp, metrics.cpp, voicemail_audio_route.cpp (no login)
    {"GET", "/api/v1/openapi.json"},
    {"GET", "/metrics"},
    {"GET", "/media/{kind}/{file}"},
    // auth_routes.cpp
    {"POST", "/api/v1/auth/login"},
    {"POST", "/api/v1/auth/logout"},
    {"GET", "/api/v1/auth/me"},
    {"POST", "/api/v1/tokens"},
    {"GET", "/api/v1/tokens"},
    {"DELETE", "/api/v1/tokens/{id}"},
    // user_routes.cpp
    {"GET", "/api/v1/users"},
    {"GET", "/api/v1/directory"},
    {"POST", "/api/v1/users"},
    {"GET", "/api/v1/users/{username}"},
    {"PATCH", "/api/v1/users/{username}"},
    {"DELETE", "/api/v1/users/{username}"},
    // call_routes.cpp
    {"GET", "/api/v1/calls"},
    {"GET", "/api/v1/calls/{id}"},
    {"GET", "/api/v1/reports/heatmap"},
    // media_routes.cpp
    {"GET", "/api/v1/voicemails/{id}/audio"},
    {"GET", "/api/v1/recordings/{id}/audio"},
    // routing_routes.cpp
    {"GET", "/api/v1/routing"},
    {"PUT", "/api/v1/routing"},
    {"GET", "/api/v1/schemes"},
    {"GET", "/api/v1/schemes/{name}"},
    {"PUT", "/api/v1/schemes/{name}"},
    {"DELETE", "/api/v1/schemes/{name}"},
    {"GET", "/api/v1/schedules"},
    {"GET", "/api/v1/schedules/{name}"},
    {"PUT", "/api/v1/schedules/{name}"},
    {"DELETE", "/api/v1/schedules/{name}"},
    {"GET", "/api/v1/groups"},
    {"GET", "/api/v1/groups/{name}"},
    {"PUT", "/api/v1/groups/{name}"},
    {"DELETE", "/api/v1/groups/{name}"},
    {"GET", "/api/v1/caller-lists"},
    {"GET", "/api/v1/caller-lists/{name}"},
    {"PUT", "/api/v1/caller-lists/{name}"},
    {"DELETE", "/api/v1/caller-lists/{name}"},
    {"GET", "/api/v1/voicemail-boxes"},
    {"GET", "/api/v1/voicemail-boxes/{name}"},
    {"PUT", "/api/v1/voicemail-boxes/{name}"},
    {"DELETE", "/api/v1/voicemail-boxes/{name}"},
    {"GET", "/api/v1/prompts"},
    {"GET", "/api/v1/prompts/{name}"},
    {"PUT", "/api/v1/prompts/{name}"},
    {"DELETE", "/api/v1/prompts/{name}"},
    {"PUT", "/api/v1/prompts/{name}/audio"},
    {"GET", "/api/v1/numbers"},
    {"PUT", "/api/v1/numbers/{number}"},
    {"DELETE", "/api/v1/numbers/{number}"},
    // registration_routes.cpp
    {"GET", "/api/v1/registrations"},
    // voicemail_routes.cpp
    {"GET", "/api/v1/voicemails"},
    {"PATCH", "/api/v1/voicemails/{id}"},
    // trunk_routes.cpp
    {"GET", "/api/v1/trunks"},
    // audit_routes.cpp
    {"GET", "/api/v1/audit"},
    {"GET", "/api/v1/webhooks/deliveries"},
    {"GET", "/api/v1/reports/first-contacts"},
    // contact_routes.cpp
    {"GET", "/api/v1/contacts"},
    {"POST", "/api/v1/contacts"},
    {"GET", "/api/v1/contacts/{id}"},
    {"PUT", "/api/v1/contacts/{id}"},
    {"DELETE", "/api/v1/contacts/{id}"},
    {"PUT", "/api/v1/contacts/external/{external_id}"},
    {"POST", "/api/v1/deals"},
    {"PUT", "/api/v1/deals/{id}"},
    {"DELETE", "/api/v1/deals/{id}"},
    {"PUT", "/api/v1/deals/external/{external_id}"},
    {"GET", "/api/v1/caller-card"},
    {"POST", "/api/v1/contacts/import"},
    {"POST", "/api/v1/click-to-call"},
    // task_routes.cpp
    {"GET", "/api/v1/tasks"},
    {"POST", "/api/v1/tasks"},
    {"GET", "/api/v1/tasks/{id}"},
    {"PATCH", "/api/v1/tasks/{id}"},
    // event_routes.cpp: the WebSocket, registered with the HttpServer rather than the Router
    {"GET", "/api/v1/events"},
};

// Routes that refuse nothing of their own (no login, no parameters): no 4xx to document.
constexpr Route kNoRefusal[] = {
    {"GET", "/api/v1/openapi.json"},
    {"GET", "/metrics"},
};

// The operation keys of an OpenAPI 3 path item.
constexpr std::string_view kOperations[] = {"get",     "put",  "post",  "delete",
                                            "options", "head", "patch", "trace"};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string key(std::string_view method, std::string_view path) {
  return upper(method) + " " + std::string(path);
}
std::string key(const Route& route) {
  return key(route.method, route.path);
}

template <std::size_t N>
std::set<std::string> keys(const Route (&routes)[N]) {
  std::set<std::string> out;
  for (const Route& r : routes)
    out.insert(key(r));
  return out;
}

// The document the binary serves, parsed once (discarded when it is not JSON).
const Json& document() {
  static const Json parsed = Json::parse(openapi_document(), nullptr, false);
  return parsed;
}

// Every operation of the document: "METHOD /path" -> the operation object.
std::vector<std::pair<std::string, const Json*>> operations(const Json& doc) {
  std::vector<std::pair<std::string, const Json*>> out;
  if (!doc.contains("paths") || !doc["paths"].is_object()) return out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (std::string_view method : kOperations) {
      const auto found = item.find(std::string(method));
      if (found != item.end()) out.emplace_back(key(method, path), &*found);
    }
  }
  return out;
}

// Follows a local "$ref" ("#/components/..."); nullptr when it does not resolve.
const Json* resolve(const Json& doc, const Json& value) {
  if (!value.is_object() || !value.contains("$ref")) return &value;
  const Json& ref = value["$ref"];
  if (!ref.is_string()) return nullptr;
  const std::string& text = ref.get_ref<const std::string&>();
  if (text.rfind("#/", 0) != 0) return nullptr;
  const Json::json_pointer pointer(text.substr(1));
  if (!doc.contains(pointer)) return nullptr;
  return &doc.at(pointer);
}

void collect_refs(const Json& value, std::vector<std::string>& refs) {
  if (value.is_object()) {
    for (const auto& [name, member] : value.items()) {
      if (name == "$ref" && member.is_string()) refs.push_back(member.get<std::string>());
      collect_refs(member, refs);
    }
  } else if (value.is_array()) {
    for (const Json& element : value)
      collect_refs(element, refs);
  }
}

// The `{name}` segments of a path template.
std::vector<std::string> template_parameters(std::string_view path) {
  std::vector<std::string> names;
  for (std::size_t open = path.find('{'); open != std::string_view::npos;
       open = path.find('{', open + 1)) {
    const std::size_t close = path.find('}', open);
    if (close == std::string_view::npos) break;
    names.emplace_back(path.substr(open + 1, close - open - 1));
  }
  return names;
}

// The required path parameters declared for `operation` of `path_item` (both levels).
std::set<std::string> declared_path_parameters(const Json& doc, const Json& path_item,
                                               const Json& operation) {
  std::set<std::string> names;
  for (const Json* level : {&path_item, &operation}) {
    if (!level->contains("parameters")) continue;
    for (const Json& entry : (*level)["parameters"]) {
      const Json* parameter = resolve(doc, entry);
      if (parameter == nullptr || !parameter->is_object()) continue;
      if (parameter->value("in", "") == "path" && parameter->value("required", false))
        names.insert(parameter->value("name", ""));
    }
  }
  return names;
}

TEST(OpenApiCoverage, TheServedDocumentIsOpenApi3) {
  const Json& doc = document();
  ASSERT_FALSE(doc.is_discarded()) << "docs/openapi.json is not valid JSON";
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("openapi") && doc["openapi"].is_string());
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u) << doc["openapi"];
  EXPECT_TRUE(doc.contains("info") && doc["info"].contains("title"));
  ASSERT_TRUE(doc.contains("paths") && doc["paths"].is_object());
  EXPECT_FALSE(doc["paths"].empty());
  // The error schema every refusal shares.
  EXPECT_TRUE(doc.contains(Json::json_pointer("/components/responses/Error")));
  EXPECT_TRUE(doc.contains(Json::json_pointer("/components/schemas/Error/properties/error")));
}

TEST(OpenApiCoverage, EveryRegisteredRouteIsDescribed) {
  const Json& doc = document();
  ASSERT_FALSE(doc.is_discarded());
  std::set<std::string> described;
  for (const auto& [name, operation] : operations(doc))
    described.insert(name);
  for (const Route& route : kRoutes) {
    EXPECT_TRUE(described.contains(key(route)))
        << key(route) << " is registered but not described in docs/openapi.json";
  }
}

TEST(OpenApiCoverage, NothingIsDescribedThatIsNotRegistered) {
  const Json& doc = document();
  ASSERT_FALSE(doc.is_discarded());
  const std::set<std::string> registered = keys(kRoutes);
  for (const auto& [name, operation] : operations(doc)) {
    EXPECT_TRUE(registered.contains(name))
        << name << " is described in docs/openapi.json but no module registers it";
  }
}

TEST(OpenApiCoverage, EveryOperationDocumentsARefusal) {
  const Json& doc = document();
  ASSERT_FALSE(doc.is_discarded());
  const std::set<std::string> exempt = keys(kNoRefusal);
  const auto all = operations(doc);
  ASSERT_FALSE(all.empty());
  for (const auto& [name, operation] : all) {
    ASSERT_TRUE(operation->is_object()) << name;
    ASSERT_TRUE(operation->contains("responses") && (*operation)["responses"].is_object())
        << name << " has no responses";
    bool has_2xx_or_101 = false;
    bool has_4xx = false;
    for (const auto& [status, response] : (*operation)["responses"].items()) {
      if (status.size() == 3 && status[0] == '4') has_4xx = true;
      if ((status.size() == 3 && status[0] == '2') || status == "101") has_2xx_or_101 = true;
      const Json* resolved = resolve(doc, response);
      EXPECT_TRUE(resolved != nullptr && resolved->contains("description"))
          << name << " " << status << ": a response needs a description";
    }
    EXPECT_TRUE(has_2xx_or_101) << name << " documents no success";
    if (exempt.contains(name)) continue;
    EXPECT_TRUE(has_4xx) << name << " documents no 4xx response";
  }
  // The exemptions are real routes, still described.
  const std::set<std::string> registered = keys(kRoutes);
  for (const Route& route : kNoRefusal)
    EXPECT_TRUE(registered.contains(key(route))) << key(route);
}

TEST(OpenApiCoverage, ReferencesResolveAndPathParametersAreDeclared) {
  const Json& doc = document();
  ASSERT_FALSE(doc.is_discarded());
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    EXPECT_NE(resolve(doc, Json{{"$ref", ref}}), nullptr) << ref << " does not resolve";
  }
  for (const auto& [path, item] : doc["paths"].items()) {
    for (std::string_view method : kOperations) {
      if (!item.contains(std::string(method))) continue;
      const std::set<std::string> declared =
          declared_path_parameters(doc, item, item[std::string(method)]);
      for (const std::string& name : template_parameters(path)) {
        EXPECT_TRUE(declared.contains(name))
            << key(method, path) << ": path parameter {" << name << "} is not declared";
      }
    }
  }
}

// No routing here: the routes are only registered, never called.
class NoRouting final : public RoutingEditor {
 public:
  Result<RoutingView> current(const AuthContext&) override { return make_error(404, "none"); }
  Result<RoutingView> replace(const AuthContext&, RoutingView) override {
    return make_error(404, "none");
  }
  Result<RoutingView> set_prompt_audio(const AuthContext&, std::string_view,
                                       std::string_view) override {
    return make_error(404, "none");
  }
};

// Whether `router` already has a route for this method and pattern (Router::add refuses a
// second one; the Router cannot list its routes).
bool taken(Router& router, const Route& route) {
  try {
    router.add(route.method, route.path,
               [](const HttpRequest&, const RouteParams&) { return HttpResponse{}; });
    return false;
  } catch (const std::invalid_argument& e) {
    return std::string_view(e.what()).find("already taken") != std::string_view::npos;
  }
}

// kRoutes against the modules themselves, wired as src/app/server.cpp does (the databases are
// opened on first use only, and nothing is called here). Routes added through an
// AuthedRouteAdder are recorded, so one a module gains is caught even when it is not listed;
// routes a module adds to the Router directly (auth, users, openapi, metrics, /media) are
// checked only in the other direction: each listed one must be there.
TEST(OpenApiCoverage, TheListIsWhatTheModulesRegister) {
  testing::TempDir dir;
  const std::string db = dir.file("dzvin.db");
  FakeClock clock;
  ApiAuth auth(db, clock);
  MetricsRegistry metrics;
  NoRouting routing;
  Router router;

  add_openapi_route(router);
  add_metrics_route(router, metrics);
  add_auth_routes(router, auth);
  add_user_routes(router, auth);
  std::set<std::string> authed;
  const AuthedRouteAdder add = [&](std::string_view method, std::string_view pattern, Role minimum,
                                   AuthedHandler handler) {
    authed.insert(key(method, pattern));
    auth.add_authed(router, method, pattern, minimum, std::move(handler));
  };
  add_call_routes(add, CallRouteDeps{db});
  add_media_routes(add, MediaRouteDeps{db, dir.path().string()});
  add_routing_routes(add, routing);
  add_registration_routes(add, RegistrationRouteDeps{db, [] { return std::int64_t{0}; }});
  add_voicemail_routes(add, db);
  add_trunk_routes(add, [](std::int64_t) { return std::vector<TrunkView>{}; });
  add_audit_routes(add, db);
  add_webhook_routes(add, db);
  auto crm_stores = std::make_shared<CrmStores>(db, clock);
  add_contact_routes(add, crm_stores);
  add_task_routes(add, crm_stores);
  add_first_contact_route(add, crm_stores, "UTC");
  add_click_to_call_route(add, crm_stores, [](const pbx::Origination&) -> Result<std::string> {
    return make_error(503, "no engine here");
  });
  add_voicemail_audio_route(
      router, VoicemailAudioRoute{"secret",
                                  [](std::string_view, std::int64_t) -> std::optional<std::string> {
                                    return std::nullopt;
                                  },
                                  &clock});

  const std::set<std::string> listed = keys(kRoutes);
  EXPECT_GE(authed.size(), 55u);
  for (const std::string& route : authed)
    EXPECT_TRUE(listed.contains(route)) << route << " is registered but missing from kRoutes";

  const std::string events = key("GET", EventStreamSettings{}.path);
  EXPECT_TRUE(listed.contains(events)) << events;
  for (const Route& route : kRoutes) {
    if (key(route) == events) continue;
    EXPECT_TRUE(taken(router, route)) << key(route) << " is listed but no module registers it";
  }
}

}  // namespace
}  // namespace dzvin::http
