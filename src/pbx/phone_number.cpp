#include "pbx/phone_number.hpp"

#include <algorithm>

namespace dzvin::pbx {

namespace {

// ITU-T E.164 §6.2.1: at most 15 digits including the country code. The shortest numbers in
// use (small island states) have 7.
constexpr std::size_t kMinE164Digits = 7;
constexpr std::size_t kMaxE164Digits = 15;
constexpr std::size_t kMaxInputLength = 64;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t';
}

Error number_error(std::string_view text, std::string_view what) {
  std::string message = "phone number \"";
  message.append(text);
  message += "\": ";
  message.append(what);
  return make_error(400, std::move(message));
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return !prefix.empty() && s.substr(0, prefix.size()) == prefix;
}

// `digits` is the international number without '+' (country code first).
Result<PhoneNumber> international(std::string_view text, std::string_view digits,
                                  const NumberingPlan& plan) {
  if (digits.empty()) return number_error(text, "no digits after the international prefix");
  if (digits.front() == '0') return number_error(text, "a country code cannot start with 0");
  if (starts_with(digits, plan.country_code) &&
      digits.size() != plan.country_code.size() + plan.national_number_length) {
    return number_error(text, "+" + plan.country_code + " numbers have " +
                                  std::to_string(plan.national_number_length) +
                                  " digits after the country code");
  }
  if (digits.size() < kMinE164Digits || digits.size() > kMaxE164Digits) {
    return number_error(text, "an international number has 7 to 15 digits, this one has " +
                                  std::to_string(digits.size()));
  }
  return PhoneNumber{NumberKind::e164, "+" + std::string(digits)};
}

}  // namespace

bool is_e164(std::string_view text) {
  if (text.size() < kMinE164Digits + 1 || text.size() > kMaxE164Digits + 1) return false;
  if (text[0] != '+' || text[1] == '0') return false;
  return std::all_of(text.begin() + 1, text.end(), is_digit);
}

Result<PhoneNumber> normalize_phone_number(std::string_view text, const NumberingPlan& plan) {
  if (text.size() > kMaxInputLength) {
    return number_error(text.substr(0, 20), "longer than 64 characters");
  }
  bool plus = false;
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      digits += c;
    } else if (c == '+') {
      // Only a leading '+' (separators before it are tolerated: " +380...").
      if (plus || !digits.empty()) return number_error(text, "'+' is allowed only at the start");
      plus = true;
    } else if (!is_separator(c)) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) return number_error(text, "unexpected control character");
      // A UTF-8 letter is quoted whole (never a byte of it: the message is UTF-8 too).
      const std::size_t length = byte < 0x80             ? 1
                                 : (byte & 0xE0) == 0xC0 ? 2
                                 : (byte & 0xF0) == 0xE0 ? 3
                                 : (byte & 0xF8) == 0xF0 ? 4
                                                         : 0;
      if (length == 0 || i + length > text.size()) {
        return number_error(text, "unexpected character (not UTF-8)");
      }
      for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
          return number_error(text, "unexpected character (not UTF-8)");
        }
      }
      return number_error(text,
                          "unexpected character '" + std::string(text.substr(i, length)) + "'");
    }
  }
  if (digits.empty()) return number_error(text, "no digits");
  if (plus) return international(text, digits, plan);
  if (starts_with(digits, plan.international_prefix)) {
    return international(text, std::string_view(digits).substr(plan.international_prefix.size()),
                         plan);
  }
  if (starts_with(digits, plan.trunk_prefix)) {
    const std::string_view national = std::string_view(digits).substr(plan.trunk_prefix.size());
    if (national.size() != plan.national_number_length) {
      return number_error(text, "a national number has " +
                                    std::to_string(plan.national_number_length) +
                                    " digits after the leading " + plan.trunk_prefix);
    }
    return PhoneNumber{NumberKind::e164, "+" + plan.country_code + std::string(national)};
  }
  if (starts_with(digits, plan.country_code) &&
      digits.size() == plan.country_code.size() + plan.national_number_length) {
    return PhoneNumber{NumberKind::e164, "+" + digits};
  }
  if (digits.size() >= 2 && digits.size() <= plan.max_extension_length) {
    return PhoneNumber{NumberKind::extension, digits};
  }
  return number_error(text, "neither an extension (2 to " +
                                std::to_string(plan.max_extension_length) +
                                " digits), a national number (" + plan.trunk_prefix + " and " +
                                std::to_string(plan.national_number_length) +
                                " digits) nor an international one (+ or " +
                                plan.international_prefix + " and the country code)");
}

}  // namespace dzvin::pbx
