#pragma once
// Times in e-mails, in the company's zone (date/tz.h stays in the .cpp).
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace dzvin::notify {

// `t` formatted with a date::format pattern ("%d.%m.%Y %H:%M %Z") in the IANA zone `zone`;
// an unknown zone (or none readable) falls back to UTC.
std::string zoned_time_text(WallTime t, const std::string& zone, std::string_view format);

}  // namespace dzvin::notify
