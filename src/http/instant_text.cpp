#include "http/instant_text.hpp"

#include <chrono>

#include "http/decimal.hpp"

namespace dzvin::http {

namespace {

// Reads `count` decimal digits at text[at]; advances `at`.
std::optional<int> take_number(std::string_view text, std::size_t& at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char ch = text[at + i];
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  at += count;
  return value;
}

bool take_char(std::string_view text, std::size_t& at, char expected) {
  if (at < text.size() && text[at] == expected) {
    ++at;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::int64_t> parse_instant_ms(std::string_view text) {
  if (text.find('-') == std::string_view::npos) {
    if (text.size() > 16) return std::nullopt;
    return parse_decimal(text);
  }
  using namespace std::chrono;
  std::size_t at = 0;
  const auto y = take_number(text, at, 4);
  if (!y || !take_char(text, at, '-')) return std::nullopt;
  const auto mo = take_number(text, at, 2);
  if (!mo || !take_char(text, at, '-')) return std::nullopt;
  const auto d = take_number(text, at, 2);
  if (!d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  std::int64_t ms = duration_cast<milliseconds>(sys_days{date}.time_since_epoch()).count();
  if (at == text.size()) return ms;
  if (!take_char(text, at, 'T') && !take_char(text, at, 't')) return std::nullopt;
  const auto hh = take_number(text, at, 2);
  if (!hh || *hh > 23 || !take_char(text, at, ':')) return std::nullopt;
  const auto mm = take_number(text, at, 2);
  if (!mm || *mm > 59) return std::nullopt;
  int ss = 0;
  int fraction_ms = 0;
  if (take_char(text, at, ':')) {
    const auto s = take_number(text, at, 2);
    if (!s || *s > 60) return std::nullopt;  // 60: a leap second, read as the next one
    ss = *s;
    if (take_char(text, at, '.') || take_char(text, at, ',')) {
      std::size_t digits = 0;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        if (digits < 3) fraction_ms = fraction_ms * 10 + (text[at] - '0');
        ++digits;
        ++at;
      }
      if (digits == 0 || digits > 9) return std::nullopt;
      for (std::size_t i = digits; i < 3; ++i)
        fraction_ms *= 10;
    }
  }
  ms += ((std::int64_t{*hh} * 60 + *mm) * 60 + ss) * 1000 + fraction_ms;
  if (take_char(text, at, 'Z') || take_char(text, at, 'z'))
    return at == text.size() ? std::optional(ms) : std::nullopt;
  if (at >= text.size()) return std::nullopt;  // no zone: local to whom?
  const char sign = text[at++];
  if (sign != '+' && sign != '-' && sign != ' ') return std::nullopt;
  const auto oh = take_number(text, at, 2);
  if (!oh || *oh > 23) return std::nullopt;
  int om = 0;
  if (at < text.size()) {
    take_char(text, at, ':');
    const auto m = take_number(text, at, 2);
    if (!m || *m > 59) return std::nullopt;
    om = *m;
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t offset_ms = (std::int64_t{*oh} * 60 + om) * 60 * 1000;
  return sign == '-' ? ms + offset_ms : ms - offset_ms;
}

}  // namespace dzvin::http
