#pragma once
// Contacts, their numbers, companies and deals in SQLite (migration 5). Every call names the
// tenant; one ContactStore per connection and thread (the HTTP thread, the CRM worker).
// Errors carry store::StoreError codes with a message that starts with the field's name
// (api_error.hpp turns them into 400/404/409): kInvalid for bad input, kNotFound, kConflict
// for a number that already belongs to another contact.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "crm/contact.hpp"
#include "store/database.hpp"

namespace dzvin::crm {

inline constexpr std::size_t kMaxPhonesPerContact = 10;
inline constexpr std::size_t kMaxContactPage = 200;

// What a contact is made of when created or replaced (the id and times are the store's).
struct ContactDraft {
  std::string name;
  std::string company;
  std::string owner;
  std::string email;
  std::string notes;
  std::optional<std::string> external_id;
  std::vector<ContactPhone> phones;  // as typed: normalised to E.164 by the store
  std::string created_by;            // username, kept from the creation on (weekly report)
};

struct ContactPage {
  std::vector<Contact> items;
  std::int64_t total = 0;
};

struct DealDraft {
  std::int64_t contact_id = 0;
  std::string title;
  std::string stage = "new";
  std::string owner;
  bool open = true;
  std::optional<std::string> external_id;
};

// A number as the store keeps it: E.164 for phone numbers, the text for extensions; kInvalid
// naming `field` otherwise.
Result<std::string> contact_number(std::string_view text, std::string_view field);

class ContactStore {
 public:
  ContactStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Contact> create(std::int64_t tenant_id, const ContactDraft& draft);
  // Everything but the external id, which stays when the draft has none (an edit in the web
  // app keeps the outside CRM's link).
  Result<Contact> replace(std::int64_t tenant_id, std::int64_t id, const ContactDraft& draft);
  // Creates, or replaces the contact with the same external_id (the inbound CRM API).
  Result<Contact> upsert_external(std::int64_t tenant_id, const ContactDraft& draft);
  Result<void> remove(std::int64_t tenant_id, std::int64_t id);
  Result<std::optional<Contact>> find(std::int64_t tenant_id, std::int64_t id);
  // The caller-card probe: the contact one of whose numbers is `number` (already normalised).
  Result<std::optional<Contact>> find_by_number(std::int64_t tenant_id, std::string_view number);
  // The contact an outside CRM knows by `external_id`.
  Result<std::optional<Contact>> find_by_external_id(std::int64_t tenant_id,
                                                     std::string_view external_id);
  // By name (a substring, case-insensitive in Latin, Greek and Cyrillic letters:
  // base/text_fold.hpp) or number (prefix, normalised when it parses); ordered by name.
  Result<ContactPage> list(std::int64_t tenant_id, std::string_view query, std::size_t limit,
                           std::size_t offset);

  Result<Deal> create_deal(std::int64_t tenant_id, const DealDraft& draft);
  Result<Deal> replace_deal(std::int64_t tenant_id, std::int64_t id, const DealDraft& draft);
  Result<Deal> upsert_external_deal(std::int64_t tenant_id, const DealDraft& draft);
  Result<void> remove_deal(std::int64_t tenant_id, std::int64_t id);
  // A contact's deals, open ones first, newest first.
  Result<std::vector<Deal>> deals_of(std::int64_t tenant_id, std::int64_t contact_id);

  // The connection the store works on: a store::Transaction begun on it makes several of the
  // store's writes one (each write is then a savepoint of it).
  store::Database& database() { return db_; }

 private:
  Result<std::int64_t> company_id(std::int64_t tenant_id, const std::string& name);
  Result<void> check_owner(std::int64_t tenant_id, const std::string& owner,
                           std::string_view field);
  Result<std::vector<ContactPhone>> normalised_phones(const ContactDraft& draft);
  Result<void> write_phones(std::int64_t tenant_id, std::int64_t contact_id,
                            const std::vector<ContactPhone>& phones);
  Result<Contact> write(std::int64_t tenant_id, std::optional<std::int64_t> id,
                        const ContactDraft& draft);
  Result<Deal> write_deal(std::int64_t tenant_id, std::optional<std::int64_t> id,
                          const DealDraft& draft);
  Result<std::optional<Contact>> read(std::int64_t tenant_id, std::string_view where,
                                      std::int64_t key_int, std::string_view key_text);
  std::int64_t now_ms() const;

  store::Database& db_;
  const Clock& clock_;
};

}  // namespace dzvin::crm
