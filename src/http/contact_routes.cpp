#include "http/contact_routes.hpp"

#include "base/log.hpp"
#include "crm/contact_import.hpp"
#include "http/api_error.hpp"
#include "http/crm_json.hpp"
#include "http/decimal.hpp"
#include "http/json_body.hpp"
#include "http/user_json.hpp"
#include "http/web_accounts.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

Result<crm::ContactDraft> contact_draft(const HttpRequest& request) {
  auto body = parse_json_object(request, {"name", "company", "owner", "email", "notes", "phones"});
  if (!body) return body.error();
  crm::ContactDraft draft;
  auto name = required_string(*body, "name", 200);
  if (!name) return name.error();
  draft.name = std::move(*name);
  for (auto [key, field, max] : {std::tuple{"company", &draft.company, std::size_t{200}},
                                 std::tuple{"owner", &draft.owner, std::size_t{64}},
                                 std::tuple{"email", &draft.email, std::size_t{254}}}) {
    auto value = optional_string(*body, key, max);
    if (!value) return value.error();
    if (*value) *field = std::move(**value);
  }
  if (body->contains("notes")) {
    const Json& notes = (*body)["notes"];
    if (!notes.is_string()) return make_error(400, "notes: must be a string");
    draft.notes = notes.get<std::string>();
  }
  if (body->contains("phones")) {
    const Json& phones = (*body)["phones"];
    if (!phones.is_array()) return make_error(400, "phones: must be a list");
    for (std::size_t i = 0; i < phones.size(); ++i) {
      const std::string at = "phones[" + std::to_string(i) + "]";
      const Json& p = phones[i];
      if (p.is_string()) {
        draft.phones.push_back({p.get<std::string>(), ""});
        continue;
      }
      if (!p.is_object() || !p.contains("number") || !p["number"].is_string()) {
        return make_error(400, at + ": a number, or {\"number\", \"label\"}");
      }
      for (const auto& [key, value] : p.items()) {
        if (key != "number" && key != "label")
          return make_error(400, at + "." + key + ": unknown field");
        if (!value.is_string()) return make_error(400, at + "." + key + ": must be a string");
      }
      draft.phones.push_back({p["number"].get<std::string>(), p.value("label", "")});
    }
  }
  return draft;
}

Result<crm::DealDraft> deal_draft(const HttpRequest& request) {
  auto body = parse_json_object(request, {"contact_id", "title", "stage", "owner", "open"});
  if (!body) return body.error();
  crm::DealDraft draft;
  if (!body->contains("contact_id") || !(*body)["contact_id"].is_number_integer()) {
    return make_error(400, "contact_id: required, a contact's id");
  }
  draft.contact_id = (*body)["contact_id"].get<std::int64_t>();
  auto title = required_string(*body, "title", 200);
  if (!title) return title.error();
  draft.title = std::move(*title);
  auto stage = optional_string(*body, "stage", 60);
  if (!stage) return stage.error();
  if (*stage) draft.stage = std::move(**stage);
  auto owner = optional_string(*body, "owner", 64);
  if (!owner) return owner.error();
  if (*owner) draft.owner = std::move(**owner);
  if (body->contains("open")) {
    if (!(*body)["open"].is_boolean()) return make_error(400, "open: must be true or false");
    draft.open = (*body)["open"].get<bool>();
  }
  return draft;
}

HttpResponse contact_answer(int status, const Result<crm::Contact>& contact) {
  if (!contact) return api_error_response(contact.error());
  return json(status, dump_json(contact_json(*contact)));
}

HttpResponse deal_answer(int status, const Result<crm::Deal>& deal) {
  if (!deal) return api_error_response(deal.error());
  return json(status, dump_json(deal_json(*deal)));
}

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse not_found(std::string_view what) {
  return json_error(404, "not_found", "no such " + std::string(what), "id");
}

