#pragma once
// Numbers in paths and query strings: digits only (no sign, no spaces), 64 bits.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dzvin::http {

// A whole decimal number without sign that fits in 64 bits; nullopt for anything else.
inline std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// An id in a path: a decimal number above zero.
inline std::optional<std::int64_t> parse_id(std::string_view text) {
  const auto value = parse_decimal(text);
  if (!value || *value <= 0) return std::nullopt;
  return value;
}

}  // namespace dzvin::http
