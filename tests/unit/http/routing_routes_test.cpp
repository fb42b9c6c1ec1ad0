// The routing resources of the REST API over a routing document: schemes, schedules, groups,
// voicemail boxes and prompts each as a resource of its own, with the document's validation
// errors reaching the client with the path of the wrong field.
#include "http/routing_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "pbx/memory_directory.hpp"
#include "pbx/routing_document.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

// The app's editor in miniature: validates against two users, keeps a version.
class FakeEditor final : public RoutingEditor {
 public:
  Result<RoutingView> current(const AuthContext&) override { return view; }
  Result<RoutingView> replace(const AuthContext&, RoutingView proposed) override {
    if (proposed.version != view.version) return make_error(409, "routing: changed meanwhile");
    auto parsed = pbx::parse_routing_document(proposed.document);
    if (!parsed) return parsed.error();
    pbx::MemoryDirectory directory;
    directory.add_user({"1002", "1002", "Anna"});
    directory.add_user({"1003", "1003", "Olena"});
    if (auto ok = pbx::validate_routing_document(*parsed, directory); !ok) return ok.error();
    view.document = pbx::to_json(*parsed);
    view.numbers = proposed.numbers;
    ++view.version;
    return view;
  }
  Result<RoutingView> set_prompt_audio(const AuthContext&, std::string_view name,
                                       std::string_view audio) override {
    uploads[std::string(name)] = std::string(audio);
    return view;
  }

  RoutingView view{"{}", {}, 1};
  std::map<std::string, std::string> uploads;
};

class RoutingRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add_routing_routes(
        [this](std::string_view method, std::string_view pattern, Role minimum,
               AuthedHandler handler) {
          const std::string key = std::string(method) + " " + std::string(pattern);
          minimum_[key] = minimum;
          routes_[key] = std::move(handler);
        },
        editor_);
  }

  HttpResponse call(const std::string& route, std::string name = {}, std::string body = {},
                    std::string content_type = "application/json") {
    HttpRequest request;
    request.method = route.substr(0, route.find(' '));
    if (!body.empty()) {
      request.body = std::move(body);
      request.headers.emplace_back("Content-Type", std::move(content_type));
    }
    RouteParams params;
    if (!name.empty()) params.add("name", std::move(name));
    AuthContext admin;
    admin.tenant_id = 1;
    admin.role = Role::admin;
    return routes_.at(route)(request, params, admin);
  }

  static Json error_of(const HttpResponse& r) { return Json::parse(r.body)["error"]; }

  FakeEditor editor_;
  std::map<std::string, AuthedHandler> routes_;
  std::map<std::string, Role> minimum_;
};

TEST_F(RoutingRoutesTest, EverySectionIsAResourceReadByHeadsAndChangedByAdmins) {
  for (const std::string section :
       {"schemes", "schedules", "groups", "voicemail-boxes", "prompts"}) {
    const std::string list = "/api/v1/" + section;
    EXPECT_EQ(minimum_.at("GET " + list), Role::head) << section;
    EXPECT_EQ(minimum_.at("GET " + list + "/{name}"), Role::head) << section;
    EXPECT_EQ(minimum_.at("PUT " + list + "/{name}"), Role::admin) << section;
    EXPECT_EQ(minimum_.at("DELETE " + list + "/{name}"), Role::admin) << section;
  }
  EXPECT_EQ(minimum_.at("PUT /api/v1/prompts/{name}/audio"), Role::admin);
}

TEST_F(RoutingRoutesTest, GroupsAreCreatedListedChangedAndDeleted) {
  const auto created = call("PUT /api/v1/groups/{name}", "sales",
                            R"({"description": "Продажі", "members": ["1003", "1002"]})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Json::parse(created.body)["version"], 2);
  const Json list = Json::parse(call("GET /api/v1/groups").body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["name"], "sales");
  EXPECT_EQ(list["items"][0]["members"], Json::array({"1003", "1002"}));
  EXPECT_EQ(list["version"], 2);
  const Json one = Json::parse(call("GET /api/v1/groups/{name}", "sales").body);
  EXPECT_EQ(one["description"], "Продажі");
  EXPECT_EQ(call("GET /api/v1/groups/{name}", "nobody").status, 404);

  EXPECT_EQ(call("DELETE /api/v1/groups/{name}", "sales").status, 204);
  EXPECT_EQ(call("DELETE /api/v1/groups/{name}", "sales").status, 404);
  EXPECT_TRUE(Json::parse(call("GET /api/v1/groups").body)["items"].empty());
}

TEST_F(RoutingRoutesTest, AnInvalidGroupIsRefusedWithTheFieldAndChangesNothing) {
  const auto unknown =
      call("PUT /api/v1/groups/{name}", "sales", R"({"members": ["1002", "9999"]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_of(unknown)["field"], "groups.sales.members[1]");
  EXPECT_EQ(error_of(unknown)["message"], "groups.sales.members[1]: unknown user \"9999\"");
  const auto extra = call("PUT /api/v1/groups/{name}", "sales", R"({"members": [], "x": 1})");
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(error_of(extra)["field"], "x");
  EXPECT_EQ(editor_.view.version, 1);
}

TEST_F(RoutingRoutesTest, VoicemailBoxesAndTextPrompts) {
  ASSERT_EQ(call("PUT /api/v1/prompts/{name}", "vm",
                 R"({"text": "Залиште повідомлення", "language": "uk"})")
                .status,
            200);
  const auto box = call("PUT /api/v1/voicemail-boxes/{name}", "sales",
                        R"({"greeting": "vm", "emails": ["sales@example.ua"], "max_length": 60})");
  ASSERT_EQ(box.status, 200) << box.body;
  const Json boxes = Json::parse(call("GET /api/v1/voicemail-boxes").body);
  ASSERT_EQ(boxes["items"].size(), 1u);
  EXPECT_EQ(boxes["items"][0]["name"], "sales");
  EXPECT_EQ(boxes["items"][0]["max_length"], 60);
  const auto bad = call("PUT /api/v1/voicemail-boxes/{name}", "sales", R"({"greeting": "none"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_of(bad)["field"], "voicemail.sales.greeting");
  // A server path is never accepted through the API.
  const auto file = call("PUT /api/v1/prompts/{name}", "x", R"({"file": "/etc/passwd"})");
  EXPECT_EQ(file.status, 400);
  EXPECT_EQ(error_of(file)["field"], "file");
}

TEST_F(RoutingRoutesTest, PromptAudioGoesToTheEditorAsBytes) {
  const std::string wav = std::string("RIFF") + std::string(100, '\0');
  EXPECT_EQ(call("PUT /api/v1/prompts/{name}/audio", "tone", wav, "audio/wav").status, 200);
  EXPECT_EQ(editor_.uploads.at("tone"), wav);
}

TEST_F(RoutingRoutesTest, SchemeStepErrorsNameTheStep) {
  const auto r = call("PUT /api/v1/schemes/{name}", "sales",
                      R"({"steps": [{"type": "ring", "targets": ["user:1002"]},
                                    {"type": "ring", "targets": ["user:1009"]}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["field"], "schemes.sales.steps[1].targets[0]");
}

}  // namespace
}  // namespace dzvin::http
