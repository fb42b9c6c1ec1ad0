#include "crm/contact_import.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "base/text_fold.hpp"
#include "crm/contact_csv.hpp"
#include "crm/contact_store.hpp"
#include "store/database.hpp"

namespace dzvin::crm {

namespace {

// One line of the file, its cells trimmed and its numbers normalised.
struct Line {
  std::string name;
  std::string company;
  std::string email;
  std::string owner;
  std::string notes;
  std::string external_id;
  std::vector<ContactPhone> phones;  // E.164 (or extensions), each once
};

// What a column of the file holds: one value of the line, or numbers, or nothing we know.
struct Column {
  std::string Line::*value = nullptr;
  bool numbers = false;
  std::string_view label = {};  // of the numbers: "mobile" or ""
  bool ignored() const { return value == nullptr && !numbers; }
};

// The columns of one value each, by their names in the header.
struct NamedColumn {
  std::string_view name = {};
  std::string Line::*value = nullptr;
};
constexpr NamedColumn kValueColumns[] = {
    {"name", &Line::name},   {"company", &Line::company},
    {"email", &Line::email}, {"e_mail", &Line::email},
    {"owner", &Line::owner}, {"notes", &Line::notes},
    {"note", &Line::notes},  {"external_id", &Line::external_id},
};

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// A header cell as it is matched: trimmed, case-folded, spaces and '-' as '_'
// ("External ID" and "external-id" are external_id).
std::string header_key(std::string_view cell) {
  std::string key = fold_case(trimmed(cell));
  std::replace_if(
      key.begin(), key.end(), [](char c) { return c == ' ' || c == '-'; }, '_');
  return key;
}

// `key` is `stem`, or `stem` and a number with an optional '_' ("phone2", "phone_2").
bool is_numbered(std::string_view key, std::string_view stem) {
  if (!key.starts_with(stem)) return false;
  std::string_view rest = key.substr(stem.size());
  if (rest.empty()) return true;
  if (rest.front() == '_') rest.remove_prefix(1);
  return !rest.empty() && rest.size() <= 3 &&
         std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Column column_of(std::string_view key) {
  for (const NamedColumn& named : kValueColumns) {
    if (named.name == key) return Column{named.value, false, ""};
  }
  if (key == "phones" || is_numbered(key, "phone")) return Column{nullptr, true, ""};
  if (key == "mobiles" || is_numbered(key, "mobile")) return Column{nullptr, true, "mobile"};
  return Column{};
}

// A header cell as a message quotes it: bounded, so a huge cell does not come back whole.
std::string quoted_cell(std::string_view cell, std::size_t index) {
  cell = trimmed(cell);
  if (cell.empty()) return "column " + std::to_string(index + 1) + " (no name)";
  constexpr std::size_t kShown = 40;
  std::size_t cut = std::min(cell.size(), kShown);
  // Never inside a UTF-8 character: back to the start of the one the cut falls in.
  while (cut > 0 && cut < cell.size() && (static_cast<unsigned char>(cell[cut]) & 0xC0) == 0x80)
    --cut;
  return "\"" + std::string(cell.substr(0, cut)) + (cut < cell.size() ? "...\"" : "\"");
}

// What each field of a line is, from the header: kCsvMalformed naming "header" when there is
// no name column or a one-value column twice; ignored columns become a warning.
Result<std::vector<Column>> read_header(const CsvRecord& header,
                                        std::vector<std::string>& warnings) {
  std::vector<Column> columns;
  std::string ignored;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const Column column = column_of(header_key(header.fields[i]));
    if (column.ignored()) {
      if (!ignored.empty()) ignored += ", ";
      ignored += quoted_cell(header.fields[i], i);
    } else if (column.value != nullptr &&
               std::any_of(columns.begin(), columns.end(),
                           [&](const Column& c) { return c.value == column.value; })) {
      return make_error(kCsvMalformed, "header: the column " + quoted_cell(header.fields[i], i) +
                                           " is there twice");
    }
    columns.push_back(column);
  }
  if (std::none_of(columns.begin(), columns.end(),
                   [](const Column& c) { return c.value == &Line::name; })) {
    return make_error(kCsvMalformed,
                      "header: no \"name\" column (the columns are name, phone, mobile, company, "
                      "email, owner, notes, external_id)");
  }
  if (!ignored.empty()) warnings.push_back("columns ignored: " + ignored);
  return columns;
}

// Adds `phone` unless `phones` has its number already (the first label stays).
void add_phone(std::vector<ContactPhone>& phones, ContactPhone phone) {
  if (std::none_of(phones.begin(), phones.end(),
                   [&](const ContactPhone& p) { return p.number == phone.number; })) {
    phones.push_back(std::move(phone));
  }
}

// A cell of numbers: separated by ',' or ';' or line breaks (spaces, '-', '/' and brackets are
// part of how one number is written).
Result<void> add_numbers(std::string_view cell, std::string_view label,
                         std::vector<ContactPhone>& phones) {
  while (!cell.empty()) {
    const std::size_t end = cell.find_first_of(",;\r\n");
    const std::string_view part = trimmed(cell.substr(0, end));
    cell = end == std::string_view::npos ? std::string_view() : cell.substr(end + 1);
    if (part.empty()) continue;
    auto number = contact_number(part, "phone");
    if (!number) return number.error();
    add_phone(phones, ContactPhone{std::move(*number), std::string(label)});
  }
  return {};
}

// The line's values, or what is wrong with them (a message naming the column). nullopt for a
// line of empty cells (a spreadsheet's ";;;;" rows).
Result<std::optional<Line>> read_line(const CsvRecord& record, const std::vector<Column>& columns) {
  if (std::all_of(record.fields.begin(), record.fields.end(),
                  [](const std::string& f) { return trimmed(f).empty(); })) {
    return std::optional<Line>{};
  }
  for (std::size_t i = columns.size(); i < record.fields.size(); ++i) {
    if (!trimmed(record.fields[i]).empty()) {
      return make_error(store::kInvalid, std::to_string(record.fields.size()) +
                                             " fields, the header has " +
                                             std::to_string(columns.size()));
    }
  }
  Line line;
  for (std::size_t i = 0; i < columns.size() && i < record.fields.size(); ++i) {
    const std::string_view cell = trimmed(record.fields[i]);
    if (columns[i].value != nullptr) {
      line.*columns[i].value = cell;
    } else if (columns[i].numbers) {
      if (auto added = add_numbers(cell, columns[i].label, line.phones); !added) {
        return added.error();
      }
    }
  }
  if (line.name.empty()) return make_error(store::kInvalid, "name: required");
  return std::optional<Line>{std::move(line)};
}

// The values a contact is written with, from a stored contact or from a line of the file
// (their external ids, of different types, aside).
template <typename From>
ContactDraft values_of(const From& from) {
  ContactDraft draft;
  draft.name = from.name;
  draft.company = from.company;
  draft.owner = from.owner;
  draft.email = from.email;
  draft.notes = from.notes;
  draft.phones = from.phones;
  return draft;
}

// `contact` with the line's cells that are not empty, and its numbers added.
ContactDraft merged(const Contact& contact, const Line& line) {
  ContactDraft draft = values_of(contact);
  draft.external_id = contact.external_id;
  draft.name = line.name;
  for (auto [value, target] :
       {std::pair{&line.company, &draft.company}, std::pair{&line.owner, &draft.owner},
        std::pair{&line.email, &draft.email}, std::pair{&line.notes, &draft.notes}}) {
    if (!value->empty()) *target = *value;
  }
  if (!line.external_id.empty()) draft.external_id = line.external_id;
  for (const ContactPhone& phone : line.phones)
    add_phone(draft.phones, phone);
  return draft;
}

bool changes_nothing(const Contact& contact, const ContactDraft& draft) {
  return draft.name == contact.name && draft.company == contact.company &&
         draft.owner == contact.owner && draft.email == contact.email &&
         draft.notes == contact.notes && draft.external_id == contact.external_id &&
         draft.phones.size() == contact.phones.size();  // numbers are only ever added
}

// A store failure that is the line's (bad input, a conflict), not the database's.
bool is_line_error(const Error& error) {
  return error.code == store::kInvalid || error.code == store::kConflict ||
         error.code == store::kNotFound;
}

class Importer {
 public:
  Importer(ContactStore& contacts, std::int64_t tenant_id, const ImportOptions& options)
      : contacts_(contacts), tenant_id_(tenant_id), options_(options) {}

