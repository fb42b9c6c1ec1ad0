#include "crm/contact_store.hpp"

#include <algorithm>
#include <chrono>

#include "base/text_fold.hpp"
#include "pbx/phone_number.hpp"

namespace dzvin::crm {

namespace {

using store::kConflict;
using store::kInvalid;
using store::kNotFound;

// Control characters other than those of text in several lines (line breaks as Unix or
// Windows write them, tabs): notes come from other CRMs and from pasted text.
bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t';
  });
}

Result<void> check_text(std::string_view field, std::string_view value, std::size_t max,
                        bool required, bool multiline = false) {
  if (required && value.empty()) return make_error(kInvalid, std::string(field) + ": required");
  if (value.size() > max) {
    return make_error(kInvalid, std::string(field) + ": at most " + std::to_string(max) + " bytes");
  }
  if (multiline ? has_control(value) : std::any_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return make_error(kInvalid, std::string(field) + ": control characters are not allowed");
  }
  return {};
}

constexpr std::string_view kContactColumns =
    "SELECT c.id, c.tenant_id, c.name, coalesce(k.name, ''), c.owner, c.email, c.notes, "
    "c.external_id, c.created_at, c.updated_at FROM contacts c "
    "LEFT JOIN crm_companies k ON k.id = c.company_id ";

Contact read_contact(store::StatementLease& s) {
  Contact c;
  c.id = s.column_int(0);
  c.tenant_id = s.column_int(1);
  c.name = s.column_text(2);
  c.company = s.column_text(3);
  c.owner = s.column_text(4);
  c.email = s.column_text(5);
  c.notes = s.column_text(6);
  if (!s.column_is_null(7)) c.external_id = s.column_text(7);
  c.created_at_ms = s.column_int(8);
  c.updated_at_ms = s.column_int(9);
  return c;
}

constexpr std::string_view kDealColumns =
    "SELECT id, contact_id, title, stage, owner, is_open, external_id, created_at, updated_at "
    "FROM deals ";

Deal read_deal(store::StatementLease& s) {
  Deal d;
  d.id = s.column_int(0);
  d.contact_id = s.column_int(1);
  d.title = s.column_text(2);
  d.stage = s.column_text(3);
  d.owner = s.column_text(4);
  d.open = s.column_int(5) != 0;
  if (!s.column_is_null(6)) d.external_id = s.column_text(6);
  d.created_at_ms = s.column_int(7);
  d.updated_at_ms = s.column_int(8);
  return d;
}

// The stored form of the start of a number typed into a search box: the whole number
// normalised, or a partial one written the ways normalize_phone_number accepts ("050 111" and
// "0038050" are "+38050", "+380 50" is "+38050"); the text itself when it is not a number.
std::string search_prefix(std::string_view query) {
  if (auto normal = pbx::normalize_phone_number(query)) return normal->text;
  std::string digits;
  bool plus = false;
  for (const char c : query) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (std::string_view(" -./()").find(c) == std::string_view::npos) {
      return std::string(query);
    }
  }
  if (digits.empty()) return std::string(query);
  if (plus) return "+" + digits;
  const pbx::NumberingPlan plan;
  if (digits.starts_with(plan.international_prefix)) {
    return "+" + digits.substr(plan.international_prefix.size());
  }
  if (digits.starts_with(plan.trunk_prefix)) {
    return "+" + plan.country_code + digits.substr(plan.trunk_prefix.size());
  }
  return digits;  // the start of an extension
}

}  // namespace

Result<std::string> contact_number(std::string_view text, std::string_view field) {
  auto number = pbx::normalize_phone_number(text);
  if (!number) return make_error(kInvalid, std::string(field) + ": " + number.error().message);
  return number->text;
}

std::int64_t ContactStore::now_ms() const {
  return unix_ms(clock_.wall_now());
}

