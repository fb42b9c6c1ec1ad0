#pragma once
// Contacts from a CSV file (POST /api/v1/contacts/import; docs/crm.md "Importing contacts from
// CSV"). The header names the columns, case-insensitively: name (required), company, email,
// owner (a username), notes, external_id, and numbers in phone, phones, mobile, phone2,
// mobile_2, ... (a cell may hold several numbers separated by ',' or ';' or on lines of their
// own; mobile columns label theirs "mobile"). Other columns are ignored with a warning.
//
// Each line is matched to a contact: the one with its external_id, else the one that has one
// of its numbers, else none (a new contact). A match is updated — cells that are not empty
// replace what it has, numbers are added to its numbers — or left alone when that changes
// nothing. A line is skipped, with its error, when a cell is wrong (no name, a number that is
// not one, an unknown owner), when its numbers belong to another contact than the one it
// matches, or when an earlier line of the file already was the same contact. Everything is one
// transaction; a dry run rolls it back, so it reports exactly what the import would do.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace dzvin::crm {

class ContactStore;

inline constexpr std::size_t kMaxImportBytes = 5 * 1024 * 1024;
inline constexpr std::size_t kMaxImportRows = 50'000;  // the header not counted
inline constexpr std::size_t kMaxImportErrorsListed = 1'000;
// Error code (Error::code) of a file over kMaxImportBytes or kMaxImportRows: the HTTP status.
inline constexpr int kImportTooLarge = 413;

struct ImportOptions {
  bool dry_run = false;
  // The username new contacts are created by; "" (the import route): nobody captured them,
  // so the weekly first-contact report does not count them (first_contact_report.hpp).
  std::string created_by;
};

struct ImportLineError {
  std::size_t line = 0;  // the CSV line the record starts on (the header is line 1)
  std::string message;   // starts with the column at fault, as "phone: ..."
};

struct ImportReport {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;            // matched a contact and would change nothing
  std::size_t skipped = 0;              // lines with an error
  std::vector<ImportLineError> errors;  // the first kMaxImportErrorsListed, in line order
  std::vector<std::string> warnings;    // about the file as a whole (columns ignored)
};

// Imports `csv` into the tenant's contacts. Errors, for the file as a whole (nothing written):
// kImportTooLarge; kCsvMalformed (contact_csv.hpp) for a file that is not CSV as it should be,
// naming the line, or whose header has no name column or a column twice ("header: ...");
// a store::StoreError when the database fails.
Result<ImportReport> import_contacts(ContactStore& contacts, std::int64_t tenant_id,
                                     std::string_view csv, const ImportOptions& options);

}  // namespace dzvin::crm
