#include "http/routing_routes.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <vector>

#include "http/api_error.hpp"
#include "http/json_body.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

Json view_json(const RoutingView& view) {
  Json numbers = Json::object();
  for (const auto& [number, scheme] : view.numbers)
    numbers[number] = scheme;
  Json document = Json::parse(view.document, nullptr, false);
  if (document.is_discarded()) document = Json::object();
  return Json{{"document", std::move(document)},
              {"numbers", std::move(numbers)},
              {"version", view.version}};
}

HttpResponse answer(const Result<RoutingView>& view) {
  if (!view) return api_error_response(view.error());
  return json(200, view_json(*view).dump());
}

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

// A section of the document whose entries are keyed by name, as a resource of its own.
struct NamedSection {
  std::string_view url;       // /api/v1/<url>
  std::string_view key;       // the document's member
  std::string_view singular;  // for messages
  std::initializer_list<std::string_view> fields;
};

const NamedSection kSections[] = {
    {"schemes", "schemes", "scheme", {"description", "steps", "record"}},
    {"schedules", "schedules", "schedule", {"time_zone", "weekly", "holidays", "exceptions"}},
    {"groups", "groups", "group", {"description", "members"}},
    {"caller-lists", "caller_lists", "caller list", {"description", "numbers"}},
    {"voicemail-boxes",
     "voicemail",
     "voicemail box",
     {"greeting", "emails", "language", "max_length", "silence", "min_length"}},
    // Through the API a prompt is text; audio is uploaded (PUT .../audio), never a server path.
    {"prompts", "prompts", "prompt", {"text", "language"}},
};

// Read-modify-write of the document and its numbers, with the version read.
Result<RoutingView> modify(RoutingEditor& editor, const AuthContext& who,
                           const std::function<Result<void>(Json&, RoutingView&)>& change) {
  auto view = editor.current(who);
  if (!view) return view.error();
  Json document = Json::parse(view->document, nullptr, false);
  if (!document.is_object()) document = Json::object();
  if (auto r = change(document, *view); !r) return r.error();
  view->document = document.dump();
  return editor.replace(who, std::move(*view));
}

}  // namespace

