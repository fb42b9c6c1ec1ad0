#pragma once
// The JSON forms of the CRM's records in API answers and live events. Includes nlohmann/json:
// for handler .cpp files only.
#include <nlohmann/json.hpp>

#include "crm/caller_card.hpp"
#include "crm/contact.hpp"
#include "crm/contact_import.hpp"
#include "crm/task.hpp"

namespace dzvin::http {

// {"id", "name", "company", "owner", "email", "notes", "external_id", "phones": [{"number",
//  "label"}], "created_at", "updated_at"}
nlohmann::json contact_json(const crm::Contact& contact);
// {"id", "contact_id", "title", "stage", "owner", "open", "external_id", "created_at",
//  "updated_at"}
nlohmann::json deal_json(const crm::Deal& deal);
// {"id", "kind", "number", "contact_id", "assignee", "assigned_by", "title", "detail", "due_at",
//  "state", "calls", "first_call_id", "last_call_id", "voicemail_id", "created_at",
//  "updated_at", "closed_at", "closed_by_call", "closed_by"}
nlohmann::json task_json(const crm::Task& task);
// {"number", "primary", "contact" (or null), "deals", "recent_calls", "open_task" (or null)}
nlohmann::json caller_card_json(const crm::CallerCard& card);
// {"dry_run", "created", "updated", "unchanged", "skipped", "errors": [{"line", "message"}],
//  "warnings": [...]}
nlohmann::json import_report_json(const crm::ImportReport& report, bool dry_run);

}  // namespace dzvin::http
