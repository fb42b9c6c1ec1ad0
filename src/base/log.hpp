#pragma once
// Structured logs: one line per event, logfmt (key=value) on stderr, e.g.
//   ts=2026-11-23T19:10:00.123Z level=info event=sip.registered user=1001 contacts=1
// Never log a password, an HA1 or an Authorization header value.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin {

enum class LogLevel : std::uint8_t { trace, debug, info, warn, error, off };

Result<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

void set_log_level(LogLevel level);
LogLevel log_level();
inline bool log_enabled(LogLevel level);

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <class Int>
  requires std::is_integral_v<Int> LogField(std::string_view k, Int v)
      : key(k), owned(std::to_string(v)), value(owned) {}
  LogField(const LogField&) = delete;
  LogField& operator=(const LogField&) = delete;

  std::string_view key;
  std::string owned;
  std::string_view value;
};

// Writes one line if `level` is enabled. Values with spaces, quotes or '=' are quoted.
void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// Redirects log output (tests); nullptr restores stderr.
void set_log_sink(void (*sink)(std::string_view line));

namespace detail {
extern LogLevel g_log_level;
}
inline bool log_enabled(LogLevel level) {
  return level >= detail::g_log_level;
}

}  // namespace dzvin
