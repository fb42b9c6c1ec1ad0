#include "http/crm_json.hpp"

#include "http/http_response.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

template <typename T>
Json or_null(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json instant_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? Json(format_instant(*ms)) : Json(nullptr);
}

}  // namespace

Json contact_json(const crm::Contact& c) {
  Json phones = Json::array();
  for (const crm::ContactPhone& p : c.phones)
    phones.push_back({{"number", p.number}, {"label", p.label}});
  return {{"id", c.id},
          {"name", c.name},
          {"company", c.company},
          {"owner", c.owner},
          {"email", c.email},
          {"notes", c.notes},
          {"external_id", or_null(c.external_id)},
          {"phones", std::move(phones)},
          {"created_at", format_instant(c.created_at_ms)},
          {"updated_at", format_instant(c.updated_at_ms)}};
}

Json deal_json(const crm::Deal& d) {
  return {{"id", d.id},
          {"contact_id", d.contact_id},
          {"title", d.title},
          {"stage", d.stage},
          {"owner", d.owner},
          {"open", d.open},
          {"external_id", or_null(d.external_id)},
          {"created_at", format_instant(d.created_at_ms)},
          {"updated_at", format_instant(d.updated_at_ms)}};
}

Json task_json(const crm::Task& t) {
  return {{"id", t.id},
          {"kind", t.kind},
          {"number", t.number},
          {"contact_id", or_null(t.contact_id)},
          {"assignee", t.assignee},
          {"assigned_by", t.assigned_by},
          {"title", t.title},
          {"detail", t.detail},
          {"due_at", format_instant(t.due_at_ms)},
          {"state", std::string(crm::to_string(t.state))},
          {"calls", t.calls},
          {"first_call_id", t.first_call_id},
          {"last_call_id", t.last_call_id},
          {"voicemail_id", or_null(t.voicemail_id)},
          {"created_at", format_instant(t.created_at_ms)},
          {"updated_at", format_instant(t.updated_at_ms)},
          {"closed_at", instant_or_null(t.closed_at_ms)},
          {"closed_by_call", or_null(t.closed_by_call)},
          {"closed_by", or_null(t.closed_by)}};
}

Json caller_card_json(const crm::CallerCard& card) {
  Json deals = Json::array();
  for (const crm::Deal& d : card.deals)
    deals.push_back(deal_json(d));
  Json recent = Json::array();
  for (const crm::CardCall& c : card.recent) {
    recent.push_back({{"id", c.id},
                      {"started_at", format_instant(c.started_at_ms)},
                      {"caller", c.caller},
                      {"called", c.called},
                      {"outcome", c.outcome},
                      {"answered_by", c.answered_by}});
  }
  return {{"number", card.number},
          {"primary", card.primary},
          {"contact", card.contact ? contact_json(*card.contact) : Json(nullptr)},
          {"deals", std::move(deals)},
          {"recent_calls", std::move(recent)},
          {"open_task", card.open_task ? task_json(*card.open_task) : Json(nullptr)}};
}

Json import_report_json(const crm::ImportReport& report, bool dry_run) {
  Json errors = Json::array();
  for (const crm::ImportLineError& e : report.errors)
    errors.push_back({{"line", e.line}, {"message", e.message}});
  return {{"dry_run", dry_run},         {"created", report.created},
          {"updated", report.updated},  {"unchanged", report.unchanged},
          {"skipped", report.skipped},  {"errors", std::move(errors)},
          {"warnings", report.warnings}};
}

}  // namespace dzvin::http