Result<std::int64_t> ContactStore::company_id(std::int64_t tenant_id, const std::string& name) {
  auto insert = db_.cached(
      "INSERT INTO crm_companies (tenant_id, name, created_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (tenant_id, name) DO NOTHING");
  if (!insert) return insert.error();
  insert->bind(1, tenant_id).bind(2, name).bind(3, now_ms());
  if (auto done = insert->run(); !done) return done.error();
  auto select = db_.cached("SELECT id FROM crm_companies WHERE tenant_id = ?1 AND name = ?2");
  if (!select) return select.error();
  select->bind(1, tenant_id).bind(2, name);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return make_error(store::kDatabaseError, "company: not stored");
  return select->column_int(0);
}

Result<void> ContactStore::check_owner(std::int64_t tenant_id, const std::string& owner,
                                       std::string_view field) {
  if (owner.empty()) return {};
  auto select = db_.cached("SELECT 1 FROM users WHERE tenant_id = ?1 AND username = ?2");
  if (!select) return select.error();
  select->bind(1, tenant_id).bind(2, owner);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return make_error(kInvalid, std::string(field) + ": unknown user \"" + owner + "\"");
  return {};
}

Result<std::vector<ContactPhone>> ContactStore::normalised_phones(const ContactDraft& draft) {
  if (draft.phones.size() > kMaxPhonesPerContact) {
    return make_error(kInvalid,
                      "phones: at most " + std::to_string(kMaxPhonesPerContact) + " numbers");
  }
  std::vector<ContactPhone> phones;
  for (std::size_t i = 0; i < draft.phones.size(); ++i) {
    const std::string field = "phones[" + std::to_string(i) + "]";
    auto number = contact_number(draft.phones[i].number, field);
    if (!number) return number.error();
    if (auto ok = check_text(field + ".label", draft.phones[i].label, 40, false); !ok) {
      return ok.error();
    }
    if (std::any_of(phones.begin(), phones.end(),
                    [&](const ContactPhone& p) { return p.number == *number; })) {
      return make_error(kInvalid, field + ": " + *number + " is listed twice");
    }
    phones.push_back(ContactPhone{*number, draft.phones[i].label});
  }
  return phones;
}