// POST /api/v1/contacts/import: the body is the file.
HttpResponse import_contacts(CrmStores& s, const HttpRequest& request, const AuthContext& who) {
  if (!request.has_media_type("text/csv")) {
    return json_error(415, "unsupported_media_type",
                      "Content-Type: must be text/csv (a CSV file in UTF-8)", "Content-Type");
  }
  bool dry_run = false;
  if (const auto text = request.query_parameter("dry_run")) {
    if (*text != "true" && *text != "false") {
      return json_error(400, "invalid", "dry_run: true or false", "dry_run");
    }
    dry_run = *text == "true";
  }
  auto report = crm::import_contacts(s.contacts(), who.tenant_id, request.body,
                                     crm::ImportOptions{dry_run, {}});
  if (!report) return api_error_response(report.error());
  if (!dry_run && report->created + report->updated > 0) {
    // As ApiAuth::audited_adder records changes, on the connection that made them.
    std::string detail = "created " + std::to_string(report->created) + ", updated " +
                         std::to_string(report->updated) + ", skipped " +
                         std::to_string(report->skipped);
    if (who.via_token) detail += ", via API token";
    const AuditEntry entry{who.tenant_id, who.user_id, "import", "contacts", detail};
    if (auto written = append_audit(s.database(), entry, unix_ms(s.clock().wall_now())); !written) {
      log(LogLevel::error, "http.audit_failed",
          {{"action", entry.action},
           {"resource", entry.resource},
           {"reason", written.error().message}});
    }
  }
  return json(200, dump_json(import_report_json(*report, dry_run)));
}

}  // namespace

