#pragma once
// The CRM's contacts, deals and the caller card (crm/):
//   GET    /api/v1/contacts?q=&limit=&offset=   any role   {"items", "total"}
//   POST   /api/v1/contacts                      operator+  a contact (201)
//   GET    /api/v1/contacts/{id}                 any role   the contact with "deals"
//   PUT    /api/v1/contacts/{id}                 operator+  replaces it
//   DELETE /api/v1/contacts/{id}                 head+
//   PUT    /api/v1/contacts/external/{external_id}   manager+   upsert from an outside CRM
//   POST   /api/v1/contacts/import?dry_run=     head+      a CSV file (text/csv),
//   crm/contact_import.hpp:
//          {"dry_run", "created", "updated", "unchanged", "skipped", "errors": [{"line",
//          "message"}], "warnings"}; a real import that changed something is in the audit log
//   POST   /api/v1/deals, PUT /api/v1/deals/{id}, DELETE /api/v1/deals/{id}   manager+
//   PUT    /api/v1/deals/external/{external_id}  manager+   upsert from an outside CRM
//   GET    /api/v1/caller-card?number=&call_id=  any role   who is calling (crm/caller_card.hpp)
// A contact: {"name", "company", "owner", "email", "notes", "phones": [{"number", "label"}]};
// numbers are stored as E.164; a number that belongs to another contact is a 409 naming it.
#include "http/call_routes.hpp"
#include "http/crm_stores.hpp"

namespace dzvin::http {

void add_contact_routes(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores);

}  // namespace dzvin::http