  // Imports one line: its outcome is counted, or its error listed. Errors: the database's.
  Result<void> import(const CsvRecord& record, const std::vector<Column>& columns) {
    auto read = read_line(record, columns);
    if (!read) return skip(record.line, read.error());
    if (!*read) return {};
    const Line& line = **read;
    auto target = match(line);
    if (!target) return skip(record.line, target.error());
    if (!*target) {
      auto created = contacts_.create(tenant_id_, new_draft(line));
      if (!created) return skip(record.line, created.error());
      seen_[created->id] = record.line;
      ++report_.created;
      return {};
    }
    const Contact& contact = **target;
    const ContactDraft draft = merged(contact, line);
    if (changes_nothing(contact, draft)) {
      seen_[contact.id] = record.line;
      ++report_.unchanged;
      return {};
    }
    auto replaced = contacts_.replace(tenant_id_, contact.id, draft);
    if (!replaced) return skip(record.line, replaced.error());
    seen_[contact.id] = record.line;
    ++report_.updated;
    return {};
  }

  ImportReport& report() { return report_; }

 private:
  // The contact the line is about (nullopt: a new one), or why it cannot be told.
  Result<std::optional<Contact>> match(const Line& line) {
    std::optional<Contact> target;
    std::string matched_by;  // how `target` was found, for the messages
    if (!line.external_id.empty()) {
      auto found = contacts_.find_by_external_id(tenant_id_, line.external_id);
      if (!found) return found.error();
      target = std::move(*found);
      matched_by = "external_id: " + line.external_id;
    }
    for (const ContactPhone& phone : line.phones) {
      auto owner = contacts_.find_by_number(tenant_id_, phone.number);
      if (!owner) return owner.error();
      if (!*owner) continue;
      if (!target) {
        if (!line.external_id.empty() && (*owner)->external_id &&
            *(*owner)->external_id != line.external_id) {
          return make_error(store::kConflict, "phone: " + phone.number + " belongs to " +
                                                  (*owner)->name + ", whose external_id is " +
                                                  *(*owner)->external_id);
        }
        target = std::move(*owner);
        matched_by = "phone: " + phone.number;
      } else if ((*owner)->id != target->id) {
        return make_error(store::kConflict,
                          "phone: " + phone.number + " already belongs to " + (*owner)->name);
      }
    }
    if (target) {
      if (const auto earlier = seen_.find(target->id); earlier != seen_.end()) {
        return make_error(store::kConflict, matched_by + " is the same contact (" + target->name +
                                                ") as line " + std::to_string(earlier->second));
      }
    }
    return target;
  }

