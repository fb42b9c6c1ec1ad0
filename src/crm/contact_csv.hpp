#pragma once
// CSV as spreadsheets save it (RFC 4180), read one record at a time: UTF-8 with or without a
// byte-order mark; fields separated by commas or by semicolons (what Excel writes where the
// decimal separator is a comma, as in Ukraine), whichever the first line has more of outside
// quotes; records ended by CRLF, LF or a lone CR; a field in double quotes may hold
// separators, line breaks and quotes written twice (""). Empty lines are skipped. Every record
// knows the line it starts on, counting the line breaks inside quoted fields, so a message can
// point at the line a spreadsheet or an editor shows.
//
// Forgiving where nothing is lost (a quote inside an unquoted field is kept as text; a record
// may have fewer fields than another); an error, naming the line, where the file cannot be
// what its writer meant: a quoted field never closed, text after a closing quote, bytes that
// are not UTF-8 (a file saved as Windows-1251 or UTF-16), a field or a record past the limits.
// Zero dependencies but base/result.hpp; reads from a string_view it does not own.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace dzvin::crm {

// Error codes (Error::code) of CsvReader: the HTTP statuses the import answers with.
inline constexpr int kCsvMalformed = 422;

struct CsvLimits {
  std::size_t max_field_bytes = 4096;
  std::size_t max_fields = 200;  // per record
};

struct CsvRecord {
  std::size_t line = 0;  // 1-based: the first record (the header) is on line 1
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text, CsvLimits limits = {});

  // ',' or ';'.
  char separator() const { return separator_; }

  // Reads the next record into `record` (reusing its storage): true, or false after the last.
  // Errors (kCsvMalformed) start with "line N: "; after one, the reader stays at the error.
  Result<bool> next(CsvRecord& record);

 private:
  Result<void> read_field(std::string& field);
  Error error_at(std::size_t line, std::string_view what) const;
  void skip_line_break();

  std::string_view text_;
  CsvLimits limits_;
  char separator_ = ',';
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string failure_;  // the first error's message, repeated by every later next()
};

}  // namespace dzvin::crm
