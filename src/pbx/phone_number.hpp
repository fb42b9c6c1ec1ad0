#pragma once
// Phone numbers as people type them, normalised to E.164 ("+380441234567") or recognised as
// short internal extensions ("1001"). No per-country database: the home country's national
// format is described by a NumberingPlan, other countries are checked only for E.164 length.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::pbx {

// How numbers are dialled in the company's country. The defaults are Ukraine's.
struct NumberingPlan {
  std::string country_code = "380";         // E.164 country code, digits only
  std::string trunk_prefix = "0";           // national prefix: 044 123 45 67
  std::string international_prefix = "00";  // 00 380 44 123 45 67
  // Digits after the trunk prefix, or after the country code (Ukraine: 9).
  std::size_t national_number_length = 9;
  // Digit strings of 2..max_extension_length digits not starting with the trunk prefix are
  // internal extensions.
  std::size_t max_extension_length = 6;
};

enum class NumberKind : std::uint8_t { e164, extension };

struct PhoneNumber {
  NumberKind kind = NumberKind::e164;
  std::string text;  // "+380441234567" or "1001"
  bool operator==(const PhoneNumber&) const = default;
};

// Accepts digits with spaces, '-', '.', '/', '(' and ')' as separators and an optional leading
// '+'. "0441234567", "380441234567", "+380 (44) 123-45-67" and "00380441234567" all give
// "+380441234567"; "1001" is an extension. Anything else is an error (code 400) whose message
// quotes the input and says what is wrong.
Result<PhoneNumber> normalize_phone_number(std::string_view text, const NumberingPlan& plan = {});

// True for '+' followed by 7..15 digits, the first not 0 (ITU-T E.164 §6.2.1: at most 15).
bool is_e164(std::string_view text);

}  // namespace dzvin::pbx