Result<void> ContactStore::write_phones(std::int64_t tenant_id, std::int64_t contact_id,
                                        const std::vector<ContactPhone>& phones) {
  auto clear = db_.cached("DELETE FROM contact_phones WHERE contact_id = ?1");
  if (!clear) return clear.error();
  clear->bind(1, contact_id);
  if (auto done = clear->run(); !done) return done.error();
  for (std::size_t i = 0; i < phones.size(); ++i) {
    auto owner = db_.cached(
        "SELECT c.name FROM contact_phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE p.tenant_id = ?1 AND p.number = ?2");
    if (!owner) return owner.error();
    owner->bind(1, tenant_id).bind(2, phones[i].number);
    auto row = owner->step();
    if (!row) return row.error();
    if (*row) {
      return make_error(kConflict, "phones[" + std::to_string(i) + "]: " + phones[i].number +
                                       " already belongs to " + owner->column_text(0));
    }
    auto insert = db_.cached(
        "INSERT INTO contact_phones (tenant_id, number, contact_id, label) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    insert->bind(1, tenant_id)
        .bind(2, phones[i].number)
        .bind(3, contact_id)
        .bind(4, phones[i].label);
    if (auto done = insert->run(); !done) return done.error();
  }
  return {};
}

Result<Contact> ContactStore::write(std::int64_t tenant_id, std::optional<std::int64_t> id,
                                    const ContactDraft& draft) {
  if (auto ok = check_text("name", draft.name, 200, true); !ok) return ok.error();
  if (auto ok = check_text("company", draft.company, 200, false); !ok) return ok.error();
  if (auto ok = check_text("email", draft.email, 254, false); !ok) return ok.error();
  if (auto ok = check_text("notes", draft.notes, 10'000, false, true); !ok) return ok.error();
  if (draft.external_id) {
    if (auto ok = check_text("external_id", *draft.external_id, 200, true); !ok) return ok.error();
  }
  auto phones = normalised_phones(draft);
  if (!phones) return phones.error();
  auto tx = store::Transaction::begin(db_);
  if (!tx) return tx.error();
  if (auto ok = check_owner(tenant_id, draft.owner, "owner"); !ok) return ok.error();
  std::optional<std::int64_t> company;
  if (!draft.company.empty()) {
    auto found = company_id(tenant_id, draft.company);
    if (!found) return found.error();
    company = *found;
  }
  const std::int64_t now = now_ms();
  std::int64_t contact_id = 0;
  if (id) {
    auto update = db_.cached(
        "UPDATE contacts SET name = ?1, company_id = ?2, owner = ?3, email = ?4, notes = ?5, "
        "external_id = coalesce(?6, external_id), updated_at = ?7 WHERE id = ?8 AND "
        "tenant_id = ?9");
    if (!update) return update.error();
    update->bind(1, draft.name);
    update->bind_optional(2, company);
    update->bind(3, draft.owner).bind(4, draft.email).bind(5, draft.notes);
    update->bind_optional(6, draft.external_id);
    update->bind(7, now).bind(8, *id).bind(9, tenant_id);
    if (auto done = update->run(); !done) {
      return done.error().code == kConflict ? make_error(kConflict, "external_id: already used")
                                            : done.error();
    }
    if (db_.changes() == 0) return make_error(kNotFound, "id: no such contact");
    contact_id = *id;
  } else {
    auto insert = db_.cached(
        "INSERT INTO contacts (tenant_id, name, company_id, owner, email, notes, external_id, "
        "created_at, updated_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)");
    if (!insert) return insert.error();
    insert->bind(1, tenant_id).bind(2, draft.name);
    insert->bind_optional(3, company);
    insert->bind(4, draft.owner).bind(5, draft.email).bind(6, draft.notes);
    insert->bind_optional(7, draft.external_id);
    insert->bind(8, now).bind(9, draft.created_by);
    if (auto done = insert->run(); !done) {
      return done.error().code == kConflict ? make_error(kConflict, "external_id: already used")
                                            : done.error();
    }
    contact_id = db_.last_insert_id();
  }
  if (auto ok = write_phones(tenant_id, contact_id, *phones); !ok) return ok.error();
  if (auto ok = tx->commit(); !ok) return ok.error();
  auto stored = find(tenant_id, contact_id);
  if (!stored) return stored.error();
  if (!*stored) return make_error(store::kDatabaseError, "contact: not stored");
  return std::move(**stored);
}

Result<Contact> ContactStore::create(std::int64_t tenant_id, const ContactDraft& draft) {
  return write(tenant_id, std::nullopt, draft);
}

Result<Contact> ContactStore::replace(std::int64_t tenant_id, std::int64_t id,
                                      const ContactDraft& draft) {
  return write(tenant_id, id, draft);
}

Result<Contact> ContactStore::upsert_external(std::int64_t tenant_id, const ContactDraft& draft) {
  if (!draft.external_id || draft.external_id->empty()) {
    return make_error(kInvalid, "external_id: required");
  }
  auto existing = find_by_external_id(tenant_id, *draft.external_id);
  if (!existing) return existing.error();
  return write(tenant_id, *existing ? std::optional((*existing)->id) : std::nullopt, draft);
}

Result<void> ContactStore::remove(std::int64_t tenant_id, std::int64_t id) {
  auto remove = db_.cached("DELETE FROM contacts WHERE id = ?1 AND tenant_id = ?2");
  if (!remove) return remove.error();
  remove->bind(1, id).bind(2, tenant_id);
  if (auto done = remove->run(); !done) return done.error();
  if (db_.changes() == 0) return make_error(kNotFound, "id: no such contact");
  return {};
}

Result<std::optional<Contact>> ContactStore::read(std::int64_t tenant_id, std::string_view where,
                                                  std::int64_t key_int, std::string_view key_text) {
  std::optional<Contact> contact;
  {
    auto select = db_.cached(std::string(kContactColumns) + "WHERE c.tenant_id = ?1 AND " +
                             std::string(where));
    if (!select) return select.error();
    select->bind(1, tenant_id);
    if (key_text.empty()) {
      select->bind(2, key_int);
    } else {
      select->bind(2, key_text);
    }
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) return contact;
    contact = read_contact(*select);
  }
  auto phones =
      db_.cached("SELECT number, label FROM contact_phones WHERE contact_id = ?1 ORDER BY number");
  if (!phones) return phones.error();
  phones->bind(1, contact->id);
  for (;;) {
    auto row = phones->step();
    if (!row) return row.error();
    if (!*row) break;
    contact->phones.push_back(ContactPhone{phones->column_text(0), phones->column_text(1)});
  }
  return contact;
}

Result<std::optional<Contact>> ContactStore::find(std::int64_t tenant_id, std::int64_t id) {
  return read(tenant_id, "c.id = ?2", id, {});
}

Result<std::optional<Contact>> ContactStore::find_by_number(std::int64_t tenant_id,
                                                            std::string_view number) {
  if (number.empty()) return std::optional<Contact>{};
  return read(tenant_id,
              "c.id = (SELECT contact_id FROM contact_phones WHERE tenant_id = ?1 AND number = ?2)",
              0, number);
}

Result<std::optional<Contact>> ContactStore::find_by_external_id(std::int64_t tenant_id,
                                                                 std::string_view external_id) {
  if (external_id.empty()) return std::optional<Contact>{};
  return read(tenant_id, "c.external_id = ?2", 0, external_id);
}

Result<ContactPage> ContactStore::list(std::int64_t tenant_id, std::string_view query,
                                       std::size_t limit, std::size_t offset) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxContactPage);
  const std::string number_prefix = query.empty() ? std::string() : search_prefix(query);
  // Names: a case-insensitive substring in any script (the SQL function casefold() of
  // store/database.hpp; the query is folded once, here); numbers: a prefix of a stored number.
  const std::string folded_query = fold_case(query);
  const std::string filter =
      "c.tenant_id = ?1 AND (?2 = '' OR instr(casefold(c.name), ?2) > 0 OR c.id IN "
      "(SELECT contact_id FROM contact_phones WHERE tenant_id = ?1 AND number >= ?3 AND "
      "number < ?3 || x'7f'))";
  ContactPage page;
  {
    auto count = db_.cached("SELECT count(*) FROM contacts c WHERE " + filter);
    if (!count) return count.error();
    count->bind(1, tenant_id).bind(2, folded_query).bind(3, number_prefix);
    auto row = count->step();
    if (!row) return row.error();
    page.total = count->column_int(0);
  }
  std::vector<std::int64_t> ids;
  {
    auto select = db_.cached("SELECT c.id FROM contacts c WHERE " + filter +
                             " ORDER BY c.name, c.id LIMIT ?4 OFFSET ?5");
    if (!select) return select.error();
    select->bind(1, tenant_id)
        .bind(2, folded_query)
        .bind(3, number_prefix)
        .bind(4, static_cast<std::int64_t>(limit))
        .bind(5, static_cast<std::int64_t>(offset));
    for (;;) {
      auto row = select->step();
      if (!row) return row.error();
      if (!*row) break;
      ids.push_back(select->column_int(0));
    }
  }
  for (const std::int64_t id : ids) {
    auto contact = find(tenant_id, id);
    if (!contact) return contact.error();
    if (*contact) page.items.push_back(std::move(**contact));
  }
  return page;
}

