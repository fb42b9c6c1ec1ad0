#include "crm/contact_csv.hpp"

namespace dzvin::crm {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_line_break(char c) {
  return c == '\n' || c == '\r';
}

// Where the first byte that is not part of well-formed UTF-8 is (RFC 3629 §4: no overlong
// forms, no surrogates, nothing past U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // the range of the second byte
    unsigned char high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;   // overlong
      if (b == 0xED) high = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;   // overlong
      if (b == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (k == 1 ? (c < low || c > high) : (c & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// The line `offset` is on: one more than the line breaks before it (CRLF is one).
std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

// The separator of the first line: the more frequent of ',' and ';' outside quotes (',' when
// neither is there: a file of one column).
char detect_separator(std::string_view text) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;  // a doubled quote toggles twice
    } else if (!quoted && is_line_break(c)) {
      break;
    } else if (!quoted && c == ',') {
      ++commas;
    } else if (!quoted && c == ';') {
      ++semicolons;
    }
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

CsvReader::CsvReader(std::string_view text, CsvLimits limits) : text_(text), limits_(limits) {
  if (text_.starts_with("\xFF\xFE") || text_.starts_with("\xFE\xFF")) {
    failure_ = "line 1: the file is UTF-16; save it as \"CSV UTF-8\"";
    return;
  }
  if (text_.starts_with(kUtf8Bom)) text_.remove_prefix(kUtf8Bom.size());
  if (const std::size_t bad = invalid_utf8_at(text_); bad != std::string_view::npos) {
    failure_ = "line " + std::to_string(line_of(text_, bad)) +
               ": not UTF-8 text (saved as Windows-1251?); save the file as \"CSV UTF-8\"";
    return;
  }
  separator_ = detect_separator(text_);
}

Error CsvReader::error_at(std::size_t line, std::string_view what) const {
  return make_error(kCsvMalformed, "line " + std::to_string(line) + ": " + std::string(what));
}

void CsvReader::skip_line_break() {
  if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
  ++pos_;
  ++line_;
}

Result<void> CsvReader::read_field(std::string& field) {
  field.clear();
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    // RFC 4180 §2.5-6: unquoted up to the separator or the end of the line. A quote inside is
    // not RFC 4180, but no reading of it is lost by keeping it.
    const char stops[] = {separator_, '\r', '\n'};
    const std::size_t end = text_.find_first_of(std::string_view(stops, sizeof stops), pos_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    if (stop - pos_ > limits_.max_field_bytes) {
      return error_at(line_,
                      "a field longer than " + std::to_string(limits_.max_field_bytes) + " bytes");
    }
    field.assign(text_.substr(pos_, stop - pos_));
    pos_ = stop;
    return {};
  }
  const std::size_t first_line = line_;
  ++pos_;  // the opening quote
  for (;;) {
    if (pos_ >= text_.size()) {
      return error_at(first_line, "a quoted field is never closed (a \" is missing)");
    }
    const char c = text_[pos_];
    if (c == '"') {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {  // §2.7: "" is one quote
        field.push_back('"');
        pos_ += 2;
      } else {
        ++pos_;
        break;
      }
    } else if (is_line_break(c)) {
      const std::size_t from = pos_;
      skip_line_break();  // counts the line; a CRLF stays CRLF in the value
      field.append(text_.substr(from, pos_ - from));
    } else {
      // The run of ordinary characters up to the next quote or line break, at once.
      const std::size_t end = text_.find_first_of("\"\r\n", pos_);
      const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
      field.append(text_.substr(pos_, stop - pos_));
      pos_ = stop;
    }
    if (field.size() > limits_.max_field_bytes) {
      return error_at(first_line,
                      "a field longer than " + std::to_string(limits_.max_field_bytes) + " bytes");
    }
  }
  if (pos_ < text_.size() && text_[pos_] != separator_ && !is_line_break(text_[pos_])) {
    return error_at(line_,
                    "text after the closing quote of a field (a quote inside a quoted field is "
                    "written twice: \"\")");
  }
  return {};
}

Result<bool> CsvReader::next(CsvRecord& record) {
  if (!failure_.empty()) return make_error(kCsvMalformed, failure_);
  for (;;) {
    if (pos_ >= text_.size()) return false;
    record.line = line_;
    std::size_t count = 0;
    bool quoted = false;
    for (;;) {
      if (count == limits_.max_fields) {
        failure_ = "line " + std::to_string(record.line) + ": more than " +
                   std::to_string(limits_.max_fields) + " fields";
        return make_error(kCsvMalformed, failure_);
      }
      if (count == record.fields.size()) record.fields.emplace_back();
      quoted = quoted || (pos_ < text_.size() && text_[pos_] == '"');
      if (auto read = read_field(record.fields[count]); !read) {
        failure_ = read.error().message;
        return read.error();
      }
      ++count;
      if (pos_ < text_.size() && text_[pos_] == separator_) {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size()) skip_line_break();
      break;
    }
    record.fields.resize(count);
    // An empty line is one empty unquoted field: skipped (a blank line, the end of the file).
    if (count == 1 && !quoted && record.fields[0].empty()) continue;
    return true;
  }
}

}  // namespace dzvin::crm
