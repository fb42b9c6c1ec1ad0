#pragma once
// The CRM's records: contacts with their phone numbers, companies, deals. Plain values; the
// store is contact_store.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dzvin::crm {

struct ContactPhone {
  std::string number;  // E.164 (or an extension), normalised on the way in
  std::string label;   // mobile, work, ... or ""
  bool operator==(const ContactPhone&) const = default;
};

struct Deal {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string title;
  std::string stage = "new";
  std::string owner;  // username of the responsible manager, "" for none
  bool open = true;
  std::optional<std::string> external_id;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Contact {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string name;
  std::string company;  // the company's name, "" for none
  std::string owner;    // username, "" for none
  std::string email;
  std::string notes;
  std::optional<std::string> external_id;
  std::vector<ContactPhone> phones;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

}  // namespace dzvin::crm
