#include "pbx/phone_number.hpp"

#include <gtest/gtest.h>

namespace dzvin::pbx {
namespace {

std::string e164(std::string_view text, const NumberingPlan& plan = {}) {
  auto r = normalize_phone_number(text, plan);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  EXPECT_EQ(r->kind, NumberKind::e164) << text;
  return r->text;
}

std::string error_of(std::string_view text) {
  auto r = normalize_phone_number(text);
  EXPECT_FALSE(r.ok()) << text << " was accepted as " << (r.ok() ? r->text : "");
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

TEST(PhoneNumber, NormalisesUkrainianFormsToE164) {
  EXPECT_EQ(e164("0441234567"), "+380441234567");
  EXPECT_EQ(e164("380441234567"), "+380441234567");
  EXPECT_EQ(e164("+380441234567"), "+380441234567");
  EXPECT_EQ(e164("+380 (44) 123-45-67"), "+380441234567");
  EXPECT_EQ(e164("00380441234567"), "+380441234567");
  EXPECT_EQ(e164("050 111 22 33"), "+380501112233");
  EXPECT_EQ(e164("(067) 111.22.33"), "+380671112233");
  EXPECT_EQ(e164(" +380501112233"), "+380501112233");
}

TEST(PhoneNumber, KeepsOtherCountriesAsWritten) {
  EXPECT_EQ(e164("+48 22 123 45 67"), "+48221234567");
  EXPECT_EQ(e164("0049 30 1234567"), "+49301234567");
  EXPECT_EQ(e164("+1 (212) 555-0100"), "+12125550100");
}

TEST(PhoneNumber, RecognisesShortNumbersAsExtensions) {
  for (std::string_view text : {"1001", "12", "100100", "10 01"}) {
    auto r = normalize_phone_number(text);
    ASSERT_TRUE(r.ok()) << text;
    EXPECT_EQ(r->kind, NumberKind::extension) << text;
  }
  EXPECT_EQ(normalize_phone_number("1001")->text, "1001");
}

TEST(PhoneNumber, UsesTheGivenPlan) {
  NumberingPlan poland;
  poland.country_code = "48";
  poland.trunk_prefix = "";  // Poland dials national numbers without a prefix
  poland.national_number_length = 9;
  poland.max_extension_length = 4;
  EXPECT_EQ(e164("48221234567", poland), "+48221234567");
  EXPECT_EQ(e164("+380441234567", poland), "+380441234567");
  EXPECT_EQ(normalize_phone_number("1234", poland)->kind, NumberKind::extension);
}

TEST(PhoneNumber, RefusesJunkWithAReason) {
  EXPECT_EQ(error_of(""), "phone number \"\": no digits");
  EXPECT_EQ(error_of("call me"), "phone number \"call me\": unexpected character 'c'");
  EXPECT_EQ(error_of("044-ABC-1234"), "phone number \"044-ABC-1234\": unexpected character 'A'");
  EXPECT_EQ(error_of("+380+441234567"),
            "phone number \"+380+441234567\": '+' is allowed only at the start");
  EXPECT_EQ(error_of("044123456"),
            "phone number \"044123456\": a national number has 9 digits after the leading 0");
  EXPECT_EQ(error_of("+38044123456"),
            "phone number \"+38044123456\": +380 numbers have 9 digits after the country code");
  EXPECT_EQ(error_of("+0441234567"),
            "phone number \"+0441234567\": a country code cannot start with 0");
  EXPECT_EQ(error_of("+1234"),
            "phone number \"+1234\": an international number has 7 to 15 digits, this one has 4");
  EXPECT_EQ(error_of("+1234567890123456"),
            "phone number \"+1234567890123456\": an international number has 7 to 15 digits, "
            "this one has 16");
  EXPECT_NE(error_of("12345678").find("neither an extension"), std::string::npos);
  EXPECT_NE(error_of("7").find("neither an extension"), std::string::npos);
  EXPECT_EQ(error_of("00"), "phone number \"00\": no digits after the international prefix");
  EXPECT_EQ(error_of("1\n2"), "phone number \"1\n2\": unexpected control character");
  EXPECT_EQ(error_of(std::string(65, '1')),
            "phone number \"11111111111111111111\": longer than 64 characters");
}

TEST(PhoneNumber, ChecksE164Form) {
  EXPECT_TRUE(is_e164("+380441234567"));
  EXPECT_TRUE(is_e164("+2901234"));
  EXPECT_FALSE(is_e164("380441234567"));
  EXPECT_FALSE(is_e164("+0441234567"));
  EXPECT_FALSE(is_e164("+38044 1234567"));
  EXPECT_FALSE(is_e164("+123456"));
  EXPECT_FALSE(is_e164("+1234567890123456"));
}

}  // namespace
TEST(PhoneNumber, ALetterIsQuotedWholeInTheError) {
  const auto cyrillic = normalize_phone_number(
      "050 \xD0\x9E"
      "11 22 33");  // a Cyrillic O
  ASSERT_FALSE(cyrillic.ok());
  EXPECT_NE(cyrillic.error().message.find("unexpected character '\xD0\x9E'"), std::string::npos)
      << cyrillic.error().message;
  const auto broken = normalize_phone_number("050 \xD0");  // half a letter
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("not UTF-8"), std::string::npos);
  const auto ascii = normalize_phone_number("050x");
  ASSERT_FALSE(ascii.ok());
  EXPECT_NE(ascii.error().message.find("unexpected character 'x'"), std::string::npos);
}

}  // namespace dzvin::pbx