  // Counts a skipped line and lists its error; a database failure ends the import instead.
  Result<void> skip(std::size_t line, const Error& error) {
    if (!is_line_error(error)) return error;
    ++report_.skipped;
    if (report_.errors.size() < kMaxImportErrorsListed) {
      report_.errors.push_back(ImportLineError{line, error.message});
    }
    return {};
  }

  ContactDraft new_draft(const Line& line) const {
    ContactDraft draft = values_of(line);
    if (!line.external_id.empty()) draft.external_id = line.external_id;
    draft.created_by = options_.created_by;
    return draft;
  }

  ContactStore& contacts_;
  std::int64_t tenant_id_;
  const ImportOptions& options_;
  ImportReport report_;
  // The contacts the file has created or updated so far, and the line that did.
  std::unordered_map<std::int64_t, std::size_t> seen_;
};

// Reads the whole file once: the framing is sound, the row count within the limit, and there
// is a header.
Result<void> check_file(std::string_view csv) {
  if (csv.size() > kMaxImportBytes) {
    return make_error(kImportTooLarge, "the file is larger than " +
                                           std::to_string(kMaxImportBytes / (1024 * 1024)) + " MB");
  }
  CsvReader reader(csv);
  CsvRecord record;
  std::size_t records = 0;
  for (;;) {
    auto more = reader.next(record);
    if (!more) return more.error();
    if (!*more) break;
    if (++records > kMaxImportRows + 1) {
      return make_error(kImportTooLarge,
                        "the file has more than " + std::to_string(kMaxImportRows) + " rows");
    }
  }
  if (records == 0) return make_error(kCsvMalformed, "the file is empty");
  return {};
}

}  // namespace

Result<ImportReport> import_contacts(ContactStore& contacts, std::int64_t tenant_id,
                                     std::string_view csv, const ImportOptions& options) {
  if (auto checked = check_file(csv); !checked) return checked.error();
  CsvReader reader(csv);
  CsvRecord record;
  if (auto header = reader.next(record); !header) return header.error();
  Importer importer(contacts, tenant_id, options);
  auto columns = read_header(record, importer.report().warnings);
  if (!columns) return columns.error();

  auto tx = store::Transaction::begin(contacts.database());
  if (!tx) return tx.error();
  for (;;) {
    auto more = reader.next(record);
    if (!more) return more.error();
    if (!*more) break;
    if (auto done = importer.import(record, *columns); !done) return done.error();
  }
  if (!options.dry_run) {
    if (auto committed = tx->commit(); !committed) return committed.error();
  }
  return std::move(importer.report());
}

}  // namespace dzvin::crm
