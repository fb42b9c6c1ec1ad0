#pragma once
// Reads back what format_email writes, independently of it: header unfolding (RFC 5322
// §2.2.3), RFC 2047 B encoded words, multipart bodies (RFC 2046 §5.1). Enough for the tests,
// strict where the tests rely on it.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/base64.hpp"

namespace dzvin::notify::testing {

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct MimePart {
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded values
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (iequals(k, name)) return v;
    }
    return std::nullopt;
  }
  int count(std::string_view name) const {
    return static_cast<int>(std::count_if(headers.begin(), headers.end(),
                                          [&](const auto& h) { return iequals(h.first, name); }));
  }
};

// Splits headers from body at the first empty line and unfolds the headers.
inline MimePart parse_part(std::string_view text) {
  MimePart part;
  const std::size_t end = text.find("\r\n\r\n");
  const std::string_view head =
      text.substr(0, end == std::string_view::npos ? text.size() : end + 2);
  if (end != std::string_view::npos) part.body = std::string(text.substr(end + 4));
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t eol = head.find("\r\n", at);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(at, eol - at);
    at = eol + 2;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!part.headers.empty()) part.headers.back().second += std::string(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    part.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return part;
}

// The value of `name="..."` or `name=...` in a header such as Content-Type.
inline std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  const std::string key = std::string(name) + "=";
  const std::size_t at = header.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = header.substr(at + key.size());
  if (!rest.empty() && rest.front() == '"') {
    rest.remove_prefix(1);
    return std::string(rest.substr(0, rest.find('"')));
  }
  return std::string(rest.substr(0, rest.find(';')));
}

// The body parts between "--boundary" lines, up to "--boundary--".
inline std::vector<MimePart> split_multipart(std::string_view body, std::string_view boundary) {
  std::vector<MimePart> parts;
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t at = body.find(delimiter);
  while (at != std::string_view::npos) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;
    at += 2;  // CRLF after the delimiter
    const std::size_t next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos) break;
    parts.push_back(parse_part(body.substr(at, next + 2 - at)));
    at = next + 2;
  }
  return parts;
}

// The encoded words of a header value ("=?UTF-8?B?...?=" separated by white space), each
// decoded on its own; nullopt if anything else is found.
inline std::optional<std::vector<std::string>> decode_words(std::string_view value) {
  std::vector<std::string> words;
  while (!value.empty()) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    if (value.empty()) break;
    if (value.substr(0, 10) != "=?UTF-8?B?") return std::nullopt;
    const std::size_t end = value.find("?=", 10);
    if (end == std::string_view::npos) return std::nullopt;
    auto decoded = base64_decode(value.substr(10, end - 10));
    if (!decoded) return std::nullopt;
    words.push_back(*decoded);
    value.remove_prefix(end + 2);
  }
  return words;
}

inline bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80         ? 1
                          : (b >> 5) == 6  ? 2
                          : (b >> 4) == 14 ? 3
                          : (b >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every line ends in CRLF (no bare CR or LF) and is at most `max` characters.
inline bool lines_ok(std::string_view text, std::size_t max, std::string* why = nullptr) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
      if (why) *why = "bare LF at " + std::to_string(i);
      return false;
    }
    if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      if (why) *why = "bare CR at " + std::to_string(i);
      return false;
    }
    if (text[i] == '\n') {
      if (i - 1 - start > max) {
        if (why)
          *why = "line of " + std::to_string(i - 1 - start) + " characters at " +
                 std::to_string(start);
        return false;
      }
      start = i + 1;
    }
  }
  if (start != text.size()) {
    if (why) *why = "last line without CRLF";
    return false;
  }
  return true;
}

}  // namespace dzvin::notify::testing