void add_routing_routes(const AuthedRouteAdder& add, RoutingEditor& editor) {
  RoutingEditor* e = &editor;
  add("GET", "/api/v1/routing", Role::head,
      [e](const HttpRequest&, const RouteParams&, const AuthContext& who) {
        return answer(e->current(who));
      });
  add("PUT", "/api/v1/routing", Role::admin,
      [e](const HttpRequest& request, const RouteParams&, const AuthContext& who) {
        auto body = parse_json_object(request, {"document", "numbers", "version"});
        if (!body) return api_error_response(body.error());
        RoutingView proposed;
        const Json* document = body->contains("document") ? &(*body)["document"] : nullptr;
        if (document == nullptr || !document->is_object()) {
          return json_error(400, "invalid_field", "document: must be an object", "document");
        }
        proposed.document = document->dump();
        if (body->contains("numbers")) {
          const Json& numbers = (*body)["numbers"];
          if (!numbers.is_object()) {
            return json_error(400, "invalid_field", "numbers: must be an object", "numbers");
          }
          for (const auto& [number, scheme] : numbers.items()) {
            if (!scheme.is_string()) {
              return json_error(400, "invalid_field", "numbers." + number + ": must be a string",
                                "numbers." + number);
            }
            proposed.numbers.emplace_back(number, scheme.get<std::string>());
          }
        }
        if (body->contains("version")) {
          const Json& version = (*body)["version"];
          if (!version.is_number_integer()) {
            return json_error(400, "invalid_field", "version: must be a whole number", "version");
          }
          proposed.version = version.get<std::int64_t>();
        } else {
          auto now = e->current(who);
          if (!now) return api_error_response(now.error());
          proposed.version = now->version;
        }
        return answer(e->replace(who, std::move(proposed)));
      });

  for (const NamedSection& section : kSections) {
    const std::string key(section.key);
    const std::string singular(section.singular);
    const std::string list = "/api/v1/" + std::string(section.url);
    const std::string one = list + "/{name}";
    add("GET", list, Role::head,
        [e, key](const HttpRequest&, const RouteParams&, const AuthContext& who) {
          auto view = e->current(who);
          if (!view) return api_error_response(view.error());
          const Json document = Json::parse(view->document, nullptr, false);
          Json items = Json::array();
          if (document.is_object() && document.contains(key)) {
            for (const auto& [name, value] : document[key].items()) {
              Json item = value;
              item["name"] = name;
              items.push_back(std::move(item));
            }
          }
          return json(200, Json{{"items", std::move(items)}, {"version", view->version}}.dump());
        });
    add("GET", one, Role::head,
        [e, key, singular](const HttpRequest&, const RouteParams& params, const AuthContext& who) {
          auto view = e->current(who);
          if (!view) return api_error_response(view.error());
          const Json document = Json::parse(view->document, nullptr, false);
          const std::string name(params.get("name"));
          if (!document.is_object() || !document.contains(key) || !document[key].contains(name)) {
            return json_error(404, "not_found", "no such " + singular, "name");
          }
          Json item = document[key][name];
          item["name"] = name;
          item["version"] = view->version;
          return json(200, item.dump());
        });
    add("PUT", one, Role::admin,
        [e, key, fields = std::vector<std::string_view>(section.fields)](
            const HttpRequest& request, const RouteParams& params, const AuthContext& who) {
          auto body = parse_json_object(request, fields);
          if (!body) return api_error_response(body.error());
          const std::string name(params.get("name"));
          return answer(modify(*e, who, [&](Json& document, RoutingView&) -> Result<void> {
            document[key][name] = *body;
            return {};
          }));
        });
    add("DELETE", one, Role::admin,
        [e, key, singular](const HttpRequest&, const RouteParams& params, const AuthContext& who) {
          const std::string name(params.get("name"));
          auto result = modify(*e, who, [&](Json& document, RoutingView&) -> Result<void> {
            if (!document.contains(key) || !document[key].contains(name)) {
              return make_error(404, "name: no such " + singular);
            }
            document[key].erase(name);
            return {};
          });
          if (!result) return api_error_response(result.error());
          return no_content();
        });
  }

  add("PUT", "/api/v1/prompts/{name}/audio", Role::admin,
      [e](const HttpRequest& request, const RouteParams& params, const AuthContext& who) {
        return answer(e->set_prompt_audio(who, params.get("name"), request.body));
      });

  add("GET", "/api/v1/numbers", Role::head,
      [e](const HttpRequest&, const RouteParams&, const AuthContext& who) {
        auto view = e->current(who);
        if (!view) return api_error_response(view.error());
        Json items = Json::array();
        for (const auto& [number, scheme] : view->numbers)
          items.push_back(Json{{"number", number}, {"scheme", scheme}});
        return json(200, Json{{"items", std::move(items)}, {"version", view->version}}.dump());
      });
  add("PUT", "/api/v1/numbers/{number}", Role::admin,
      [e](const HttpRequest& request, const RouteParams& params, const AuthContext& who) {
        auto body = parse_json_object(request, {"scheme"});
        if (!body) return api_error_response(body.error());
        auto scheme = required_string(*body, "scheme", 64);
        if (!scheme) return api_error_response(scheme.error());
        const std::string number(params.get("number"));
        return answer(modify(*e, who, [&](Json&, RoutingView& view) -> Result<void> {
          std::erase_if(view.numbers, [&](const auto& n) { return n.first == number; });
          view.numbers.emplace_back(number, *scheme);
          return {};
        }));
      });
  add("DELETE", "/api/v1/numbers/{number}", Role::admin,
      [e](const HttpRequest&, const RouteParams& params, const AuthContext& who) {
        const std::string number(params.get("number"));
        auto result = modify(*e, who, [&](Json&, RoutingView& view) -> Result<void> {
          if (std::erase_if(view.numbers, [&](const auto& n) { return n.first == number; }) == 0) {
            return make_error(404, "number: no such number");
          }
          return {};
        });
        if (!result) return api_error_response(result.error());
        return no_content();
      });
}

}  // namespace dzvin::http
