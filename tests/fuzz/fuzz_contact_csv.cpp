// libFuzzer target: the CSV reader of the contacts import (crm/contact_csv.hpp), on what an
// uploaded file may hold. Invariants: every call ends (a record always consumes input); records
// start on increasing lines; fields and records keep to the limits; an error starts with
// "line N: " and stays; the records written back as CSV (every field quoted) read back the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crm/contact_csv.hpp"
#include "fuzz_invariant.hpp"

using dzvin::crm::CsvLimits;
using dzvin::crm::CsvReader;
using dzvin::crm::CsvRecord;
using dzvin::fuzz::fail;

namespace {

// Small limits, so that the fuzzer reaches them.
constexpr CsvLimits kLimits{64, 8};

// Every record, or nothing when the text is refused.
bool read_all(std::string_view text, std::vector<std::vector<std::string>>& records) {
  CsvReader reader(text, kLimits);
  CsvRecord record;
  std::size_t last_line = 0;
  for (;;) {
    auto more = reader.next(record);
    if (!more) {
      if (more.error().message.rfind("line ", 0) != 0) fail("an error that names no line");
      auto again = reader.next(record);
      if (again || again.error().message != more.error().message) fail("an error that goes away");
      return false;
    }
    if (!*more) return true;
    if (record.line <= last_line) fail("a record that does not start on a later line");
    last_line = record.line;
    if (record.fields.empty() || record.fields.size() > kLimits.max_fields)
      fail("a record past the field limit");
    for (const std::string& field : record.fields) {
      if (field.size() > kLimits.max_field_bytes) fail("a field past the size limit");
    }
    if (records.size() > text.size()) fail("more records than bytes");
    records.push_back(record.fields);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::vector<std::string>> records;
  if (!read_all(input, records)) return 0;

  // Written back with commas and every field quoted: read again, the same records.
  std::string written;
  for (const auto& fields : records) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) written += ',';
      written += '"';
      for (const char c : fields[i]) {
        if (c == '"') written += '"';
        written += c;
      }
      written += '"';
    }
    written += "\r\n";
  }
  std::vector<std::vector<std::string>> again;
  if (!read_all(written, again)) fail("records written back are refused");
  if (again != records) fail("records written back read differently");
  return 0;
}