Result<Deal> ContactStore::write_deal(std::int64_t tenant_id, std::optional<std::int64_t> id,
                                      const DealDraft& draft) {
  if (auto ok = check_text("title", draft.title, 200, true); !ok) return ok.error();
  if (auto ok = check_text("stage", draft.stage, 60, true); !ok) return ok.error();
  if (auto ok = check_owner(tenant_id, draft.owner, "owner"); !ok) return ok.error();
  auto contact = find(tenant_id, draft.contact_id);
  if (!contact) return contact.error();
  if (!*contact) return make_error(kInvalid, "contact_id: no such contact");
  const std::int64_t now = now_ms();
  std::int64_t deal_id = 0;
  if (id) {
    auto update = db_.cached(
        "UPDATE deals SET contact_id = ?1, title = ?2, stage = ?3, owner = ?4, is_open = ?5, "
        "external_id = coalesce(?6, external_id), updated_at = ?7 WHERE id = ?8 AND "
        "tenant_id = ?9");
    if (!update) return update.error();
    update->bind(1, draft.contact_id)
        .bind(2, draft.title)
        .bind(3, draft.stage)
        .bind(4, draft.owner);
    update->bind(5, std::int64_t{draft.open ? 1 : 0});
    update->bind_optional(6, draft.external_id);
    update->bind(7, now).bind(8, *id).bind(9, tenant_id);
    if (auto done = update->run(); !done) return done.error();
    if (db_.changes() == 0) return make_error(kNotFound, "id: no such deal");
    deal_id = *id;
  } else {
    auto insert = db_.cached(
        "INSERT INTO deals (tenant_id, contact_id, title, stage, owner, is_open, external_id, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
    if (!insert) return insert.error();
    insert->bind(1, tenant_id).bind(2, draft.contact_id).bind(3, draft.title).bind(4, draft.stage);
    insert->bind(5, draft.owner).bind(6, std::int64_t{draft.open ? 1 : 0});
    insert->bind_optional(7, draft.external_id);
    insert->bind(8, now);
    if (auto done = insert->run(); !done) {
      return done.error().code == kConflict ? make_error(kConflict, "external_id: already used")
                                            : done.error();
    }
    deal_id = db_.last_insert_id();
  }
  auto select = db_.cached(std::string(kDealColumns) + "WHERE id = ?1");
  if (!select) return select.error();
  select->bind(1, deal_id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return make_error(store::kDatabaseError, "deal: not stored");
  return read_deal(*select);
}

Result<Deal> ContactStore::create_deal(std::int64_t tenant_id, const DealDraft& draft) {
  return write_deal(tenant_id, std::nullopt, draft);
}

Result<Deal> ContactStore::replace_deal(std::int64_t tenant_id, std::int64_t id,
                                        const DealDraft& draft) {
  return write_deal(tenant_id, id, draft);
}

Result<Deal> ContactStore::upsert_external_deal(std::int64_t tenant_id, const DealDraft& draft) {
  if (!draft.external_id || draft.external_id->empty()) {
    return make_error(kInvalid, "external_id: required");
  }
  auto select = db_.cached("SELECT id FROM deals WHERE tenant_id = ?1 AND external_id = ?2");
  if (!select) return select.error();
  select->bind(1, tenant_id).bind(2, *draft.external_id);
  auto row = select->step();
  if (!row) return row.error();
  const std::optional<std::int64_t> id = *row ? std::optional(select->column_int(0)) : std::nullopt;
  select->reset();
  return write_deal(tenant_id, id, draft);
}

Result<void> ContactStore::remove_deal(std::int64_t tenant_id, std::int64_t id) {
  auto remove = db_.cached("DELETE FROM deals WHERE id = ?1 AND tenant_id = ?2");
  if (!remove) return remove.error();
  remove->bind(1, id).bind(2, tenant_id);
  if (auto done = remove->run(); !done) return done.error();
  if (db_.changes() == 0) return make_error(kNotFound, "id: no such deal");
  return {};
}

Result<std::vector<Deal>> ContactStore::deals_of(std::int64_t tenant_id, std::int64_t contact_id) {
  auto select = db_.cached(std::string(kDealColumns) +
                           "WHERE tenant_id = ?1 AND contact_id = ?2 "
                           "ORDER BY is_open DESC, updated_at DESC, id DESC");
  if (!select) return select.error();
  select->bind(1, tenant_id).bind(2, contact_id);
  std::vector<Deal> deals;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    deals.push_back(read_deal(*select));
  }
  return deals;
}

}  // namespace dzvin::crm
