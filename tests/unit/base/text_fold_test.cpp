// Case folding for search: Cyrillic (Ukrainian letters included), Latin with accents, Greek,
// mixed text; what is not a letter, or not UTF-8, comes through unchanged.
#include "base/text_fold.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

namespace dzvin {
namespace {

TEST(TextFoldTest, FoldsUkrainianAndRussianCyrillic) {
  EXPECT_EQ(fold_case("ОЛЕНА КОВАЛЬ"), "олена коваль");
  EXPECT_EQ(fold_case("Олена Коваль"), "олена коваль");
  EXPECT_EQ(fold_case("олена коваль"), "олена коваль");
  // Ґ Є І Ї (and their small letters, which stay), Ukrainian's own.
  EXPECT_EQ(fold_case("ҐЄІЇ ґєії"), "ґєії ґєії");
  EXPECT_EQ(fold_case("ЇЖАК"), "їжак");
  EXPECT_EQ(fold_case("ЁЖИК ЪЫЭ"), "ёжик ъыэ");
  // Ѐ-Џ, А-Я: both ends of the two runs.
  EXPECT_EQ(fold_case("ЀЏАЯ"), "ѐџая");
  // The historic and other Slavic letters of the Cyrillic block and supplement.
  EXPECT_EQ(fold_case("ѠѢҀҊҾӀӁӍӐԮ"), "ѡѣҁҋҿӏӂӎӑԯ");
}

TEST(TextFoldTest, FoldsLatinWithAccents) {
  EXPECT_EQ(fold_case("KOVAL Koval"), "koval koval");
  EXPECT_EQ(fold_case("ÀÉÎÕÜÝÞ"), "àéîõüýþ");
  EXPECT_EQ(fold_case("ĄĆĘŁŃŚŹŻ"), "ąćęłńśźż");  // Polish
  EXPECT_EQ(fold_case("ČŠŽŘŇĎŤ"), "čšžřňďť");    // Czech, Slovak
  EXPECT_EQ(fold_case("ŐŰ Ÿ"), "őű ÿ");
  EXPECT_EQ(fold_case("ſ"), "s");  // long s: two bytes fold to one
  // No simple folding: × ÷ ß İ ı ŉ stay.
  EXPECT_EQ(fold_case("×÷ßİıŉ"), "×÷ßİıŉ");
  EXPECT_EQ(fold_case("µ"), "μ");  // the micro sign is Greek mu
}

TEST(TextFoldTest, FoldsGreek) {
  EXPECT_EQ(fold_case("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(fold_case("ΆΈΉΊΌΎΏ"), "άέήίόύώ");
  EXPECT_EQ(fold_case("ΟΔΟΣ οδος"), "οδοσ οδοσ");  // final sigma folds to σ
}

TEST(TextFoldTest, MixedTextKeepsWhatIsNotALetter) {
  EXPECT_EQ(fold_case("ТОВ «Рошен» Roshen LLC, +380 (44) 123-45-67"),
            "тов «рошен» roshen llc, +380 (44) 123-45-67");
  EXPECT_EQ(fold_case("Олена O'NEIL-Ковальчук"), "олена o'neil-ковальчук");
  // Scripts beyond the folded blocks pass unchanged (Armenian, CJK, an emoji).
  EXPECT_EQ(fold_case("ԱԲ 日本 😀"), "ԱԲ 日本 😀");
}

TEST(TextFoldTest, InvalidUtf8PassesThroughUnchanged) {
  using namespace std::string_literals;
  // A lone continuation byte, a lead byte at the end, a lead byte before a non-continuation,
  // an overlong form of 'A', Windows-1251 for "ОЛЕНА": each byte as it was.
  for (const std::string& bad : {"\x80"s, "A\xD0"s,
                                 "\xD0"
                                 "A"s,
                                 "\xC1\x81"s, "\xCE\xCB\xC5\xCD\xC0"s}) {
    std::string expected = bad;
    for (char& c : expected) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    EXPECT_EQ(fold_case(bad), expected);
  }
  // Valid characters around the bad bytes still fold.
  EXPECT_EQ(fold_case("\xFFОЛЕНА\xFE"), "\xFFолена\xFE");
  // A NUL is a character like any other.
  EXPECT_EQ(fold_case("A\0Б"s), "a\0б"s);
}

TEST(TextFoldTest, EmptyTextFoldsToEmpty) {
  EXPECT_EQ(fold_case(""), "");
  char out[1] = {'x'};
  EXPECT_EQ(fold_case(std::string_view(), out), 0u);
  EXPECT_EQ(out[0], 'x');
}

TEST(TextFoldTest, NeverLengthensAndIsStable) {
  // Every code point below U+0800 (where all foldings are), alone: the folded text is never
  // longer, and folding it again changes nothing.
  for (char32_t c = 1; c < 0x800; ++c) {
    std::string text;
    if (c < 0x80) {
      text.push_back(static_cast<char>(c));
    } else {
      text.push_back(static_cast<char>(0xC0 | (c >> 6)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    const std::string once = fold_case(text);
    EXPECT_LE(once.size(), text.size()) << std::hex << static_cast<unsigned>(c);
    EXPECT_EQ(fold_case(once), once) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextFoldTest, TheBufferFormWritesNoMoreThanTheInput) {
  const std::string_view text = "ĲſKΣ";
  char out[16];
  std::fill(std::begin(out), std::end(out), '#');
  const std::size_t n = fold_case(text, out);
  EXPECT_EQ(std::string_view(out, n), "ĳskσ");
  EXPECT_EQ(out[text.size()], '#');
}

}  // namespace
}  // namespace dzvin
