#pragma once
// Instants in requests: query parameters and JSON fields.
#include <cstdint>
#include <optional>
#include <string_view>

namespace dzvin::http {

// An instant as unix milliseconds: decimal unix milliseconds, or ISO 8601 / RFC 3339
// "2027-03-28T09:30:00Z", "...T09:30:00.250+03:00", "...T09:30+0300", or a date alone
// "2027-03-28" (midnight UTC). An offset's '+' decoded as a space from a query string (HTML
// form encoding) is taken as '+'. A date-time without Z or an offset is refused: ambiguous.
std::optional<std::int64_t> parse_instant_ms(std::string_view text);

}  // namespace dzvin::http