void add_contact_routes(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores) {
  // Runs `body` with the open stores, or answers the store's failure.
  const auto with = [stores](auto body) {
    return [stores, body](const HttpRequest& request, const RouteParams& params,
                          const AuthContext& who) -> HttpResponse {
      auto open = stores->open();
      if (!open) return api_error_response(open.error());
      return body(**open, request, params, who);
    };
  };

  add("GET", "/api/v1/contacts", Role::operator_,
      with(
          [](CrmStores& s, const HttpRequest& request, const RouteParams&, const AuthContext& who) {
            const std::string query = restore_plus(request.query_parameter("q").value_or(""));
            if (query.size() > 100) return json_error(400, "invalid", "q: at most 100 bytes", "q");
            std::int64_t limit = 50;
            std::int64_t offset = 0;
            for (auto [key, target, max] :
                 {std::tuple{"limit", &limit, static_cast<std::int64_t>(crm::kMaxContactPage)},
                  std::tuple{"offset", &offset, std::int64_t{1'000'000}}}) {
              if (const auto text = request.query_parameter(key)) {
                const auto n = parse_decimal(*text);
                if (!n || *n > max || (std::string_view(key) == "limit" && *n < 1)) {
                  return json_error(400, "invalid", std::string(key) + ": out of range", key);
                }
                *target = *n;
              }
            }
            auto page = s.contacts().list(who.tenant_id, query, static_cast<std::size_t>(limit),
                                          static_cast<std::size_t>(offset));
            if (!page) return api_error_response(page.error());
            Json items = Json::array();
            for (const crm::Contact& c : page->items)
              items.push_back(contact_json(c));
            return json(200, dump_json({{"items", std::move(items)}, {"total", page->total}}));
          }));
  add("POST", "/api/v1/contacts", Role::operator_,
      with(
          [](CrmStores& s, const HttpRequest& request, const RouteParams&, const AuthContext& who) {
            auto draft = contact_draft(request);
            if (!draft) return api_error_response(draft.error());
            draft->created_by = who.username;
            return contact_answer(201, s.contacts().create(who.tenant_id, *draft));
          }));
  add("GET", "/api/v1/contacts/{id}", Role::operator_,
      with([](CrmStores& s, const HttpRequest&, const RouteParams& params, const AuthContext& who) {
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found("contact");
        auto contact = s.contacts().find(who.tenant_id, *id);
        if (!contact) return api_error_response(contact.error());
        if (!*contact) return not_found("contact");
        auto deals = s.contacts().deals_of(who.tenant_id, *id);
        if (!deals) return api_error_response(deals.error());
        Json body = contact_json(**contact);
        body["deals"] = Json::array();
        for (const crm::Deal& d : *deals)
          body["deals"].push_back(deal_json(d));
        return json(200, dump_json(body));
      }));
  add("PUT", "/api/v1/contacts/{id}", Role::operator_,
      with([](CrmStores& s, const HttpRequest& request, const RouteParams& params,
              const AuthContext& who) {
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found("contact");
        auto draft = contact_draft(request);
        if (!draft) return api_error_response(draft.error());
        return contact_answer(200, s.contacts().replace(who.tenant_id, *id, *draft));
      }));
  add("DELETE", "/api/v1/contacts/{id}", Role::head,
      with([](CrmStores& s, const HttpRequest&, const RouteParams& params, const AuthContext& who) {
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found("contact");
        if (auto done = s.contacts().remove(who.tenant_id, *id); !done) {
          return api_error_response(done.error());
        }
        return no_content();
      }));
  add("PUT", "/api/v1/contacts/external/{external_id}", Role::manager,
      with([](CrmStores& s, const HttpRequest& request, const RouteParams& params,
              const AuthContext& who) {
        auto draft = contact_draft(request);
        if (!draft) return api_error_response(draft.error());
        draft->external_id = std::string(params.get("external_id"));
        draft->created_by = who.username;
        return contact_answer(200, s.contacts().upsert_external(who.tenant_id, *draft));
      }));

  add("POST", "/api/v1/contacts/import", Role::head,
      with([](CrmStores& s, const HttpRequest& request, const RouteParams&,
              const AuthContext& who) { return import_contacts(s, request, who); }));

  add("POST", "/api/v1/deals", Role::manager,
      with(
          [](CrmStores& s, const HttpRequest& request, const RouteParams&, const AuthContext& who) {
            auto draft = deal_draft(request);
            if (!draft) return api_error_response(draft.error());
            return deal_answer(201, s.contacts().create_deal(who.tenant_id, *draft));
          }));
  add("PUT", "/api/v1/deals/{id}", Role::manager,
      with([](CrmStores& s, const HttpRequest& request, const RouteParams& params,
              const AuthContext& who) {
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found("deal");
        auto draft = deal_draft(request);
        if (!draft) return api_error_response(draft.error());
        return deal_answer(200, s.contacts().replace_deal(who.tenant_id, *id, *draft));
      }));
  add("PUT", "/api/v1/deals/external/{external_id}", Role::manager,
      with([](CrmStores& s, const HttpRequest& request, const RouteParams& params,
              const AuthContext& who) {
        auto draft = deal_draft(request);
        if (!draft) return api_error_response(draft.error());
        draft->external_id = std::string(params.get("external_id"));
        return deal_answer(200, s.contacts().upsert_external_deal(who.tenant_id, *draft));
      }));
  add("DELETE", "/api/v1/deals/{id}", Role::manager,
      with([](CrmStores& s, const HttpRequest&, const RouteParams& params, const AuthContext& who) {
        const auto id = parse_id(params.get("id"));
        if (!id) return not_found("deal");
        if (auto done = s.contacts().remove_deal(who.tenant_id, *id); !done) {
          return api_error_response(done.error());
        }
        return no_content();
      }));

  add("GET", "/api/v1/caller-card", Role::operator_,
      with(
          [](CrmStores& s, const HttpRequest& request, const RouteParams&, const AuthContext& who) {
            const auto number = request.query_parameter("number");
            if (!number || number->empty()) {
              return json_error(400, "invalid", "number: required", "number");
            }
            const std::string call_id(request.query_parameter("call_id").value_or(""));
            auto card = crm::caller_card(s.database(), s.contacts(), s.tasks(), who.tenant_id,
                                         restore_plus(*number), call_id);
            if (!card) return api_error_response(card.error());
            return json(200, dump_json(caller_card_json(*card)));
          }));
}

}  // namespace dzvin::http
