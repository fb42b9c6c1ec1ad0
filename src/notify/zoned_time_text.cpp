#include "notify/zoned_time_text.hpp"

#include <date/tz.h>

namespace dzvin::notify {

namespace {

const date::time_zone* find_zone(const std::string& name) {
  // locate_zone throws for an unknown name (and when no tz database can be read at all).
  for (const std::string& candidate : {name, std::string("UTC")}) {
    try {
      return date::locate_zone(candidate);
    } catch (const std::exception&) {
    }
  }
  return nullptr;
}

}  // namespace

std::string zoned_time_text(WallTime t, const std::string& zone, std::string_view format) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const std::string fmt(format);
  const date::time_zone* z = find_zone(zone);
  if (z == nullptr) return date::format(fmt, seconds);  // %Z of a sys_time is "UTC"
  return date::format(fmt, date::make_zoned(z, seconds));
}

}  // namespace dzvin::notify
